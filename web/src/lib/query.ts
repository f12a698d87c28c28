/**
 * The customer list's view lives in its URL, and that URL's query string is exactly the API's list
 * query (`CustomerQuerySchema` in @foyer/schema): the page passes it to GET /api/customers as it is.
 * These helpers read it into a typed view, write a view back in one canonical order (so equal views
 * have equal URLs), and derive what the page needs from it: sort state, filter chips, the targets
 * of bulk actions, exports and segments.
 */
import { COUNT_CAP, customerQueryKeys, lifecycleStages, parseRange, sortKeys, type SortKey } from '@foyer/schema/validation';
import { formatCount, formatDay, lifecycleLabels } from './format';

export const LIST_PATH = '/customers';
export const DEFAULT_PAGE_SIZE = 50;

export type Lifecycle = (typeof lifecycleStages)[number];
export type TagMode = 'any' | 'all';

/** The list query as the UI holds it: every value a string or list of strings; '' means absent. */
export type ListView = {
  q: string;
  tags: string[];
  tagMode: TagMode;
  lifecycle: string[];
  source: string[];
  language: string[];
  consent: '' | 'yes' | 'no';
  company: string;
  city: string;
  country: string;
  createdFrom: string;
  createdTo: string;
  activeFrom: string;
  activeTo: string;
  status: '' | 'active' | 'banned';
  /** As written in the URL (`-created`); '' for the default. */
  sort: string;
  page: number;
  /**
   * Where the previous page ended (the API's `nextCursor`): set by the Next link, so that a deep
   * page continues through the sort's index instead of skipping every row before it.
   */
  after: string;
  pageSize: number;
  /** `cf.<key>` values by key. */
  custom: Record<string, string>;
};

/** The keys of a view that are filters (what "Clear all" removes and the filter count counts). */
export const filterKeys = [
  'tags',
  'lifecycle',
  'source',
  'language',
  'consent',
  'company',
  'city',
  'country',
  'createdFrom',
  'createdTo',
  'activeFrom',
  'activeTo',
  'status',
] as const satisfies readonly (keyof ListView)[];

const listKeys = new Set(['tags', 'lifecycle', 'source', 'language']);

export function emptyView(): ListView {
  return {
    q: '',
    tags: [],
    tagMode: 'any',
    lifecycle: [],
    source: [],
    language: [],
    consent: '',
    company: '',
    city: '',
    country: '',
    createdFrom: '',
    createdTo: '',
    activeFrom: '',
    activeTo: '',
    status: '',
    sort: '',
    page: 1,
    after: '',
    pageSize: DEFAULT_PAGE_SIZE,
    custom: {},
  };
}

const splitList = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const positiveInt = (v: string | null, fallback: number) => (v && /^\d+$/.test(v) && Number(v) >= 1 ? Number(v) : fallback);

/**
 * Reads a view from a query string, leniently: values the API would refuse are kept as written
 * (the API is the judge, and the page shows its answer); unknown parameters are dropped.
 */
export function readView(input: URLSearchParams | string): ListView {
  const params = typeof input === 'string' ? new URLSearchParams(input) : input;
  const view = emptyView();
  for (const [key, raw] of params) {
    const value = raw.trim();
    if (key.startsWith('cf.')) {
      if (key.length > 3 && value) view.custom[key.slice(3)] = value;
      continue;
    }
    switch (key) {
      case 'tags':
      case 'lifecycle':
      case 'source':
      case 'language':
        view[key] = [...new Set(splitList(value))];
        break;
      case 'tagMode':
        view.tagMode = value === 'all' ? 'all' : 'any';
        break;
      case 'consent':
        view.consent = value === 'yes' || value === 'no' ? value : '';
        break;
      case 'status':
        view.status = value === 'active' || value === 'banned' ? value : '';
        break;
      case 'country':
        view.country = value.toUpperCase();
        break;
      case 'q':
        // Inner spaces matter while typing; the search box trims before it writes.
        view.q = raw;
        break;
      case 'company':
      case 'city':
      case 'createdFrom':
      case 'createdTo':
      case 'activeFrom':
      case 'activeTo':
      case 'sort':
      case 'after':
        view[key] = value;
        break;
      case 'page':
        view.page = positiveInt(value, 1);
        break;
      case 'pageSize':
        view.pageSize = positiveInt(value, DEFAULT_PAGE_SIZE);
        break;
    }
  }
  return view;
}

type WriteOptions = { paging?: boolean; sort?: boolean };

/**
 * The query string of a view, without `?`, keys in the schema's order then `cf.*` by key; defaults
 * (page 1, 50 a page, `tagMode=any`, the default sort) are left out. `paging: false` drops page and
 * pageSize, `sort: false` drops the sort.
 */
export function writeView(view: ListView, { paging = true, sort = true }: WriteOptions = {}): string {
  const params = new URLSearchParams();
  for (const key of customerQueryKeys) {
    let value: string;
    if (listKeys.has(key)) value = (view[key as 'tags'] ?? []).filter(Boolean).join(',');
    else if (key === 'q') value = view.q.trim();
    else if (key === 'tagMode') value = view.tags.length && view.tagMode === 'all' ? 'all' : '';
    else if (key === 'sort') value = sort && view.sort && view.sort !== defaultSort(view) ? view.sort : '';
    else if (key === 'page') value = paging && view.page > 1 ? String(view.page) : '';
    else if (key === 'after') value = paging && view.page > 1 ? view.after : '';
    else if (key === 'pageSize') value = paging && view.pageSize !== DEFAULT_PAGE_SIZE ? String(view.pageSize) : '';
    else value = String(view[key as keyof ListView] ?? '').trim();
    if (value) params.set(key, value);
  }
  for (const key of Object.keys(view.custom).sort()) {
    const value = view.custom[key]?.trim();
    if (value) params.set(`cf.${key}`, value);
  }
  // Commas in lists and `..` in ranges read better unescaped, and the API reads them either way.
  return params.toString().replace(/%2C/gi, ',');
}

/** The list page's address for a view. */
export function viewHref(view: ListView): string {
  const search = writeView(view);
  return search ? `${LIST_PATH}?${search}` : LIST_PATH;
}

/**
 * A new view with `patch` applied. Anything but a page change starts again at page 1 (page 7 of
 * another filter means nothing); a cursor holds only for the page change that gave it.
 */
export function changeView(view: ListView, patch: Partial<ListView>): ListView {
  const next: ListView = { ...view, custom: { ...view.custom }, ...patch };
  if (!('page' in patch)) next.page = 1;
  if (!('after' in patch)) next.after = '';
  if (!next.tags.length) next.tagMode = 'any';
  return next;
}

export function setCustom(view: ListView, key: string, value: string): ListView {
  const custom = { ...view.custom };
  if (value.trim()) custom[key] = value.trim();
  else delete custom[key];
  return changeView(view, { custom });
}

/** Adds or removes one value of a list filter. */
export function toggleListValue(view: ListView, key: 'tags' | 'lifecycle' | 'source' | 'language', value: string, on: boolean): ListView {
  const current = view[key];
  const next = on ? (current.includes(value) ? current : [...current, value]) : current.filter((v) => v !== value);
  return changeView(view, { [key]: next });
}

/** Every filter gone; the search, the sort and the page size stay. */
export function clearFilters(view: ListView): ListView {
  const empty = emptyView();
  const patch: Partial<ListView> = { custom: {}, tagMode: 'any' };
  for (const key of filterKeys) (patch as Record<string, unknown>)[key] = empty[key];
  return changeView(view, patch);
}

/** How many filters are set (a date range counts once, each custom field once). */
export function filterCount(view: ListView): number {
  let n = 0;
  for (const key of filterKeys) {
    if (key === 'createdTo' || key === 'activeTo') continue;
    if (key === 'createdFrom' || key === 'activeFrom') {
      const to = key === 'createdFrom' ? view.createdTo : view.activeTo;
      if (view[key] || to) n++;
      continue;
    }
    const v = view[key];
    if (Array.isArray(v) ? v.length : v) n++;
  }
  return n + Object.keys(view.custom).length;
}

export const hasFiltersOrSearch = (view: ListView) => filterCount(view) > 0 || view.q.trim() !== '';

// ————— Sorting —————

export type SortState = { key: SortKey; descending: boolean };

/** With a search the best match comes first; otherwise the newest customers (L3). */
export const defaultSort = (view: Pick<ListView, 'q'>) => (view.q.trim() ? 'relevance' : '-created');

export function parseSort(sort: string): SortState | null {
  const descending = sort.startsWith('-');
  const key = (descending ? sort.slice(1) : sort) as SortKey;
  return sortKeys.includes(key) ? { key, descending } : null;
}

/** The sort in effect: the URL's, or the default. */
export function currentSort(view: ListView): SortState {
  return parseSort(view.sort) ?? parseSort(defaultSort(view))!;
}

/** Columns whose first click sorts largest / newest first. */
const descendingFirst = new Set<SortKey>(['clv', 'lastOrder', 'totalSpent', 'created']);

/** The sort a click on a column header asks for: the other direction when it is the current column. */
export function nextSort(view: ListView, key: SortKey): string {
  const now = currentSort(view);
  const descending = now.key === key ? !now.descending : descendingFirst.has(key);
  return `${descending ? '-' : ''}${key}`;
}

export function ariaSort(view: ListView, key: SortKey): 'ascending' | 'descending' | undefined {
  const now = currentSort(view);
  if (now.key !== key) return undefined;
  return now.descending ? 'descending' : 'ascending';
}

export const sortLabels: Record<SortKey, string> = {
  name: 'name',
  email: 'email',
  phone: 'phone',
  lifecycle: 'lifecycle stage',
  clv: 'CLV',
  lastOrder: 'last order',
  totalSpent: 'total spent',
  created: 'created',
  relevance: 'best match',
};

/** "Sorted by created, newest first", for screen readers and the caption. */
export function describeSort(view: ListView): string {
  const { key, descending } = currentSort(view);
  if (key === 'relevance') return 'Sorted by best match';
  const dates = key === 'created' || key === 'lastOrder';
  const numbers = key === 'clv' || key === 'totalSpent';
  const direction = dates
    ? descending
      ? 'newest first'
      : 'oldest first'
    : numbers
      ? descending
        ? 'highest first'
        : 'lowest first'
      : descending
        ? 'Z to A'
        : 'A to Z';
  return `Sorted by ${sortLabels[key]}, ${direction}`;
}

// ————— Targets: bulk actions, exports, segments —————

/** What a bulk action on "everything matching" sends: the query without page, pageSize and sort. */
export const bulkQuery = (view: ListView) => writeView(view, { paging: false, sort: false });

/** What a segment keeps: the query without paging (the sort is part of the view). */
export const segmentQuery = (view: ListView) => writeView(view, { paging: false });

/** The CSV of everything the view matches, in its order, every page. */
export function exportHref(view: ListView): string {
  const search = writeView(view, { paging: false });
  return `/api/customers/export.csv${search ? `?${search}` : ''}`;
}

/** The CSV of chosen customers. */
export const exportIdsHref = (ids: string[]) => `/api/customers/export.csv?ids=${ids.map(encodeURIComponent).join(',')}`;

/** A saved segment's address on the list. */
export function segmentHref(query: string): string {
  const search = writeView(readView(query.replace(/^\?/, '')));
  return search ? `${LIST_PATH}?${search}` : LIST_PATH;
}

/** True when two query strings describe the same view (order and defaults aside). */
export const sameView = (a: string, b: string) => writeView(readView(a), { paging: false }) === writeView(readView(b), { paging: false });

// ————— Words —————

/** "1 customer", "231 customers", "1,000+ customers". */
export function totalLabel(total: number, capped: boolean): string {
  const n = formatCount(capped ? Math.max(total, COUNT_CAP) : total);
  return `${n}${capped ? '+' : ''} ${total === 1 && !capped ? 'customer' : 'customers'}`;
}

/** "1 Mar 2026 – 31 Mar 2026", "from 1 Mar 2026", "until 31 Mar 2026". */
export function rangeLabel(from: string, to: string, format: (v: string) => string = formatDay): string {
  if (from && to) return from === to ? format(from) : `${format(from)} – ${format(to)}`;
  if (from) return `from ${format(from)}`;
  return `until ${format(to)}`;
}

/** A number or date custom-field filter: `min..max`, either side optional; '' when both are empty. */
export function rangeValue(min: string, max: string): string {
  const a = min.trim();
  const b = max.trim();
  return a || b ? `${a}..${b}` : '';
}

export function readRange(value: string | undefined): { min: string; max: string } {
  if (!value) return { min: '', max: '' };
  const r = parseRange(value);
  if (r.eq !== undefined) return { min: r.eq, max: r.eq };
  return { min: r.min ?? '', max: r.max ?? '' };
}

// ————— Filter chips —————

export type FilterChip = { id: string; label: string; view: ListView };

export type ChipLookups = {
  tags?: { id: string; name: string }[];
  companies?: { id: string; name: string }[];
  customFields?: { key: string; label: string; type: string }[];
  languageName?: (code: string) => string;
  sourceName?: (source: string) => string;
};

const sentence = (s: string) => (s ? s.charAt(0).toUpperCase() + s.slice(1) : s);

/** One removable chip per active filter value, each carrying the view without it. */
export function filterChips(view: ListView, lookups: ChipLookups = {}): FilterChip[] {
  const chips: FilterChip[] = [];
  const tagName = (id: string) => lookups.tags?.find((t) => t.id === id)?.name ?? 'Unknown tag';
  for (const id of view.tags) {
    const all = view.tags.length > 1 && view.tagMode === 'all';
    chips.push({ id: `tags:${id}`, label: `Tag${all ? ' (all of)' : ''}: ${tagName(id)}`, view: toggleListValue(view, 'tags', id, false) });
  }
  for (const v of view.lifecycle)
    chips.push({ id: `lifecycle:${v}`, label: `Lifecycle: ${lifecycleLabels[v as Lifecycle] ?? v}`, view: toggleListValue(view, 'lifecycle', v, false) });
  if (view.status) chips.push({ id: 'status', label: `Status: ${sentence(view.status)}`, view: changeView(view, { status: '' }) });
  if (view.createdFrom || view.createdTo)
    chips.push({ id: 'created', label: `Created ${rangeLabel(view.createdFrom, view.createdTo)}`, view: changeView(view, { createdFrom: '', createdTo: '' }) });
  if (view.activeFrom || view.activeTo)
    chips.push({ id: 'active', label: `Last active ${rangeLabel(view.activeFrom, view.activeTo)}`, view: changeView(view, { activeFrom: '', activeTo: '' }) });
  for (const v of view.source)
    chips.push({ id: `source:${v}`, label: `Source: ${lookups.sourceName?.(v) ?? v}`, view: toggleListValue(view, 'source', v, false) });
  for (const v of view.language)
    chips.push({ id: `language:${v}`, label: `Language: ${lookups.languageName?.(v) ?? v}`, view: toggleListValue(view, 'language', v, false) });
  if (view.consent)
    chips.push({
      id: 'consent',
      label: view.consent === 'yes' ? 'Marketing consent: given' : 'Marketing consent: not given',
      view: changeView(view, { consent: '' }),
    });
  if (view.company) {
    const name = lookups.companies?.find((c) => c.id === view.company)?.name ?? 'Unknown company';
    chips.push({ id: 'company', label: `Company: ${name}`, view: changeView(view, { company: '' }) });
  }
  if (view.city) chips.push({ id: 'city', label: `City: ${view.city}`, view: changeView(view, { city: '' }) });
  if (view.country) chips.push({ id: 'country', label: `Country: ${view.country}`, view: changeView(view, { country: '' }) });
  for (const [key, value] of Object.entries(view.custom)) {
    const field = lookups.customFields?.find((f) => f.key === key);
    const label = field?.label ?? key;
    let shown = value;
    if (value.includes('..')) {
      const { min, max } = readRange(value);
      shown = rangeLabel(min, max, field?.type === 'date' ? formatDay : (v) => v);
    } else if (field?.type === 'boolean') shown = value === 'true' || value === 'yes' ? 'yes' : value === 'false' || value === 'no' ? 'no' : value;
    else if (field?.type === 'date') shown = formatDay(value);
    chips.push({ id: `cf:${key}`, label: `${label}: ${shown}`, view: setCustom(view, key, '') });
  }
  return chips;
}
