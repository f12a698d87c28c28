import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_TAGS, fromSystemId } from '@foyer/schema/validation';
import { insertOrganization } from '@foyer/server/domains/organizations/repository.ts';
import { ensureBuiltinTags } from '@foyer/server/domains/tags/repository.ts';
import { issueFields, type ApiClient } from '../support/client.ts';
import { startTestFoyer, type TestFoyer } from '../support/foyer.ts';

type Client = ApiClient & { orgId: string };
type Tag = { id: string; name: string; color: string; builtin: boolean; customerCount: number };

let foyer: TestFoyer;
let owner: Client;
beforeAll(async () => {
  foyer = await startTestFoyer();
  owner = await foyer.signIn();
});
afterAll(() => foyer?.close());

const fields = issueFields;
const sql = (text: string, params: unknown[] = []) => foyer.database.pool.query(text, params);

async function customerOf(client: Client) {
  const res = await client.post('/api/customers', { firstName: 'Tag', lastName: 'Holder' });
  expect(res.status).toBe(201);
  return fromSystemId(res.body.id as string);
}

async function auditActions(entityId: string, entityType: string) {
  const { rows } = await sql(`select action from audit_log where entity_id = $1 and entity_type = $2 order by id`, [entityId, entityType]);
  return rows.map((r) => r.action);
}

describe('built-in tags (T1)', () => {
  it('gives every new organization the built-in tags, first and in their order', async () => {
    const org = await foyer.signIn();
    await org.post('/api/tags', { name: 'Aardvark', color: '#000000' });
    const items: Tag[] = (await org.get('/api/tags')).body.items;
    expect(items.slice(0, BUILTIN_TAGS.length).map(({ name, color, builtin, customerCount }) => ({ name, color, builtin, customerCount }))).toEqual(
      BUILTIN_TAGS.map((t) => ({ ...t, builtin: true, customerCount: 0 })),
    );
    expect(items.at(-1)).toMatchObject({ name: 'Aardvark', builtin: false });
  });

  it('gives organizations that predate them the built-in tags, once, keeping a custom tag of the same name', async () => {
    const db = foyer.database.db;
    const old = await insertOrganization(db, { name: 'Old Venue', slug: `old-venue-${Date.now()}` });
    await sql(`insert into tags (org_id, name, color) values ($1, 'vip', '#123456')`, [old.id]);
    await ensureBuiltinTags(db);
    await ensureBuiltinTags(db);
    const { rows } = await sql(`select name, builtin from tags where org_id = $1`, [old.id]);
    expect(rows).toHaveLength(BUILTIN_TAGS.length);
    expect(rows.find((r) => r.name.toLowerCase() === 'vip')).toEqual({ name: 'vip', builtin: false });
  });

  it('lets a built-in tag change color but never its name, and never be deleted', async () => {
    const vip = (await owner.get('/api/tags')).body.items.find((t: Tag) => t.name === 'VIP');
    const recolored = await owner.patch(`/api/tags/${vip.id}`, { color: '#FFD700' });
    expect(recolored.status).toBe(200);
    expect(recolored.body).toMatchObject({ name: 'VIP', color: '#FFD700', builtin: true });
    expect((await owner.patch(`/api/tags/${vip.id}`, { name: 'VIP', color: '#ffd700' })).status).toBe(200);
    const renamed = await owner.patch(`/api/tags/${vip.id}`, { name: 'Very Important' });
    expect(renamed.status).toBe(400);
    expect(fields(renamed.body)).toEqual(['name']);
    expect((await owner.patch(`/api/tags/${vip.id}`, { name: 'vip' })).status).toBe(400);
    const deleted = await owner.delete(`/api/tags/${vip.id}`);
    expect(deleted.status).toBe(400);
    expect(deleted.body.error.message).toMatch(/built-in/);
  });
});

describe('custom tags (T1)', () => {
  it('creates, renames, recolors and deletes a tag, with an audit trail', async () => {
    const created = await owner.post('/api/tags', { name: '  Wine club ', color: '#7f1d1d' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Wine club', color: '#7f1d1d', builtin: false, customerCount: 0 });
    const id = created.body.id;
    const patched = await owner.patch(`/api/tags/${id}`, { name: 'Wine Club', color: '#991b1b' });
    expect(patched.body).toMatchObject({ name: 'Wine Club', color: '#991b1b' });
    expect((await owner.patch(`/api/tags/${id}`, {})).status).toBe(200);
    expect((await owner.delete(`/api/tags/${id}`)).status).toBe(204);
    expect((await owner.patch(`/api/tags/${id}`, { color: '#000000' })).status).toBe(404);
    expect(await auditActions(id, 'tag')).toEqual(['created', 'updated', 'deleted']);
  });

  it('refuses a name taken in any case, built-in or custom, on create and rename', async () => {
    const vip = await owner.post('/api/tags', { name: 'vip', color: '#000000' });
    expect(vip.status).toBe(409);
    expect(fields(vip.body)).toEqual(['name']);
    await owner.post('/api/tags', { name: 'Cyclist', color: '#000000' });
    expect((await owner.post('/api/tags', { name: 'CYCLIST', color: '#000000' })).status).toBe(409);
    const other = (await owner.post('/api/tags', { name: 'Runner', color: '#000000' })).body;
    expect((await owner.patch(`/api/tags/${other.id}`, { name: 'cyclist' })).status).toBe(409);
  });

  it.each([
    ['a color that is not #rrggbb', { name: 'Bad', color: 'red' }, ['color']],
    ['a short color', { name: 'Bad', color: '#fff' }, ['color']],
    ['no color', { name: 'Bad' }, ['color']],
    ['an empty name', { name: ' ', color: '#000000' }, ['name']],
    ['a name over 40 characters', { name: 'x'.repeat(41), color: '#000000' }, ['name']],
    ['an unknown field', { name: 'Bad', color: '#000000', builtin: true }, ['(body)']],
  ])('refuses %s', async (_, body, expected) => {
    const res = await owner.post('/api/tags', body);
    expect(res.status).toBe(400);
    expect(fields(res.body)).toEqual(expected);
  });

  it('counts the customers that carry each tag', async () => {
    const org = await foyer.signIn();
    const tag = (await org.post('/api/tags', { name: 'Counted', color: '#000000' })).body;
    const customers: string[] = [];
    for (let i = 0; i < 3; i++) customers.push(await customerOf(org));
    for (const customer of customers) await sql(`insert into customer_tags (org_id, customer_id, tag_id) values ($1, $2, $3)`, [org.orgId, customer, tag.id]);
    const listed = (await org.get('/api/tags')).body.items.find((t: Tag) => t.id === tag.id);
    expect(listed.customerCount).toBe(3);
    expect((await org.patch(`/api/tags/${tag.id}`, { color: '#111111' })).body.customerCount).toBe(3);
    expect((await org.delete(`/api/tags/${tag.id}`)).status).toBe(204);
    expect((await sql(`select 1 from customer_tags where tag_id = $1`, [tag.id])).rows).toHaveLength(0);
    // The list filters on customers.tag_ids, mirrored from customer_tags: the cascade must clear it too.
    const mirrors = await sql(`select tag_ids from customers where id = any($1::uuid[])`, [customers]);
    expect(mirrors.rows.map((r) => r.tag_ids)).toEqual([[], [], []]);
  });

  it('lets owners and managers recolor and delete a custom tag, not staff', async () => {
    const tag = (await owner.post('/api/tags', { name: 'Short-lived', color: '#000000' })).body;
    const staff = await foyer.signIn({ role: 'staff', orgId: owner.orgId });
    expect((await staff.delete(`/api/tags/${tag.id}`)).status).toBe(403);
    expect((await staff.patch(`/api/tags/${tag.id}`, { color: '#222222' })).status).toBe(403);
    const manager = await foyer.signIn({ role: 'manager', orgId: owner.orgId });
    expect((await manager.patch(`/api/tags/${tag.id}`, { color: '#222222' })).status).toBe(200);
    expect((await manager.delete(`/api/tags/${tag.id}`)).status).toBe(204);
  });

  it("answers 404 for another organization's tag and never lists it", async () => {
    const other = await foyer.signIn();
    const theirs = (await other.post('/api/tags', { name: 'Theirs only', color: '#000000' })).body;
    expect((await owner.patch(`/api/tags/${theirs.id}`, { color: '#ffffff' })).status).toBe(404);
    expect((await owner.delete(`/api/tags/${theirs.id}`)).status).toBe(404);
    expect((await owner.get('/api/tags')).body.items.find((t: Tag) => t.id === theirs.id)).toBeUndefined();
    const theirVip = (await other.get('/api/tags')).body.items.find((t: Tag) => t.name === 'VIP');
    expect((await owner.patch(`/api/tags/${theirVip.id}`, { color: '#ffffff' })).status).toBe(404);
    expect((await owner.post('/api/tags', { name: 'Theirs only', color: '#000000' })).status).toBe(201);
    expect((await owner.delete('/api/tags/not-a-uuid')).status).toBe(400);
  });
});

describe('settings', () => {
  it('starts with no tag cap and the organization country', async () => {
    const org = await foyer.signIn();
    expect((await org.get('/api/settings')).body).toEqual({
      maxTagsPerCustomer: null,
      maxActiveBookingsPerCustomer: 5,
      defaultCountry: 'GB',
      timezone: 'Europe/London',
      defaultCurrency: 'GBP',
      acceptedCurrencies: [],
      lifecycleAtRiskDays: 90,
      lifecycleChurnedDays: 365,
      lifecycleReactivationOrders: 1,
    });
  });

  it('sets and clears the tag cap and the country, for this organization only', async () => {
    const org = await foyer.signIn();
    const other = await foyer.signIn();
    expect((await org.patch('/api/settings', { maxTagsPerCustomer: 9 })).body).toMatchObject({
      maxTagsPerCustomer: 9,
      maxActiveBookingsPerCustomer: 5,
      defaultCountry: 'GB',
      timezone: 'Europe/London',
    });
    expect((await org.patch('/api/settings', { defaultCountry: 'FR' })).body).toMatchObject({
      maxTagsPerCustomer: 9,
      maxActiveBookingsPerCustomer: 5,
      defaultCountry: 'FR',
      timezone: 'Europe/London',
    });
    expect((await org.patch('/api/settings', {})).body).toMatchObject({ maxTagsPerCustomer: 9, defaultCountry: 'FR', timezone: 'Europe/London' });
    expect((await org.patch('/api/settings', { maxTagsPerCustomer: null })).body.maxTagsPerCustomer).toBeNull();
    expect((await other.get('/api/settings')).body).toMatchObject({ maxTagsPerCustomer: null, defaultCountry: 'GB', timezone: 'Europe/London' });
  });

  it.each([
    ['a cap of 0', { maxTagsPerCustomer: 0 }, 'maxTagsPerCustomer'],
    ['a cap over 100', { maxTagsPerCustomer: 101 }, 'maxTagsPerCustomer'],
    ['a fractional cap', { maxTagsPerCustomer: 2.5 }, 'maxTagsPerCustomer'],
    ['a cap in words', { maxTagsPerCustomer: 'nine' }, 'maxTagsPerCustomer'],
    ['a lowercase country', { defaultCountry: 'fr' }, 'defaultCountry'],
    ['a three-letter country', { defaultCountry: 'FRA' }, 'defaultCountry'],
    ['an unknown setting', { currency: 'EUR' }, '(body)'],
  ])('refuses %s', async (_, body, field) => {
    const res = await owner.patch('/api/settings', body);
    expect(res.status).toBe(400);
    expect(fields(res.body)).toEqual([field]);
  });

  it('lets owners and managers change settings; staff only read them', async () => {
    const staff = await foyer.signIn({ role: 'staff', orgId: owner.orgId });
    expect((await staff.get('/api/settings')).status).toBe(200);
    expect((await staff.patch('/api/settings', { maxTagsPerCustomer: 3 })).status).toBe(403);
    const manager = await foyer.signIn({ role: 'manager', orgId: owner.orgId });
    expect((await manager.patch('/api/settings', { maxTagsPerCustomer: 3 })).body.maxTagsPerCustomer).toBe(3);
  });

  it('lowers the cap below what customers carry, keeping their tags', async () => {
    const org = await foyer.signIn();
    const customer = await customerOf(org);
    const tags: Tag[] = (await org.get('/api/tags')).body.items;
    for (const tag of tags.slice(0, 3)) await sql(`insert into customer_tags (org_id, customer_id, tag_id) values ($1, $2, $3)`, [org.orgId, customer, tag.id]);
    expect((await org.patch('/api/settings', { maxTagsPerCustomer: 1 })).status).toBe(200);
    expect((await sql(`select 1 from customer_tags where customer_id = $1`, [customer])).rows).toHaveLength(3);
  });
});

describe('custom field definitions (T2)', () => {
  it('derives the key from the label and puts new fields last', async () => {
    const org = await foyer.signIn();
    const drink = await org.post('/api/custom-fields', { label: 'Favourite drink', type: 'text' });
    expect(drink.status).toBe(201);
    expect(drink.body).toMatchObject({ key: 'favourite_drink', label: 'Favourite drink', type: 'text', options: null, position: 0 });
    const cases: [string, string][] = [
      ['Café crème', 'cafe_creme'],
      ['2nd visit?', 'field_2nd_visit'],
      ['  Room -- preference!! ', 'room_preference'],
      ['x'.repeat(60), 'x'.repeat(50)],
    ];
    for (const [label, key] of cases) expect((await org.post('/api/custom-fields', { label, type: 'number' })).body.key).toBe(key);
    const items = (await org.get('/api/custom-fields')).body.items;
    expect(items.map((f: { position: number }) => f.position)).toEqual([0, 1, 2, 3, 4]);
  });

  it('keeps a given key and refuses a key taken, whether given or derived', async () => {
    const org = await foyer.signIn();
    expect((await org.post('/api/custom-fields', { label: 'Room', key: 'room_pref', type: 'text' })).body.key).toBe('room_pref');
    const given = await org.post('/api/custom-fields', { label: 'Other', key: 'room_pref', type: 'text' });
    expect(given.status).toBe(409);
    expect(fields(given.body)).toEqual(['key']);
    await org.post('/api/custom-fields', { label: 'Shoe size', type: 'number' });
    const derived = await org.post('/api/custom-fields', { label: 'Shoe  size', type: 'text' });
    expect(derived.status).toBe(409);
    expect(derived.body.error.message).toContain('shoe_size');
    const elsewhere = await foyer.signIn();
    expect((await elsewhere.post('/api/custom-fields', { label: 'Shoe size', type: 'number' })).status).toBe(201);
  });

  it('creates a choice field with its options', async () => {
    const res = await owner.post('/api/custom-fields', { label: 'Diet', type: 'choice', options: ['Vegan', 'Vegetarian', 'None'] });
    expect(res.status).toBe(201);
    expect(res.body.options).toEqual(['Vegan', 'Vegetarian', 'None']);
  });

  it.each([
    ['a choice field without options', { label: 'Diet2', type: 'choice' }, ['options']],
    ['a choice field with no options', { label: 'Diet2', type: 'choice', options: [] }, ['options']],
    ['options on a text field', { label: 'Notes', type: 'text', options: ['a'] }, ['options']],
    ['an unknown type', { label: 'Size', type: 'colour' }, ['type']],
    ['a key with capitals', { label: 'Size', key: 'Size', type: 'text' }, ['key']],
    ['a key starting with a digit', { label: 'Size', key: '1size', type: 'text' }, ['key']],
    ['no label', { label: '', type: 'text' }, ['label']],
    ['a label over 60 characters', { label: 'x'.repeat(61), type: 'text' }, ['label']],
  ])('refuses %s', async (_, body, expected) => {
    const res = await owner.post('/api/custom-fields', body);
    expect(res.status).toBe(400);
    // An empty options list breaks two rules (at least one option; a choice needs options): one field.
    expect([...new Set(fields(res.body))]).toEqual(expected);
  });

  it('changes label, options and position, never the type', async () => {
    const org = await foyer.signIn();
    const a = (await org.post('/api/custom-fields', { label: 'Alpha', type: 'choice', options: ['x'] })).body;
    const b = (await org.post('/api/custom-fields', { label: 'Beta', type: 'date' })).body;
    const patched = await org.patch(`/api/custom-fields/${a.id}`, { label: 'Alpha 2', options: ['x', 'y'], position: 5 });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ key: 'alpha', label: 'Alpha 2', options: ['x', 'y'], position: 5, type: 'choice' });
    expect((await org.get('/api/custom-fields')).body.items.map((f: { id: string }) => f.id)).toEqual([b.id, a.id]);

    const typed = await org.patch(`/api/custom-fields/${b.id}`, { type: 'text' });
    expect(typed.status).toBe(400);
    expect(JSON.stringify(typed.body.error.issues)).toContain('type');
    const options = await org.patch(`/api/custom-fields/${b.id}`, { options: ['a'] });
    expect(options.status).toBe(400);
    expect(fields(options.body)).toEqual(['options']);
    expect((await org.patch(`/api/custom-fields/${b.id}`, { position: -1 })).status).toBe(400);
    expect((await org.patch(`/api/custom-fields/${b.id}`, { key: 'renamed' })).status).toBe(400);
  });

  it('deletes a field with every value of it (owner or manager), with an audit trail', async () => {
    const org = await foyer.signIn();
    const field = (await org.post('/api/custom-fields', { label: 'Doomed', type: 'text' })).body;
    const customer = await customerOf(org);
    await sql(`insert into custom_field_values (org_id, customer_id, field_id, value_text) values ($1, $2, $3, 'x')`, [org.orgId, customer, field.id]);
    await org.patch(`/api/custom-fields/${field.id}`, { label: 'Doomed field' });
    const staff = await foyer.signIn({ role: 'staff', orgId: org.orgId });
    expect((await staff.delete(`/api/custom-fields/${field.id}`)).status).toBe(403);
    expect((await org.delete(`/api/custom-fields/${field.id}`)).status).toBe(204);
    expect((await sql(`select 1 from custom_field_values where field_id = $1`, [field.id])).rows).toHaveLength(0);
    expect((await org.get('/api/custom-fields')).body.items).toEqual([]);
    expect(await auditActions(field.id, 'custom_field')).toEqual(['created', 'updated', 'deleted']);
  });

  it("answers 404 for another organization's field", async () => {
    const other = await foyer.signIn();
    const theirs = (await other.post('/api/custom-fields', { label: 'Private', type: 'boolean' })).body;
    expect((await owner.patch(`/api/custom-fields/${theirs.id}`, { label: 'Mine now' })).status).toBe(404);
    expect((await owner.delete(`/api/custom-fields/${theirs.id}`)).status).toBe(404);
    expect((await owner.get('/api/custom-fields')).body.items.find((f: { id: string }) => f.id === theirs.id)).toBeUndefined();
    expect((await other.get('/api/custom-fields')).body.items[0].label).toBe('Private');
  });
});
