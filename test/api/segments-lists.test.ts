import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerQueryKeys, fromSystemId } from '@foyer/schema/validation';
import { issueFields, type ApiClient } from '../support/client.ts';
import { startTestFoyer, type TestFoyer } from '../support/foyer.ts';

type Client = ApiClient & { orgId: string };

let foyer: TestFoyer;
let owner: Client;
beforeAll(async () => {
  foyer = await startTestFoyer();
  owner = await foyer.signIn();
});
afterAll(() => foyer?.close());

const fields = issueFields;
const TAG = '0b6f1f1e-8f5e-4a4e-9d7c-2f0b7a1d3c11';

describe('segments (L6)', () => {
  it('saves a named list query without its paging and lists segments by name', async () => {
    const org = await foyer.signIn();
    const res = await org.post('/api/segments', { name: 'Recent VIPs', query: `?tags=${TAG}&page=3&createdFrom=2026-01-01&pageSize=20&sort=-clv` });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'Recent VIPs', query: `tags=${TAG}&createdFrom=2026-01-01&sort=-clv` });
    expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Date(res.body.createdAt).getTime()).toBeGreaterThan(0);
    await org.post('/api/segments', { name: 'everyone', query: '' });
    await org.post('/api/segments', { name: 'Banned', query: 'status=banned' });
    const names = (await org.get('/api/segments')).body.items.map((s: { name: string }) => s.name);
    expect(names).toEqual(['Banned', 'everyone', 'Recent VIPs']);
  });

  it('refuses an unknown query parameter, listing the valid ones', async () => {
    const res = await owner.post('/api/segments', { name: 'Typo', query: 'lifecycle=lead&colour=red' });
    expect(res.status).toBe(400);
    expect(fields(res.body)).toEqual(['colour']);
    const message: string = res.body.error.issues[0].message;
    for (const key of customerQueryKeys) expect(message).toContain(key);
    expect(message).toContain('cf.<custom field key>');
    expect((await owner.get('/api/segments')).body.items.find((s: { name: string }) => s.name === 'Typo')).toBeUndefined();
  });

  it.each([
    ['a lifecycle stage that does not exist', 'lifecycle=lead,zombie', 'lifecycle.1'],
    ['a sort that does not exist', 'sort=-colour', 'sort'],
    ['a date that is not a date', 'createdFrom=yesterday', 'createdFrom'],
    ['a tag that is not a tag id', 'tags=vip', 'tags.0'],
    ['a custom field the organization does not have', 'cf.shoe_size=42', 'cf.shoe_size'],
  ])('refuses %s, naming the parameter', async (_, query, field) => {
    const res = await owner.post('/api/segments', { name: 'Bad', query });
    expect(res.status).toBe(400);
    expect(fields(res.body)).toEqual([field]);
  });

  it('accepts a filter on a custom field the organization has', async () => {
    const org = await foyer.signIn();
    await org.post('/api/custom-fields', { label: 'Shoe size', type: 'number' });
    expect((await org.post('/api/segments', { name: 'Big feet', query: 'cf.shoe_size=44..' })).status).toBe(201);
  });

  it.each([
    ['no name', { name: ' ', query: '' }, 'name'],
    ['a name over 100 characters', { name: 'x'.repeat(101), query: '' }, 'name'],
    ['no query', { name: 'No query' }, 'query'],
    ['an unknown field', { name: 'Extra', query: '', shared: true }, '(body)'],
  ])('refuses %s', async (_, body, field) => {
    const res = await owner.post('/api/segments', body);
    expect(res.status).toBe(400);
    expect(fields(res.body)).toEqual([field]);
  });

  it('refuses a name taken in any case; another organization may use it', async () => {
    expect((await owner.post('/api/segments', { name: 'Regulars', query: 'lifecycle=active' })).status).toBe(201);
    const again = await owner.post('/api/segments', { name: 'REGULARS', query: '' });
    expect(again.status).toBe(409);
    expect(fields(again.body)).toEqual(['name']);
    expect((await (await foyer.signIn()).post('/api/segments', { name: 'Regulars', query: '' })).status).toBe(201);
  });

  it('lets any staff member delete a segment of their organization, and no one else', async () => {
    const segment = (await owner.post('/api/segments', { name: 'Temporary', query: 'consent=yes' })).body;
    const other = await foyer.signIn();
    expect((await other.delete(`/api/segments/${segment.id}`)).status).toBe(404);
    expect((await other.get('/api/segments')).body.items).toEqual([]);
    const staff = await foyer.signIn({ role: 'staff', orgId: owner.orgId });
    expect((await staff.delete(`/api/segments/${segment.id}`)).status).toBe(204);
    expect((await staff.delete(`/api/segments/${segment.id}`)).status).toBe(404);
    expect((await staff.delete('/api/segments/nope')).status).toBe(400);
  });
});

describe('marketing lists (L5)', () => {
  it('creates lists and counts their members', async () => {
    const org = await foyer.signIn();
    const created = await org.post('/api/lists', { name: ' Newsletter ' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Newsletter', memberCount: 0 });
    await org.post('/api/lists', { name: 'autumn offers' });
    for (let i = 0; i < 2; i++) {
      const customer = (await org.post('/api/customers', { firstName: 'List', lastName: `Member${i}` })).body;
      await foyer.database.pool.query(`insert into marketing_list_members (org_id, list_id, customer_id) values ($1, $2, $3)`, [
        org.orgId,
        created.body.id,
        fromSystemId(customer.id),
      ]);
    }
    const items = (await org.get('/api/lists')).body.items;
    expect(items.map((l: { name: string; memberCount: number }) => [l.name, l.memberCount])).toEqual([
      ['autumn offers', 0],
      ['Newsletter', 2],
    ]);
  });

  it.each([
    ['no name', { name: '' }, 'name'],
    ['a name over 100 characters', { name: 'x'.repeat(101) }, 'name'],
    ['an unknown field', { name: 'Fine', members: [] }, '(body)'],
  ])('refuses %s', async (_, body, field) => {
    const res = await owner.post('/api/lists', body);
    expect(res.status).toBe(400);
    expect(fields(res.body)).toEqual([field]);
  });

  it('refuses a name taken in any case', async () => {
    await owner.post('/api/lists', { name: 'Spring' });
    const again = await owner.post('/api/lists', { name: 'spring' });
    expect(again.status).toBe(409);
    expect(fields(again.body)).toEqual(['name']);
  });

  it('lets owners and managers delete a list, not staff; its customers stay', async () => {
    const list = (await owner.post('/api/lists', { name: 'Doomed list' })).body;
    const customer = (await owner.post('/api/customers', { firstName: 'Stays', lastName: 'Here' })).body;
    await foyer.database.pool.query(`insert into marketing_list_members (org_id, list_id, customer_id) values ($1, $2, $3)`, [
      owner.orgId,
      list.id,
      fromSystemId(customer.id),
    ]);
    const staff = await foyer.signIn({ role: 'staff', orgId: owner.orgId });
    expect((await staff.delete(`/api/lists/${list.id}`)).status).toBe(403);
    const manager = await foyer.signIn({ role: 'manager', orgId: owner.orgId });
    expect((await manager.delete(`/api/lists/${list.id}`)).status).toBe(204);
    expect((await owner.get(`/api/customers/${customer.id}`)).status).toBe(200);
    expect((await manager.delete(`/api/lists/${list.id}`)).status).toBe(404);
  });

  it("answers 404 for another organization's list and never lists it", async () => {
    const other = await foyer.signIn();
    const theirs = (await other.post('/api/lists', { name: 'Their list' })).body;
    expect((await owner.delete(`/api/lists/${theirs.id}`)).status).toBe(404);
    expect((await owner.get('/api/lists')).body.items.find((l: { id: string }) => l.id === theirs.id)).toBeUndefined();
    expect((await other.get('/api/lists')).body.items).toHaveLength(1);
  });
});
