import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../support/client.ts';
import { startTestFoyer, type TestFoyer } from '../support/foyer.ts';
import { MAX_TAGS_PER_CUSTOMER } from '@foyer/schema/validation';

let foyer: TestFoyer;
let staff: ApiClient & { orgId: string };
let ada: { id: string; customerNumber: string };
let vip: string;

const names = (res: { body: { items: { firstName: string | null; lastName: string | null }[] } }) =>
  res.body.items.map((c) => `${c.firstName ?? ''} ${c.lastName ?? ''}`.trim());

beforeAll(async () => {
  foyer = await startTestFoyer();
  staff = await foyer.signIn();
  vip = (await foyer.database.pool.query(`select id from tags where org_id = $1 and name = 'VIP'`, [staff.orgId])).rows[0]?.id;
  if (!vip)
    vip = (await foyer.database.pool.query(`insert into tags (org_id, name, color, builtin) values ($1, 'VIP', '#b45309', true) returning id`, [staff.orgId]))
      .rows[0].id;
  await staff.post('/api/custom-fields', { label: 'Membership no', key: 'membership_no', type: 'text' });
  const field = await foyer.database.pool.query(`select id from custom_fields where org_id = $1 and key = 'membership_no'`, [staff.orgId]);
  if (!field.rows[0])
    await foyer.database.pool.query(`insert into custom_fields (org_id, key, label, type) values ($1, 'membership_no', 'Membership no', 'text')`, [
      staff.orgId,
    ]);
  ada = (
    await staff.post('/api/customers', {
      firstName: 'Ada',
      lastName: 'Lovelace',
      emails: ['ada.lovelace@analytical.test'],
      phones: ['+44 20 7946 0958'],
      customerNumber: 'MEM-1815',
      externalId: 'PMS-77',
      language: 'en',
      custom: { membership_no: 'GOLD-42' },
      tags: [vip],
    })
  ).body;
  await staff.post('/api/customers', { firstName: 'Charles', lastName: 'Babbage', emails: ['charles@engine.test'], language: 'en' });
  await staff.post('/api/customers', { firstName: 'Adam', lastName: 'Smith', emails: ['adam@wealth.test'], language: 'fr' });
  await staff.post('/api/customers', { firstName: 'Grace', lastName: 'Hopper', phones: ['+33 1 42 68 53 00'], language: 'en', tags: [vip] });
});
afterAll(() => foyer?.close());

describe('search (L4)', () => {
  it.each([
    ['a first name', 'Ada'],
    ['a last name', 'Lovelace'],
    ['the full name', 'Ada Lovelace'],
    ['a name fragment', 'Lovel'],
    ['a name with a typo', 'Ada Lovelcae'],
    ['a last name with a typo', 'Lovleace'],
    ['a partial email', 'lovelace@'],
    ['the end of a local part', 'a.lovelace@'],
    ['a local part and the start of its domain', 'lovelace@analyt'],
    ['the start of an address', 'ada.love'],
    ['an email domain', '@analytical.test'],
    ['an email domain without its @', 'analytical.test'],
    ['the phone in international form', '+44 20 7946 0958'],
    ['the phone in national form', '020 7946 0958'],
    ['the phone with 00', '0044 20 79460958'],
    ['the phone as bare digits', '442079460958'],
    ['the customer number', 'MEM-1815'],
    ['the external id', 'PMS-77'],
    ['a custom field value', 'gold-42'],
  ])('finds Ada by %s, first', async (_, q) => {
    const res = await staff.get(`/api/customers?q=${encodeURIComponent(q)}`);
    expect(res.status).toBe(200);
    expect(res.body.items[0]?.id).toBe(ada.id);
  });

  it('ranks the best name match first', async () => {
    const res = await staff.get('/api/customers?q=ada');
    expect(names(res)[0]).toBe('Ada Lovelace');
    expect(names(res)).toContain('Adam Smith');
  });

  it('finds a customer by an earlier phone number', async () => {
    const c = (await staff.post('/api/customers', { firstName: 'Old', lastName: 'Number', phones: ['+44 20 7946 0111'] })).body;
    await staff.patch(`/api/customers/${c.id}`, { phones: ['+44 20 7946 0222'] });
    const profile = (await staff.get(`/api/customers/${c.id}`)).body;
    expect(profile.previousPhones.map((p: { e164: string }) => p.e164)).toEqual(['+442079460111']);
    expect((await staff.get('/api/customers?q=020%207946%200111')).body.items[0].id).toBe(c.id);
  });

  it('forgets the name words of an erased or deleted person, keeps those others still have', async () => {
    const words = async () =>
      (await foyer.database.pool.query<{ word: string }>(`select word from customer_name_words where org_id = $1`, [staff.orgId])).rows.map((r) => r.word);
    const erased = (await staff.post('/api/customers', { firstName: 'Zebulon', lastName: 'Quixotic' })).body;
    const deleted = (await staff.post('/api/customers', { firstName: 'Ada', lastName: 'Xanthippe' })).body;
    expect(await words()).toEqual(expect.arrayContaining(['zebulon', 'quixotic', 'xanthippe']));
    expect((await staff.get('/api/customers?q=Zebulon%20Quixtoic')).body.items[0]?.id).toBe(erased.id);

    expect((await staff.post(`/api/customers/${erased.id}/erase`, {})).status).toBe(200);
    expect((await staff.delete(`/api/customers/${deleted.id}`)).status).toBe(204);
    const left = await words();
    expect(left).not.toContain('zebulon');
    expect(left).not.toContain('quixotic');
    expect(left).not.toContain('xanthippe');
    expect(left).toContain('ada'); // Ada Lovelace still has it
    expect((await staff.get('/api/customers?q=Zebulon%20Quixtoic')).body.items).toEqual([]);
  });

  it('finds nothing for nonsense, without error', async () => {
    const res = await staff.get('/api/customers?q=zzqxv');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ items: [], total: 0, totalCapped: false });
  });
});

describe('filters and sorts (L2, L3)', () => {
  it('combines a tag and a language', async () => {
    const res = await staff.get(`/api/customers?tags=${vip}&language=en&sort=name`);
    expect(names(res)).toEqual(['Grace Hopper', 'Ada Lovelace']);
    expect(res.body.total).toBe(2);
  });

  it('sorts by name both ways', async () => {
    const asc = names(await staff.get('/api/customers?sort=name&language=en,fr'));
    const desc = names(await staff.get('/api/customers?sort=-name&language=en,fr'));
    expect(asc.slice(0, 4)).toEqual(['Charles Babbage', 'Grace Hopper', 'Ada Lovelace', 'Adam Smith']);
    expect(desc.slice(-4)).toEqual([...asc.slice(0, 4)].reverse());
  });

  it('filters by created date range and custom field value', async () => {
    const today = new Date().toISOString().slice(0, 10);
    expect((await staff.get(`/api/customers?createdFrom=${today}&createdTo=${today}`)).body.total).toBeGreaterThanOrEqual(4);
    expect((await staff.get('/api/customers?createdTo=2001-01-01')).body.total).toBe(0);
    const byField = await staff.get('/api/customers?cf.membership_no=GOLD-42');
    expect(byField.body.items.map((c: { id: string }) => c.id)).toEqual([ada.id]);
  });

  it.each([
    ['an unknown parameter', 'colour=red', 'colour'],
    ['an unknown sort', 'sort=shoeSize', 'sort'],
    ['an unknown lifecycle', 'lifecycle=asleep', 'lifecycle.0'],
    ['a bad date', 'createdFrom=yesterday', 'createdFrom'],
    ['an unknown custom field', 'cf.shoe_size=42', 'cf.shoe_size'],
    ['a tag that is not an id', 'tags=vip', 'tags.0'],
  ])('refuses %s with 400 naming it and never a 500', async (_, qs, field) => {
    const res = await staff.get(`/api/customers?${qs}`);
    expect(res.status).toBe(400);
    expect(res.body.error.issues.map((i: { field: string }) => i.field)).toContain(field);
    expect(JSON.stringify(res.body)).not.toMatch(/select|from customers/i);
  });

  it('lists the valid parameters when one is unknown', async () => {
    const res = await staff.get('/api/customers?colour=red');
    expect(res.body.error.issues[0].message).toMatch(/Valid: q, tags, tagMode/);
  });
});

describe('paging by cursor (L1)', () => {
  type Page = { items: { id: string }[]; total: number; totalCapped: boolean; nextCursor: string | null };
  const ids = (page: Page) => page.items.map((c) => c.id);

  /** Every page of a list, following nextCursor as the list's Next link does. */
  async function walk(query: string): Promise<{ pages: Page[]; all: string[] }> {
    const pages: Page[] = [(await staff.get(`/api/customers?${query}&pageSize=2`)).body];
    while (pages.at(-1)!.nextCursor) {
      const after = encodeURIComponent(pages.at(-1)!.nextCursor!);
      const res = await staff.get(`/api/customers?${query}&pageSize=2&page=${pages.length + 1}&after=${after}`);
      expect(res.status).toBe(200);
      pages.push(res.body);
    }
    return { pages, all: pages.flatMap(ids) };
  }

  beforeAll(async () => {
    // Nulls in the sort column: no name at all, and no email.
    await staff.post('/api/customers', { emails: ['nameless@cursor.test'], language: 'en' });
    await staff.post('/api/customers', { firstName: 'Nomail', lastName: 'Person', language: 'en' });
  });

  it.each(['sort=name', 'sort=-name', 'sort=email', 'sort=-email', 'sort=-created', 'sort=clv'])(
    'walks the same rows by cursor as by page number (%s), nulls included',
    async (sort) => {
      const query = `${sort}&language=en`;
      const everything = (await staff.get(`/api/customers?${query}&pageSize=200`)).body as Page;
      const { pages, all } = await walk(query);
      expect(all).toEqual(ids(everything));
      expect(new Set(all).size).toBe(all.length);
      // The total after a cursor is the pages walked plus the rows after it: the same total.
      for (const page of pages) expect(page.total).toBe(everything.total);
    },
  );

  it('gives no cursor for a search, nor on the last page', async () => {
    expect((await staff.get('/api/customers?q=ada')).body.nextCursor).toBeNull();
    const { pages } = await walk('sort=name');
    expect(pages.at(-1)!.nextCursor).toBeNull();
  });

  it.each([
    ['a garbled cursor', 'sort=name&page=2&after=nonsense'],
    ['a cursor of another sort', 'sort=-name&page=2&after=CURSOR'],
    ['a cursor with a search', 'q=ada&sort=name&page=2&after=CURSOR'],
  ])('refuses %s with 400 naming after', async (_, qs) => {
    const cursor = (await staff.get('/api/customers?sort=name&pageSize=1')).body.nextCursor as string;
    const res = await staff.get(`/api/customers?${qs.replace('CURSOR', encodeURIComponent(cursor))}`);
    expect(res.status).toBe(400);
    expect(res.body.error.issues.map((i: { field: string }) => i.field)).toContain('after');
  });
});

describe('profile fields (C5, C6, T1, T2)', () => {
  it('keeps addresses, date of birth, consent with its time and method, and custom values', async () => {
    const res = await staff.patch(`/api/customers/${ada.id}`, {
      dateOfBirth: '1815-12-10',
      addresses: [{ purpose: 'billing', line1: '12 St James Square', city: 'London', postalCode: 'SW1Y 4JH', country: 'gb' }],
      marketingConsent: { given: true, method: 'booking form' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0].field).toBe('dateOfBirth');

    const ok = await staff.patch(`/api/customers/${ada.id}`, {
      dateOfBirth: '1985-12-10',
      companyName: 'Analytical Engines',
      addresses: [{ purpose: 'billing', line1: '12 St James Square', city: 'London', postalCode: 'SW1Y 4JH', country: 'gb' }],
      marketingConsent: { given: true, method: 'booking form' },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.addresses[0]).toMatchObject({ purpose: 'billing', country: 'GB', line2: null });
    expect(ok.body.marketingConsent).toMatchObject({ given: true, method: 'booking form' });
    expect(Date.parse(ok.body.marketingConsent.at)).toBeGreaterThan(Date.now() - 60_000);
    expect(ok.body.custom).toEqual({ membership_no: 'GOLD-42' });
    expect((await staff.get('/api/customers?city=london')).body.items.map((c: { id: string }) => c.id)).toEqual([ada.id]);
    expect((await staff.get('/api/customers?consent=yes')).body.items.map((c: { id: string }) => c.id)).toEqual([ada.id]);
  });

  it('refuses a custom value of the wrong type or for an unknown field, naming it', async () => {
    await foyer.database.pool.query(`insert into custom_fields (org_id, key, label, type) values ($1, 'visits', 'Visits', 'number') on conflict do nothing`, [
      staff.orgId,
    ]);
    const res = await staff.patch(`/api/customers/${ada.id}`, { custom: { visits: 'many', nope: 'x' } });
    expect(res.status).toBe(400);
    expect(res.body.error.issues.map((i: { field: string }) => i.field).sort()).toEqual(['custom.nope', 'custom.visits']);
    const ok = await staff.patch(`/api/customers/${ada.id}`, { custom: { visits: 12 } });
    expect(ok.body.custom).toEqual({ membership_no: 'GOLD-42', visits: 12 });
    expect((await staff.get('/api/customers?cf.visits=10..20')).body.items.map((c: { id: string }) => c.id)).toEqual([ada.id]);
  });

  it('refuses tags past the organization cap, naming the cap', async () => {
    const tags = (await foyer.database.pool.query(`select id from tags where org_id = $1 order by name limit 3`, [staff.orgId])).rows.map((r) => r.id);
    await foyer.database.pool.query(`update organizations set max_tags_per_customer = 2 where id = $1`, [staff.orgId]);
    if (tags.length === 3) {
      const res = await staff.patch(`/api/customers/${ada.id}`, { tags });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/at most 2 tags/);
    }
    await foyer.database.pool.query(`update organizations set max_tags_per_customer = null where id = $1`, [staff.orgId]);
  });

  it('refuses more than MAX_TAGS_PER_CUSTOMER tags when the organization sets no cap, by hand and in bulk', async () => {
    const { rows } = await foyer.database.pool.query<{ id: string }>(
      `insert into tags (org_id, name, color) select $1, 'ceiling ' || g, '#888888' from generate_series(1, $2) g returning id`,
      [staff.orgId, MAX_TAGS_PER_CUSTOMER + 1],
    );
    const many = rows.map((r) => r.id);
    try {
      const res = await staff.patch(`/api/customers/${ada.id}`, { tags: many });
      expect(res.status).toBe(400);
      expect(res.body.error.issues).toEqual([{ field: 'tags', message: `A customer can have at most ${MAX_TAGS_PER_CUSTOMER} tags` }]);
      expect((await staff.patch(`/api/customers/${ada.id}`, { tags: many.slice(0, MAX_TAGS_PER_CUSTOMER) })).status).toBe(200);
      // In bulk, 20 at a time, a customer would otherwise grow past it.
      const bulk = await staff.post('/api/customers/bulk', { target: { ids: [ada.id] }, action: { type: 'addTags', tagIds: many.slice(-1) } });
      expect(bulk.status).toBe(200);
      expect(bulk.body.skipped).toEqual([{ reason: `at the cap of ${MAX_TAGS_PER_CUSTOMER} tags per customer`, count: 1 }]);
      const { rows: kept } = await foyer.database.pool.query(`select count(*)::int as n from customer_tags where customer_id = $1`, [ada.id]);
      expect(kept[0].n).toBe(MAX_TAGS_PER_CUSTOMER);
    } finally {
      await foyer.database.pool.query(`delete from tags where id = any($1)`, [many]);
    }
  });

  it('records each change in the history', async () => {
    const history = (await staff.get(`/api/customers/${ada.id}/history`)).body.items;
    const changed = history.flatMap((h: { changes: object }) => Object.keys(h.changes));
    expect(changed).toEqual(expect.arrayContaining(['dateOfBirth', 'addresses', 'marketingConsent', 'custom']));
  });
});
