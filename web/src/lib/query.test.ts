import { describe, expect, it } from 'vitest';
import { parseCustomerQuery } from '@foyer/schema/validation';
import {
  ariaSort,
  bulkQuery,
  changeView,
  clearFilters,
  currentSort,
  describeSort,
  emptyView,
  exportHref,
  exportIdsHref,
  filterChips,
  filterCount,
  nextSort,
  rangeLabel,
  rangeValue,
  readRange,
  readView,
  sameView,
  segmentHref,
  segmentQuery,
  setCustom,
  toggleListValue,
  totalLabel,
  viewHref,
  writeView,
} from './query';

const VIP = '11111111-1111-4111-8111-111111111111';
const REG = '22222222-2222-4222-8222-222222222222';
const ACME = '33333333-3333-4333-8333-333333333333';

describe('readView / writeView', () => {
  it('round-trips a full view in the schema order, and the API schema accepts it', () => {
    const search =
      `q=ada&tags=${VIP},${REG}&tagMode=all&lifecycle=lead,at_risk&source=online&language=fr,en&consent=yes&company=${ACME}` +
      '&city=London&country=GB&createdFrom=2026-01-01&createdTo=2026-03-31&activeFrom=2026-02-01&activeTo=2026-02-28&status=active' +
      '&sort=-clv&page=3&pageSize=100&cf.points=10..50&cf.tier=Gold';
    const view = readView(search);
    expect(view).toMatchObject({
      q: 'ada',
      tags: [VIP, REG],
      tagMode: 'all',
      lifecycle: ['lead', 'at_risk'],
      language: ['fr', 'en'],
      consent: 'yes',
      sort: '-clv',
      page: 3,
      pageSize: 100,
      custom: { points: '10..50', tier: 'Gold' },
    });
    expect(writeView(view)).toBe(search);
    const parsed = parseCustomerQuery(new URLSearchParams(writeView(view)));
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.query.custom).toEqual({ points: '10..50', tier: 'Gold' });
  });

  it('leaves defaults out, so the plain list is /customers', () => {
    expect(viewHref(readView('page=1&pageSize=50&tagMode=any&sort=-created'))).toBe('/customers');
    expect(viewHref(readView('q=ada&sort=relevance'))).toBe('/customers?q=ada');
    // tagMode means nothing without tags
    expect(writeView(readView('tagMode=all'))).toBe('');
  });

  it('keeps the order canonical whatever order the URL had', () => {
    expect(writeView(readView('sort=name&city=Paris&q=x&cf.b=1&cf.a=2'))).toBe('q=x&city=Paris&sort=name&cf.a=2&cf.b=1');
  });

  it('tidies lists and escapes what needs escaping', () => {
    expect(writeView(readView('source=online,,online, import&q=a%26b c'))).toBe('q=a%26b+c&source=online,import');
  });

  it('drops unknown parameters and junk paging', () => {
    expect(writeView(readView('colour=red&page=abc&pageSize=0'))).toBe('');
  });
});

describe('changing the view', () => {
  const base = readView(`tags=${VIP}&tagMode=all&page=4&sort=name`);

  it('goes back to page 1 on any change but a page change', () => {
    expect(changeView(base, { city: 'Paris' }).page).toBe(1);
    expect(changeView(base, { page: 5 }).page).toBe(5);
  });

  it('adds and removes list values; tagMode goes with the last tag', () => {
    const two = toggleListValue(base, 'tags', REG, true);
    expect(two.tags).toEqual([VIP, REG]);
    expect(toggleListValue(two, 'tags', REG, true).tags).toEqual([VIP, REG]);
    const none = toggleListValue(base, 'tags', VIP, false);
    expect(none.tags).toEqual([]);
    expect(none.tagMode).toBe('any');
  });

  it('sets and clears custom field filters', () => {
    const v = setCustom(base, 'points', '5..');
    expect(v.custom).toEqual({ points: '5..' });
    expect(setCustom(v, 'points', ' ').custom).toEqual({});
  });

  it('clears every filter but keeps search, sort and page size', () => {
    const v = readView(`q=ada&tags=${VIP}&city=Paris&cf.tier=Gold&sort=name&pageSize=100&page=2&consent=no`);
    expect(writeView(clearFilters(v))).toBe('q=ada&sort=name&pageSize=100');
    expect(filterCount(v)).toBe(4);
    expect(filterCount(clearFilters(v))).toBe(0);
  });

  it('counts a date range once', () => {
    expect(filterCount(readView('createdFrom=2026-01-01&createdTo=2026-02-01&activeTo=2026-01-01'))).toBe(2);
  });
});

describe('sorting', () => {
  it('defaults to newest first, or best match when searching', () => {
    expect(currentSort(emptyView())).toEqual({ key: 'created', descending: true });
    expect(currentSort(readView('q=ada'))).toEqual({ key: 'relevance', descending: false });
    expect(describeSort(emptyView())).toBe('Sorted by created, newest first');
    expect(describeSort(readView('q=x'))).toBe('Sorted by best match');
  });

  it('flips the current column and starts others in their natural direction', () => {
    const v = emptyView();
    expect(nextSort(v, 'created')).toBe('created');
    expect(nextSort(v, 'name')).toBe('name');
    expect(nextSort(v, 'totalSpent')).toBe('-totalSpent');
    expect(nextSort(readView('sort=name'), 'name')).toBe('-name');
    expect(nextSort(readView('sort=-name'), 'name')).toBe('name');
  });

  it('says which column is sorted, for aria-sort', () => {
    const v = readView('sort=-clv');
    expect(ariaSort(v, 'clv')).toBe('descending');
    expect(ariaSort(v, 'name')).toBeUndefined();
    expect(ariaSort(emptyView(), 'created')).toBe('descending');
    expect(describeSort(readView('sort=name'))).toBe('Sorted by name, A to Z');
  });

  it('ignores a sort the API does not know (the API says so)', () => {
    expect(currentSort(readView('sort=colour'))).toEqual({ key: 'created', descending: true });
  });
});

describe('targets', () => {
  const v = readView(`q=ada&tags=${VIP}&sort=name&page=2&pageSize=100`);

  it('a bulk action on everything matching sends the filters without paging or sort', () => {
    expect(bulkQuery(v)).toBe(`q=ada&tags=${VIP}`);
  });

  it('a segment keeps the sort but not the page', () => {
    expect(segmentQuery(v)).toBe(`q=ada&tags=${VIP}&sort=name`);
    expect(segmentHref(`?tags=${VIP}&q=ada&sort=name`)).toBe(`/customers?q=ada&tags=${VIP}&sort=name`);
    expect(segmentHref('')).toBe('/customers');
    expect(sameView(`tags=${VIP}&q=ada&sort=name&page=3`, segmentQuery(v))).toBe(true);
    expect(sameView(`tags=${VIP}`, segmentQuery(v))).toBe(false);
  });

  it('exports every page of the view, or the chosen customers', () => {
    expect(exportHref(v)).toBe(`/api/customers/export.csv?q=ada&tags=${VIP}&sort=name`);
    expect(exportHref(emptyView())).toBe('/api/customers/export.csv');
    expect(exportIdsHref(['a'.repeat(32), 'b'.repeat(32)])).toBe(`/api/customers/export.csv?ids=${'a'.repeat(32)},${'b'.repeat(32)}`);
  });
});

describe('words', () => {
  it('counts customers, capped past 1,000', () => {
    expect(totalLabel(1, false)).toBe('1 customer');
    expect(totalLabel(231, false)).toBe('231 customers');
    expect(totalLabel(1_000, true)).toBe('1,000+ customers');
    expect(totalLabel(0, false)).toBe('0 customers');
  });

  it('writes ranges', () => {
    expect(rangeLabel('2026-01-01', '2026-03-31')).toBe('1 Jan 2026 – 31 Mar 2026');
    expect(rangeLabel('2026-01-01', '')).toBe('from 1 Jan 2026');
    expect(rangeLabel('', '2026-03-31')).toBe('until 31 Mar 2026');
    expect(rangeValue('1', '')).toBe('1..');
    expect(rangeValue(' ', '')).toBe('');
    expect(readRange('..9')).toEqual({ min: '', max: '9' });
    expect(readRange('7')).toEqual({ min: '7', max: '7' });
  });
});

describe('filter chips', () => {
  it('makes one removable chip per value, named from the lookups', () => {
    const v = readView(
      `tags=${VIP},${REG}&tagMode=all&lifecycle=at_risk&createdFrom=2026-01-01&createdTo=2026-01-31&consent=no&company=${ACME}` +
        '&cf.points=10..&cf.vip_since=2025-01-01&cf.newsletter=true',
    );
    const chips = filterChips(v, {
      tags: [
        { id: VIP, name: 'VIP' },
        { id: REG, name: 'Regular' },
      ],
      companies: [{ id: ACME, name: 'Acme' }],
      customFields: [
        { key: 'points', label: 'Points', type: 'number' },
        { key: 'vip_since', label: 'VIP since', type: 'date' },
        { key: 'newsletter', label: 'Newsletter', type: 'boolean' },
      ],
    });
    expect(chips.map((c) => c.label)).toEqual([
      'Tag (all of): VIP',
      'Tag (all of): Regular',
      'Lifecycle: At-Risk',
      'Created 1 Jan 2026 – 31 Jan 2026',
      'Marketing consent: not given',
      'Company: Acme',
      'Points: from 10',
      'VIP since: 1 Jan 2025',
      'Newsletter: yes',
    ]);
    const withoutVip = chips[0]!.view;
    expect(withoutVip.tags).toEqual([REG]);
    expect(writeView(chips[3]!.view)).not.toMatch(/created/);
    expect(chips[6]!.view.custom).toEqual({ vip_since: '2025-01-01', newsletter: 'true' });
  });
});
