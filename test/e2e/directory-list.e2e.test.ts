import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, signInThroughUi, snap } from '../support/browser.ts';
import { createTestDatabase } from '../support/db.ts';
import { OWNER } from '../support/foyer.ts';
import { spawnFoyer, type FoyerProcess } from '../support/process.ts';

/**
 * The customer list of issue 3 in Chromium: filters, search, sort, a reload, quick-find, bulk
 * tagging, the CSV export and saved segments, against the real server. The customers are made
 * through the API; their creation dates are then set in the database so the date filter has
 * something to tell apart.
 */

let foyer: FoyerProcess;
let browser: Browser;
let page: Page;
let databaseUrl: string;

type Tag = { id: string; name: string };
const tags: Record<string, Tag> = {};
const ids: Record<string, string> = {};

const people = [
  { key: 'ada', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@analytical.test', phone: '+44 20 7946 0958', tags: ['VIP'], created: '2026-03-10' },
  { key: 'grace', firstName: 'Grace', lastName: 'Hopper', email: 'grace@cobol.test', tags: ['VIP', 'Regular'], created: '2026-03-20' },
  { key: 'hedy', firstName: 'Hedy', lastName: 'Lamarr', email: 'hedy@frequency.test', tags: ['VIP'], created: '2026-03-25' },
  { key: 'alan', firstName: 'Alan', lastName: 'Turing', email: 'alan@bletchley.test', tags: ['Regular'], created: '2026-03-15' },
  { key: 'katherine', firstName: 'Katherine', lastName: 'Johnson', email: 'katherine@orbit.test', tags: ['VIP'], created: '2025-12-01' },
  { key: 'margaret', firstName: 'Margaret', lastName: 'Hamilton', email: 'margaret@apollo.test', tags: [], created: '2026-03-12' },
];

const rows = () => page.locator('tbody tr[data-customer-id]');
const rowNames = () => rows().locator('td:nth-child(2) a').allTextContents();
const chipNames = (key: string) =>
  page
    .locator(`tr[data-customer-id="${ids[key]}"]`)
    .getByTestId('tag-chip')
    .allTextContents()
    .then((names) => names.map((n) => n.trim()));
const rowIds = () => rows().evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-customer-id')!));
const search = (path: string) => new URL(page.url()).searchParams.get(path);

/** An API call with the signed-in page's cookies; mutations carry the origin the server wants. */
async function apiPost<T>(path: string, data: unknown): Promise<T> {
  const res = await page.request.post(`${foyer.url}${path}`, { data, headers: { origin: foyer.url } });
  if (!res.ok()) throw new Error(`${path}: ${res.status()} ${await res.text()}`);
  return (await res.json()) as T;
}
async function apiGet<T>(path: string): Promise<T> {
  const res = await page.request.get(`${foyer.url}${path}`);
  if (!res.ok()) throw new Error(`${path}: ${res.status()} ${await res.text()}`);
  return (await res.json()) as T;
}

/** RFC 4180 enough for an export: quoted fields, doubled quotes, commas and newlines inside quotes. */
function parseCsv(text: string): string[][] {
  const out: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') ((field += '"'), i++);
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') (row.push(field), (field = ''));
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      out.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field || row.length) out.push([...row, field]);
  return out;
}

beforeAll(async () => {
  databaseUrl = await createTestDatabase();
  [foyer, browser] = await Promise.all([spawnFoyer({ DATABASE_URL: databaseUrl }), launchChromium()]);
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });

  await signInThroughUi(page, foyer.url, OWNER);

  // The list below is exactly these people: remove the demo guest a fresh venue starts with.
  const demoGuest = await page.request.delete(`${foyer.url}/api/customers/DEMO-0001`, { headers: { origin: foyer.url } });
  if (demoGuest.status() !== 204) throw new Error(`removing the demo guest: ${demoGuest.status()}`);
  for (const t of (await apiGet<{ items: Tag[] }>('/api/tags')).items) tags[t.name] = t;
  for (const p of people) {
    const created = await apiPost<{ id: string }>('/api/customers', {
      firstName: p.firstName,
      lastName: p.lastName,
      emails: [p.email],
      ...(p.phone ? { phones: [p.phone] } : {}),
      tags: p.tags.map((name) => tags[name]!.id),
    });
    ids[p.key] = created.id;
  }
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    for (const p of people) await db.query(`update customers set created_at = $1::timestamptz where id = $2::uuid`, [`${p.created}T12:00:00Z`, ids[p.key]]);
  } finally {
    await db.end();
  }
});

afterAll(async () => {
  await browser?.close();
  await foyer?.stop();
});

describe('the customer list: filters, search, sort, bulk actions, export and segments', () => {
  const march = ['ada', 'grace', 'hedy'];

  it('shows every customer with the L1 columns', async () => {
    await page.goto(`${foyer.url}/customers`);
    await expect.poll(() => rows().count()).toBe(people.length);
    await expect.poll(() => page.getByTestId('customer-total').textContent()).toMatch(/6 customers/);
    const ada = page.locator(`tr[data-customer-id="${ids.ada}"]`);
    await expect.poll(() => ada.textContent()).toMatch(/ada@analytical\.test/);
    await expect.poll(() => ada.textContent()).toMatch(/\+44 20 7946 0958/);
    await expect.poll(() => ada.textContent()).toMatch(/Lead/);
    await expect.poll(() => chipNames('ada')).toEqual(['VIP']);
    // newest first by default
    expect(await page.locator('th[aria-sort]').textContent()).toMatch(/Created/);
    expect(await page.locator('th[aria-sort]').getAttribute('aria-sort')).toBe('descending');
  });

  it('filters by a tag and a created date range, with the view in the URL and chips to remove', async () => {
    await page.getByRole('button', { name: /^Filters/ }).click();
    const panel = page.locator('#filter-panel');
    await panel.getByRole('group', { name: 'Tags' }).getByText('VIP', { exact: true }).click();
    await page.waitForURL((u) => u.searchParams.get('tags') === tags.VIP!.id);
    await expect.poll(() => rows().count()).toBe(4);

    const created = panel.getByRole('group', { name: 'Created' });
    await created.getByLabel('From').fill('2026-03-01');
    await created.getByLabel('To').fill('2026-03-31');
    await created.getByLabel('To').press('Enter');
    await page.waitForURL((u) => u.searchParams.get('createdFrom') === '2026-03-01' && u.searchParams.get('createdTo') === '2026-03-31');
    await expect.poll(async () => (await rowIds()).sort()).toEqual(march.map((k) => ids[k]).sort());
    await expect.poll(() => page.getByTestId('customer-total').textContent()).toMatch(/3 customers match/);
    const chips = page.getByTestId('active-filters');
    await expect.poll(() => chips.textContent()).toMatch(/Tag: VIP/);
    await expect.poll(() => chips.textContent()).toMatch(/Created 1 Mar 2026 – 31 Mar 2026/);
    await snap(page, 'list-filtered');
    await page.getByRole('button', { name: 'Done' }).click();
  });

  it('searches within the filtered view, and the search clears', async () => {
    const box = page.getByRole('searchbox', { name: 'Search customers' });
    await box.fill('Lovelace');
    await page.waitForURL((u) => u.searchParams.get('q') === 'Lovelace');
    await expect.poll(() => rowIds()).toEqual([ids.ada]);
    expect(search('tags')).toBe(tags.VIP!.id);
    await snap(page, 'list-search');
    await page.getByRole('button', { name: 'Clear search' }).click();
    await page.waitForURL((u) => !u.searchParams.has('q'));
    await expect.poll(() => rows().count()).toBe(3);
  });

  it('sorts by a column header, both ways, with aria-sort', async () => {
    const nameHeader = page.getByRole('columnheader', { name: /Name/ });
    await nameHeader.getByRole('button').click();
    await page.waitForURL((u) => u.searchParams.get('sort') === 'name');
    await expect.poll(() => nameHeader.getAttribute('aria-sort')).toBe('ascending');
    await expect.poll(() => rowNames()).toEqual(['Grace Hopper', 'Hedy Lamarr', 'Ada Lovelace']);
    await nameHeader.getByRole('button').click();
    await page.waitForURL((u) => u.searchParams.get('sort') === '-name');
    await expect.poll(() => nameHeader.getAttribute('aria-sort')).toBe('descending');
    await expect.poll(() => rowNames()).toEqual(['Ada Lovelace', 'Hedy Lamarr', 'Grace Hopper']);
  });

  it('comes back the same after a reload', async () => {
    const before = page.url();
    await page.reload();
    expect(page.url()).toBe(before);
    await expect.poll(() => rowNames()).toEqual(['Ada Lovelace', 'Hedy Lamarr', 'Grace Hopper']);
    await expect.poll(() => page.getByRole('columnheader', { name: /Name/ }).getAttribute('aria-sort')).toBe('descending');
    await expect.poll(() => page.getByTestId('active-filters').textContent()).toMatch(/Tag: VIP.*Created 1 Mar 2026/);
    await snap(page, 'list-sorted-reloaded');
  });

  it('opens a profile from quick-find (Ctrl-K), and Back restores the view', async () => {
    const listUrl = page.url();
    await page.keyboard.press('Control+k');
    const dialog = page.getByRole('dialog', { name: 'Find a customer' });
    const box = dialog.getByRole('combobox', { name: 'Find a customer' });
    await expect.poll(() => box.evaluate((el) => el === document.activeElement)).toBe(true);
    await box.fill('Turing');
    const option = dialog.getByRole('option', { name: /Alan Turing/ });
    await expect.poll(() => option.count()).toBe(1);
    await expect.poll(() => option.getAttribute('aria-selected')).toBe('true');
    expect(await box.getAttribute('aria-activedescendant')).toBe(await option.getAttribute('id'));
    await snap(page, 'quick-find');
    await box.press('Enter');
    await page.waitForURL(/\/customers\/[^/?]+$/);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toMatch(/Alan Turing/);
    await page.goBack();
    await page.waitForURL(listUrl);
    await expect.poll(() => rowNames()).toEqual(['Ada Lovelace', 'Hedy Lamarr', 'Grace Hopper']);
  });

  it('closes quick-find with Esc and gives focus back', async () => {
    const search = page.getByRole('searchbox', { name: 'Search customers' });
    await search.focus();
    await page.keyboard.press('Control+k');
    const dialog = page.getByRole('dialog', { name: 'Find a customer' });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.isVisible()).toBe(false);
    await expect.poll(() => search.evaluate((el) => el === document.activeElement)).toBe(true);
  });

  it('tags three selected customers in one go', async () => {
    for (const key of march) await page.locator(`tr[data-customer-id="${ids[key]}"] input[type=checkbox]`).check();
    const bar = page.getByTestId('bulk-bar');
    await expect.poll(() => bar.getByTestId('selection-count').textContent()).toMatch(/3 selected/);
    await bar.getByRole('button', { name: 'Add tags…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add tags' });
    await dialog.getByLabel('Local').check();
    await snap(page, 'bulk-add-tags');
    await dialog.getByRole('button', { name: /^Add 1 tag/ }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    await expect.poll(() => page.getByRole('status', { name: 'Notifications' }).textContent()).toMatch(/Added “Local” to 3 customers/);
    for (const key of march) {
      const customer = await apiGet<{ tags: Tag[] }>(`/api/customers/${ids[key]}`);
      expect(customer.tags.map((t) => t.name).sort()).toContain('Local');
    }
    for (const key of ['alan', 'katherine', 'margaret']) {
      const customer = await apiGet<{ tags: Tag[] }>(`/api/customers/${ids[key]}`);
      expect(customer.tags.map((t) => t.name)).not.toContain('Local');
    }
    await expect.poll(() => page.getByTestId('bulk-bar').count()).toBe(0);
    await expect.poll(() => chipNames('ada')).toContain('Local');
  });

  it('exports the filtered view as CSV, the same customers as the list', async () => {
    const href = await page.getByTestId('export-view').getAttribute('href');
    expect(href).toMatch(/^\/api\/customers\/export\.csv\?/);
    const exported = new URL(href!, foyer.url);
    expect(exported.searchParams.get('tags')).toBe(tags.VIP!.id);
    expect(exported.searchParams.get('createdFrom')).toBe('2026-03-01');
    const res = await page.request.get(exported.toString());
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toMatch(/text\/csv/);
    const [header, ...lines] = parseCsv(await res.text()).filter((r) => r.some(Boolean));
    const idColumn = header!.indexOf('id');
    expect(idColumn).toBeGreaterThanOrEqual(0);
    expect(lines.map((r) => r[idColumn]).sort()).toEqual((await rowIds()).sort());
    const emails = lines.map((r) => r[header!.indexOf('primary_email')]).sort();
    expect(emails).toEqual(['ada@analytical.test', 'grace@cobol.test', 'hedy@frequency.test']);
  });

  it('saves the view as a segment and applies it again from the Segments menu', async () => {
    const saved = page.url();
    await page.getByRole('button', { name: 'Save view as segment' }).click();
    const dialog = page.getByRole('dialog', { name: 'Save view as segment' });
    await expect.poll(() => dialog.textContent()).toMatch(/Tag: VIP/);
    await dialog.getByLabel('Segment name').fill('March VIPs');
    await dialog.getByRole('button', { name: 'Save segment' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    await expect.poll(() => page.getByTestId('current-segment').textContent()).toMatch(/March VIPs/);

    // Somewhere else entirely, then back through the menu.
    await page.getByRole('button', { name: 'Clear all' }).click();
    await page.waitForURL((u) => !u.searchParams.has('tags'));
    await expect.poll(() => rows().count()).toBe(people.length);
    await page.getByRole('button', { name: /^Segments/ }).click();
    await snap(page, 'segments-menu');
    await page.getByRole('link', { name: 'March VIPs' }).click();
    await page.waitForURL((u) => u.searchParams.get('tags') === tags.VIP!.id);
    expect(new URL(page.url()).searchParams.toString()).toBe(new URL(saved).searchParams.toString());
    await expect.poll(() => rowNames()).toEqual(['Ada Lovelace', 'Hedy Lamarr', 'Grace Hopper']);
    await expect.poll(() => page.getByTestId('current-segment').textContent()).toMatch(/March VIPs/);
    const segments = await apiGet<{ items: { name: string; query: string }[] }>('/api/segments');
    expect(segments.items.map((s) => s.name)).toEqual(['March VIPs']);
  });

  it('selects every match of the view and says so', async () => {
    await page.goto(`${foyer.url}/customers?pageSize=2&sort=name`);
    await page.getByRole('checkbox', { name: /Select all 2 customers on this page/ }).check();
    const bar = page.getByTestId('bulk-bar');
    await bar.getByRole('button', { name: 'Select all 6 matching' }).click();
    await expect.poll(() => bar.getByTestId('selection-count').textContent()).toMatch(/All 6 matching selected/);
    await snap(page, 'bulk-select-all');
  });

  it('pages on with Next from where the page ended, and back with Previous', async () => {
    await page.goto(`${foyer.url}/customers?pageSize=2&sort=name`);
    await expect.poll(() => rowNames()).toEqual(['Margaret Hamilton', 'Grace Hopper']);
    const pager = page.getByRole('navigation', { name: 'Pagination' });
    await pager.getByRole('link', { name: 'Next' }).click();
    await page.waitForURL((u) => u.searchParams.get('page') === '2');
    // The Next link carries the API's cursor: the list goes on through the sort's index.
    expect(search('after')).toBeTruthy();
    await expect.poll(() => rowNames()).toEqual(['Katherine Johnson', 'Hedy Lamarr']);
    await pager.getByRole('link', { name: 'Next' }).click();
    await page.waitForURL((u) => u.searchParams.get('page') === '3');
    await expect.poll(() => rowNames()).toEqual(['Ada Lovelace', 'Alan Turing']);
    await expect.poll(() => pager.getByRole('link', { name: 'Next' }).count()).toBe(0);
    await snap(page, 'list-paged-by-cursor');
    await pager.getByRole('link', { name: 'Previous' }).click();
    await page.waitForURL((u) => u.searchParams.get('page') === '2');
    expect(search('after')).toBeNull();
    await expect.poll(() => rowNames()).toEqual(['Katherine Johnson', 'Hedy Lamarr']);
  });

  it('shows a friendly error with a way back for an address the API refuses', async () => {
    await page.goto(`${foyer.url}/customers?colour=red`);
    const problem = page.getByTestId('view-problem');
    await expect.poll(() => problem.textContent()).toMatch(/colour/);
    await snap(page, 'list-bad-url');
    await problem.getByRole('link', { name: 'Reset view' }).click();
    await page.waitForURL(/\/customers$/);
    await expect.poll(() => rows().count()).toBe(people.length);
  });
});
