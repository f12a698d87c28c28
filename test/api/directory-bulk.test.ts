import { COUNT_CAP } from '@foyer/schema/validation';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../support/client.ts';
import { startTestFoyer, type TestFoyer } from '../support/foyer.ts';
import { parseCsv } from '../support/csv.ts';
import { until } from '../support/sockets.ts';

let foyer: TestFoyer;
let owner: ApiClient & { orgId: string };
let tagIds: string[];
let people: { id: string; customerNumber: string }[];

/**
 * A bulk action on a list query answers 202 with its job (the contract since bulk actions on a
 * segment became jobs); this waits for it through GET /api/jobs/{id} and gives its result.
 */
async function bulkJob(client: ApiClient, body: unknown) {
  const res = await client.post('/api/customers/bulk', body);
  expect(res.status).toBe(202);
  expect(res.headers.get('location')).toBe(`/api/jobs/${res.body.id}`);
  const run = await until(
    async () => {
      const got = (await client.get(`/api/jobs/${res.body.id}`)).body;
      return got.finishedAt && got;
    },
    30_000,
    'the bulk job',
  );
  expect(run.status).toBe('succeeded');
  return { status: res.status, body: run.result };
}

beforeAll(async () => {
  foyer = await startTestFoyer();
  owner = await foyer.signIn();
  const pool = foyer.database.pool;
  tagIds = [];
  for (const name of ['Alpha', 'Beta', 'Gamma'])
    tagIds.push((await pool.query(`insert into tags (org_id, name, color) values ($1, $2, '#123456') returning id`, [owner.orgId, name])).rows[0].id);
  people = [];
  for (let i = 0; i < 6; i++)
    people.push(
      (
        await owner.post('/api/customers', {
          firstName: `Bulk${i}`,
          lastName: i % 2 ? 'Odd' : 'Even',
          emails: [`bulk${i}@x.test`],
          language: i % 2 ? 'fr' : 'en',
        })
      ).body,
    );
});
afterAll(() => foyer?.close());

describe('bulk actions (L5)', () => {
  it('tags chosen customers, once, with a history entry each', async () => {
    const ids = people.slice(0, 3).map((p) => p.id);
    const res = await owner.post('/api/customers/bulk', { target: { ids }, action: { type: 'addTags', tagIds: [tagIds[0]] } });
    expect(res.body).toEqual({ matched: 3, changed: 3, skipped: [] });
    const again = await owner.post('/api/customers/bulk', { target: { ids }, action: { type: 'addTags', tagIds: [tagIds[0]] } });
    expect(again.body.changed).toBe(0);
    expect((await owner.get(`/api/customers?tags=${tagIds[0]}`)).body.total).toBe(3);
    const history = (await owner.get(`/api/customers/${ids[0]}/history`)).body.items;
    expect(history[0].changes.tags).toEqual({ before: [], after: ['Alpha'] });
  });

  it('writes a bulk tag change in the history as a single edit does: the tags before and after', async () => {
    const one = (await owner.post('/api/customers', { firstName: 'Tagged', lastName: 'Twice' })).body.id as string;
    expect((await owner.patch(`/api/customers/${one}`, { tags: [tagIds[1], tagIds[2]] })).status).toBe(200);
    expect((await owner.post('/api/customers/bulk', { target: { ids: [one] }, action: { type: 'addTags', tagIds: [tagIds[0]] } })).body.changed).toBe(1);
    let history = (await owner.get(`/api/customers/${one}/history`)).body.items;
    const names = (ids: string[]) => ids.map((id) => ['Alpha', 'Beta', 'Gamma'][tagIds.indexOf(id)]!).sort();
    expect(history[0].changes.tags).toEqual({ before: names([tagIds[1]!, tagIds[2]!]), after: names([tagIds[0]!, tagIds[1]!, tagIds[2]!]) });
    expect((await owner.post('/api/customers/bulk', { target: { ids: [one] }, action: { type: 'removeTags', tagIds: [tagIds[1]] } })).body.changed).toBe(1);
    history = (await owner.get(`/api/customers/${one}/history`)).body.items;
    expect(history[0].changes.tags).toEqual({ before: names([tagIds[0]!, tagIds[1]!, tagIds[2]!]), after: names([tagIds[0]!, tagIds[2]!]) });
  });

  it('tags every customer a query matches, and removes them again', async () => {
    const res = await bulkJob(owner, { target: { query: 'language=fr' }, action: { type: 'addTags', tagIds: [tagIds[1]] } });
    expect(res.body).toMatchObject({ matched: 3, changed: 3 });
    const removed = await bulkJob(owner, { target: { query: 'language=fr' }, action: { type: 'removeTags', tagIds: [tagIds[1]] } });
    expect(removed.body).toMatchObject({ matched: 3, changed: 3 });
    expect((await owner.get(`/api/customers?tags=${tagIds[1]}`)).body.total).toBe(0);
  });

  it('skips customers at the tag cap and says how many', async () => {
    await owner.patch('/api/settings', { maxTagsPerCustomer: 1 });
    await foyer.database.pool.query(`update organizations set max_tags_per_customer = 1 where id = $1`, [owner.orgId]);
    const ids = people.slice(0, 4).map((p) => p.id); // three already have Alpha
    const res = await owner.post('/api/customers/bulk', { target: { ids }, action: { type: 'addTags', tagIds: [tagIds[2]] } });
    expect(res.body.matched).toBe(4);
    expect(res.body.changed).toBe(1);
    expect(res.body.skipped).toEqual([{ reason: 'at the cap of 1 tag per customer', count: 3 }]);
    await foyer.database.pool.query(`update organizations set max_tags_per_customer = null where id = $1`, [owner.orgId]);
  });

  it('adds a segment to a marketing list', async () => {
    const list = (await foyer.database.pool.query(`insert into marketing_lists (org_id, name) values ($1, 'Newsletter') returning id`, [owner.orgId])).rows[0]
      .id;
    const res = await bulkJob(owner, { target: { query: 'language=en' }, action: { type: 'addToList', listId: list } });
    expect(res.body).toMatchObject({ matched: 3, changed: 3 });
    const members = await foyer.database.pool.query(`select count(*)::int as n from marketing_list_members where list_id = $1`, [list]);
    expect(members.rows[0].n).toBe(3);
  });

  it("refuses another organization's customers, tags and lists", async () => {
    const other = await foyer.signIn();
    const theirs = (await other.post('/api/customers', { firstName: 'Their', lastName: 'One' })).body;
    const res = await owner.post('/api/customers/bulk', { target: { ids: [theirs.id] }, action: { type: 'addTags', tagIds: [tagIds[0]] } });
    expect(res.body.matched).toBe(0);
    expect((await other.post('/api/customers/bulk', { target: { ids: [theirs.id] }, action: { type: 'addTags', tagIds: [tagIds[0]] } })).status).toBe(400);
    const list = (await foyer.database.pool.query(`select id from marketing_lists where org_id = $1`, [owner.orgId])).rows[0].id;
    expect((await other.post('/api/customers/bulk', { target: { query: '' }, action: { type: 'addToList', listId: list } })).status).toBe(404);
  });

  it('refuses a query with an unknown parameter instead of widening the target', async () => {
    const res = await owner.post('/api/customers/bulk', { target: { query: 'langauge=fr' }, action: { type: 'addTags', tagIds: [tagIds[0]] } });
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0].field).toBe('target.query.langauge');
  });
});

describe('a count past the cap (L1, L5)', () => {
  it('says "1,000+" past COUNT_CAP, is exact at it, and "all matching" still acts on every match', async () => {
    const pool = foyer.database.pool;
    await pool.query(
      `insert into customers (org_id, first_name, last_name, language) select $1, 'Capped', 'Person ' || g, 'cy' from generate_series(1, $2::int) g`,
      [owner.orgId, COUNT_CAP + 5],
    );
    const over = (await owner.get('/api/customers?language=cy&sort=name')).body;
    expect(over).toMatchObject({ total: COUNT_CAP, totalCapped: true });
    expect(over.items).toHaveLength(50);

    const tagged = await bulkJob(owner, { target: { query: 'language=cy' }, action: { type: 'addTags', tagIds: [tagIds[2]] } });
    expect(tagged.body).toMatchObject({ matched: COUNT_CAP + 5, changed: COUNT_CAP + 5 });
    const { rows } = await pool.query(`select count(*)::int as n from customers where org_id = $1 and language = 'cy' and $2 = any(tag_ids)`, [
      owner.orgId,
      tagIds[2],
    ]);
    expect(rows[0].n).toBe(COUNT_CAP + 5);
    expect((await owner.get(`/api/customers?tags=${tagIds[2]}&language=cy`)).body).toMatchObject({ total: COUNT_CAP, totalCapped: true });

    await pool.query(
      `delete from customers where org_id = $1 and language = 'cy' and last_name in ('Person 1', 'Person 2', 'Person 3', 'Person 4', 'Person 5')`,
      [owner.orgId],
    );
    expect((await owner.get('/api/customers?language=cy')).body).toMatchObject({ total: COUNT_CAP, totalCapped: false });
    await pool.query(`delete from customers where org_id = $1 and language = 'cy'`, [owner.orgId]);
  });
});

describe('CSV export (I2)', () => {
  it('exports exactly the customers a filter matches, newest first', async () => {
    const res = await owner.request('GET', '/api/customers/export.csv?language=fr');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="customers-/);
    const [header, ...rows] = parseCsv(res.text);
    expect(header!.slice(0, 4)).toEqual(['id', 'customer_number', 'first_name', 'last_name']);
    const list = (await owner.get('/api/customers?language=fr')).body.items.map((c: { id: string }) => c.id);
    expect(rows.map((r) => r[0])).toEqual(list);
  });

  it("keeps the list's sort order, and refuses a sort that does not exist", async () => {
    const [, ...rows] = parseCsv((await owner.request('GET', '/api/customers/export.csv?language=fr,en&sort=-name')).text);
    const list = (await owner.get('/api/customers?language=fr,en&sort=-name')).body.items.map((c: { id: string }) => c.id);
    expect(rows.map((r) => r[0])).toEqual(list);
    expect((await owner.request('GET', '/api/customers/export.csv?sort=shoeSize')).status).toBe(400);
  });

  it('exports chosen ids, and defuses spreadsheet formulas', async () => {
    const evil = (await owner.post('/api/customers', { firstName: '=HYPERLINK("http://x")', lastName: 'Formula' })).body;
    const res = await owner.request('GET', `/api/customers/export.csv?ids=${evil.id}`);
    const [, row] = parseCsv(res.text);
    expect(row![2]).toBe(`'=HYPERLINK("http://x")`);
  });

  it('is for owners and managers, and refuses a bad query before streaming', async () => {
    const staff = await foyer.signIn({ role: 'staff', orgId: owner.orgId });
    expect((await staff.request('GET', '/api/customers/export.csv')).status).toBe(403);
    const bad = await owner.request('GET', '/api/customers/export.csv?nope=1');
    expect(bad.status).toBe(400);
  });
});

describe('photos (C6)', () => {
  it('stores an upload as a square WebP of at most 512 px and serves it', async () => {
    const png = await sharp({ create: { width: 900, height: 600, channels: 3, background: '#cc8844' } })
      .png()
      .toBuffer();
    const res = await owner.request('PUT', `/api/customers/${people[0]!.id}/photo`, png, { 'content-type': 'image/png' });
    expect(res.status).toBe(200);
    expect(res.body.photoUrl).toMatch(new RegExp(`^/api/customers/${people[0]!.id}/photo\\?v=1$`));
    const img = await fetch(foyer.url + res.body.photoUrl, { headers: { cookie: owner.cookie! } });
    expect(img.headers.get('content-type')).toBe('image/webp');
    const meta = await sharp(Buffer.from(await img.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 512, 512]);
  });

  it('refuses what is not an image, whatever its content-type says, and a wrong type', async () => {
    const fake = await owner.request('PUT', `/api/customers/${people[0]!.id}/photo`, 'not really a png', { 'content-type': 'image/png' });
    expect(fake.status).toBe(400);
    expect(fake.body.error.code).toBe('not_an_image');
    const pdf = await owner.request('PUT', `/api/customers/${people[0]!.id}/photo`, '%PDF-1.4', { 'content-type': 'application/pdf' });
    expect(pdf.status).toBe(415);
  });

  it('refuses a photo over 8 MiB', async () => {
    const big = Buffer.alloc(8 * 1024 * 1024 + 1);
    const res = await owner.request('PUT', `/api/customers/${people[0]!.id}/photo`, big, { 'content-type': 'image/jpeg' });
    expect(res.status).toBe(413);
  });
});

describe('delete and erase (C9)', () => {
  it('says what goes with a customer before deleting', async () => {
    const res = await owner.get(`/api/customers/${people[1]!.id}/deletion-impact`);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual(
      expect.arrayContaining([
        { what: 'emails', count: 1 },
        { what: 'tags', count: 1 },
      ]),
    );
    expect(res.body.historyKept).toBeGreaterThan(0);
  });

  it('erases the personal data, in the history too, and keeps the anonymous record', async () => {
    const target = people[2]!;
    const res = await owner.post(`/api/customers/${target.id}/erase`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ firstName: null, lastName: null, emails: [], phones: [], addresses: [], customerNumber: target.customerNumber });
    expect(res.body.erasedAt).toBeTruthy();
    const history = (await owner.get(`/api/customers/${target.id}/history`)).body.items;
    expect(JSON.stringify(history)).not.toContain('bulk2@x.test');
    expect(JSON.stringify(history)).not.toContain('Bulk2');
    expect(history[0].action).toBe('erased');
    expect((await owner.get('/api/customers?q=bulk2@x.test')).body.total).toBe(0);
    expect((await owner.patch(`/api/customers/${target.id}`, { firstName: 'Back' })).status).toBe(409);
  });

  it('lets only owners and managers erase', async () => {
    const staff = await foyer.signIn({ role: 'staff', orgId: owner.orgId });
    expect((await staff.post(`/api/customers/${people[3]!.id}/erase`)).status).toBe(403);
  });
});
