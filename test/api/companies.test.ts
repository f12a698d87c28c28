import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromSystemId } from '@foyer/schema/validation';
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

let n = 0;
/** A customer of `client`'s organization with these emails; returns its 32-hex id and number. */
async function customer(client: Client, ...emails: string[]) {
  const res = await client.post('/api/customers', { firstName: 'Cust', lastName: `Omer${++n}`, emails });
  expect(res.status).toBe(201);
  return res.body as { id: string; customerNumber: string };
}

async function company(client: Client, body: { name: string; domains?: string[] }) {
  const res = await client.post('/api/companies', body);
  expect(res.status).toBe(201);
  return res.body as { id: string; name: string; domains: string[]; customerCount: number };
}

/** The links as stored: customer id (32-hex) → how it was made. */
async function linksOf(companyId: string): Promise<Record<string, string>> {
  const { rows } = await foyer.database.pool.query<{ id: string; linked_by: string }>(
    `select replace(customer_id::text, '-', '') as id, linked_by from customer_companies where company_id = $1`,
    [companyId],
  );
  return Object.fromEntries(rows.map((r) => [r.id, r.linked_by]));
}

async function auditOf(entityId: string) {
  const { rows } = await foyer.database.pool.query<{ action: string; entity_type: string; changes: Record<string, unknown> }>(
    `select action, entity_type, changes from audit_log where entity_id = $1 order by id`,
    [entityId],
  );
  return rows;
}

describe('companies (Co1)', () => {
  it('creates a company with its domains written the way staff type them', async () => {
    const res = await owner.post('/api/companies', { name: '  Initech  ', domains: ['INITECH.test', '@initech.test', 'initech.co.test'] });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'Initech', domains: ['initech.co.test', 'initech.test'], customerCount: 0 });
    expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Date(res.body.createdAt).getTime()).toBeGreaterThan(0);
    expect((await owner.get(`/api/companies/${res.body.id}`)).body).toEqual(res.body);
  });

  it('lists companies by name and finds them by part of a name or a domain', async () => {
    const own = await foyer.signIn();
    await company(own, { name: 'Zeta Corp' });
    await company(own, { name: 'alpha ltd', domains: ['alpha-mail.test'] });
    await company(own, { name: 'Beta GmbH' });
    const all = (await own.get('/api/companies')).body.items.map((c: { name: string }) => c.name);
    expect(all).toEqual(['alpha ltd', 'Beta GmbH', 'Zeta Corp']);
    expect((await own.get('/api/companies?q=ZET')).body.items.map((c: { name: string }) => c.name)).toEqual(['Zeta Corp']);
    expect((await own.get('/api/companies?q=mail.te')).body.items.map((c: { name: string }) => c.name)).toEqual(['alpha ltd']);
    expect((await own.get('/api/companies?q=%25')).body.items).toEqual([]);
  });

  it('renames a company and records create, update and delete in the audit log', async () => {
    const c = await company(owner, { name: 'Audited Inc', domains: ['audited.test'] });
    const renamed = await owner.patch(`/api/companies/${c.id}`, { name: 'Audited Holdings' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe('Audited Holdings');
    expect((await owner.delete(`/api/companies/${c.id}`)).status).toBe(204);
    expect((await owner.get(`/api/companies/${c.id}`)).status).toBe(404);
    const audit = await auditOf(c.id);
    expect(audit.map((a) => [a.entity_type, a.action])).toEqual([
      ['company', 'created'],
      ['company', 'updated'],
      ['company', 'deleted'],
    ]);
    expect(audit[0]!.changes).toEqual({ name: { before: null, after: 'Audited Inc' }, domains: { before: null, after: ['audited.test'] } });
    expect(audit[1]!.changes).toEqual({ name: { before: 'Audited Inc', after: 'Audited Holdings' } });
  });

  it('refuses a name another company has, in any case, on create and on rename', async () => {
    await company(owner, { name: 'Globex' });
    const again = await owner.post('/api/companies', { name: 'GLOBEX' });
    expect(again.status).toBe(409);
    expect(fields(again.body)).toEqual(['name']);
    const other = await company(owner, { name: 'Globex 2' });
    expect((await owner.patch(`/api/companies/${other.id}`, { name: 'globex' })).status).toBe(409);
    expect((await owner.patch(`/api/companies/${other.id}`, { name: 'Globex 2' })).status).toBe(200);
  });

  it.each([
    ['a domain that is not a domain', { name: 'Bad Domain', domains: ['not a domain'] }, 'domains.0'],
    ['an email as a domain', { name: 'Bad Domain', domains: ['ok.test', 'ann@acme.test'] }, 'domains.1'],
    ['a domain without a dot', { name: 'Bad Domain', domains: ['localhost'] }, 'domains.0'],
    ['no name', { name: '   ' }, 'name'],
    ['a name over 200 characters', { name: 'x'.repeat(201) }, 'name'],
    ['an unknown field', { name: 'Fine', website: 'x.test' }, '(body)'],
  ])('refuses %s', async (_, body, field) => {
    const res = await owner.post('/api/companies', body);
    expect(res.status).toBe(400);
    expect(fields(res.body)).toEqual([field]);
  });

  it('refuses a company id that is not a UUID', async () => {
    const res = await owner.get('/api/companies/12345');
    expect(res.status).toBe(400);
    expect(fields(res.body)).toEqual(['id']);
  });

  it('refuses a domain another company of the organization has, naming that company; other organizations may have it', async () => {
    await company(owner, { name: 'Holder Ltd', domains: ['held.test'] });
    const onCreate = await owner.post('/api/companies', { name: 'Grabber', domains: ['free.test', 'HELD.test'] });
    expect(onCreate.status).toBe(409);
    expect(onCreate.body.error.message).toContain('Holder Ltd');
    expect(fields(onCreate.body)).toEqual(['domains.1']);
    expect((await owner.get('/api/companies?q=Grabber')).body.items).toEqual([]);

    const grabber = await company(owner, { name: 'Grabber' });
    const onAdd = await owner.post(`/api/companies/${grabber.id}/domains`, { domain: '@held.test' });
    expect(onAdd.status).toBe(409);
    expect(onAdd.body.error.message).toContain('Holder Ltd');

    const elsewhere = await foyer.signIn();
    expect((await elsewhere.post('/api/companies', { name: 'Holder Ltd', domains: ['held.test'] })).status).toBe(201);
  });

  it('gives a domain to only one of two companies asking at once', async () => {
    const [a, b] = [await company(owner, { name: 'Racer A' }), await company(owner, { name: 'Racer B' })];
    const results = await Promise.all([a, b].map((c) => owner.post(`/api/companies/${c.id}/domains`, { domain: 'race.test' })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
  });

  it('refuses a bad domain on add and remove, and answers 404 for a domain the company does not have', async () => {
    const c = await company(owner, { name: 'Domainless' });
    const bad = await owner.post(`/api/companies/${c.id}/domains`, { domain: 'nope' });
    expect(bad.status).toBe(400);
    expect(fields(bad.body)).toEqual(['domain']);
    expect((await owner.delete(`/api/companies/${c.id}/domains/not_a_domain`)).status).toBe(400);
    expect((await owner.delete(`/api/companies/${c.id}/domains/absent.test`)).status).toBe(404);
  });

  it('lets owners and managers delete a company, not staff; its customers stay', async () => {
    const c = await company(owner, { name: 'Doomed', domains: ['doomed.test'] });
    const member = await customer(owner, 'x@doomed.test');
    const staff = await foyer.signIn({ role: 'staff', orgId: owner.orgId });
    expect((await staff.delete(`/api/companies/${c.id}`)).status).toBe(403);
    const manager = await foyer.signIn({ role: 'manager', orgId: owner.orgId });
    expect((await manager.delete(`/api/companies/${c.id}`)).status).toBe(204);
    expect((await owner.get(`/api/customers/${member.id}`)).status).toBe(200);
    expect(await linksOf(c.id)).toEqual({});
  });

  it('lets staff create and rename, and leaves domains (they link people automatically) to managers', async () => {
    const staff = await foyer.signIn({ role: 'staff', orgId: owner.orgId });
    const c = await company(staff, { name: 'Staff Made' });
    expect((await staff.patch(`/api/companies/${c.id}`, { name: 'Staff Made Ltd' })).status).toBe(200);
    expect((await staff.post(`/api/companies/${c.id}/domains`, { domain: 'staffmade.test' })).status).toBe(403);
    const manager = await foyer.signIn({ role: 'manager', orgId: owner.orgId });
    expect((await manager.post(`/api/companies/${c.id}/domains`, { domain: 'staffmade.test' })).status).toBe(200);
    expect((await staff.delete(`/api/companies/${c.id}/domains/staffmade.test`)).status).toBe(403);
    expect((await manager.delete(`/api/companies/${c.id}/domains/staffmade.test`)).status).toBe(200);
  });
});

describe('organizations are separate', () => {
  it("answers 404 for another organization's company on every route", async () => {
    const other = await foyer.signIn();
    const theirs = await company(other, { name: 'Theirs', domains: ['theirs.test'] });
    const theirCustomer = await customer(other, 'c@theirs.test');
    const mine = await customer(owner, 'm@mine.test');
    const base = `/api/companies/${theirs.id}`;
    expect((await owner.get(base)).status).toBe(404);
    expect((await owner.patch(base, { name: 'Hijacked' })).status).toBe(404);
    expect((await owner.delete(base)).status).toBe(404);
    expect((await owner.post(`${base}/domains`, { domain: 'more.test' })).status).toBe(404);
    expect((await owner.delete(`${base}/domains/theirs.test`)).status).toBe(404);
    expect((await owner.get(`${base}/customers`)).status).toBe(404);
    expect((await owner.post(`${base}/customers`, { customer: mine.id })).status).toBe(404);
    expect((await owner.delete(`${base}/customers/${theirCustomer.id}`)).status).toBe(404);
    expect((await owner.get('/api/companies?q=Theirs')).body.items).toEqual([]);

    const myCompany = await company(owner, { name: 'Mine Co' });
    expect((await owner.post(`/api/companies/${myCompany.id}/customers`, { customer: theirCustomer.id })).status).toBe(404);
    expect((await owner.post(`/api/companies/${myCompany.id}/customers`, { customer: theirCustomer.customerNumber })).status).toBe(404);

    const still = (await other.get(base)).body;
    expect(still).toMatchObject({ name: 'Theirs', domains: ['theirs.test'], customerCount: 1 });
  });
});

describe('domain links (Co2)', () => {
  it('links existing customers when a domain is added and unlinks them when it goes; manual links stay', async () => {
    const org = await foyer.signIn();
    const ann = await customer(org, 'ann@acme.test');
    const bob = await customer(org, 'Bob@ACME.Test');
    const dave = await customer(org, 'dave@home.test', 'dave@acme.test');
    const carol = await customer(org, 'carol@elsewhere.test');
    const stranger = await customer(org, 'x@acme.test.evil');

    const acme = await company(org, { name: 'Acme' });
    expect((await org.post(`/api/companies/${acme.id}/customers`, { customer: carol.customerNumber })).status).toBe(204);

    const added = await org.post(`/api/companies/${acme.id}/domains`, { domain: 'acme.test' });
    expect(added.status).toBe(200);
    expect(added.body.linked).toBe(3);
    expect(added.body.company).toMatchObject({ domains: ['acme.test'], customerCount: 4 });
    expect(await linksOf(acme.id)).toEqual({ [ann.id]: 'domain', [bob.id]: 'domain', [dave.id]: 'domain', [carol.id]: 'manual' });

    const page = await org.get(`/api/companies/${acme.id}/customers`);
    expect(page.status).toBe(200);
    expect(page.body.total).toBe(4);
    expect(page.body.totalCapped).toBe(false);
    // Newest first, as list rows.
    expect(page.body.items.map((c: { id: string }) => c.id)).toEqual([carol.id, dave.id, bob.id, ann.id]);
    expect(page.body.items[0]).toMatchObject({ customerNumber: carol.customerNumber, primaryEmail: 'carol@elsewhere.test', tags: [] });
    expect(page.body.items.find((c: { id: string }) => c.id === stranger.id)).toBeUndefined();
    // Each row names the domain that linked it, a second email's too (Dave's primary is at home.test).
    const via = Object.fromEntries(
      page.body.items.map((c: { id: string; linkedBy: string; linkedDomain: string | null }) => [c.id, [c.linkedBy, c.linkedDomain]]),
    );
    expect(via).toEqual({
      [ann.id]: ['domain', 'acme.test'],
      [bob.id]: ['domain', 'acme.test'],
      [dave.id]: ['domain', 'acme.test'],
      [carol.id]: ['manual', null],
    });

    const removed = await org.delete(`/api/companies/${acme.id}/domains/ACME.test`);
    expect(removed.status).toBe(200);
    expect(removed.body.unlinked).toBe(3);
    expect(removed.body.company).toMatchObject({ domains: [], customerCount: 1 });
    expect(await linksOf(acme.id)).toEqual({ [carol.id]: 'manual' });
  });

  it('links the customers of every domain of a new company at once', async () => {
    const org = await foyer.signIn();
    const a = await customer(org, 'a@one.test');
    const b = await customer(org, 'b@two.test');
    await customer(org, 'c@three.test');
    const c = await company(org, { name: 'Two Domains', domains: ['one.test', 'two.test'] });
    expect(c.customerCount).toBe(2);
    expect(await linksOf(c.id)).toEqual({ [a.id]: 'domain', [b.id]: 'domain' });
  });

  it('keeps a domain link while another domain of the company still matches', async () => {
    const org = await foyer.signIn();
    const both = await customer(org, 'p@uk.test', 'p@us.test');
    const ukOnly = await customer(org, 'q@uk.test');
    const c = await company(org, { name: 'Multinational', domains: ['uk.test', 'us.test'] });
    const res = await org.delete(`/api/companies/${c.id}/domains/uk.test`);
    expect(res.body.unlinked).toBe(1);
    expect(await linksOf(c.id)).toEqual({ [both.id]: 'domain' });
    expect((await linksOf(c.id))[ukOnly.id]).toBeUndefined();
  });

  it('lets one customer belong to several companies', async () => {
    const org = await foyer.signIn();
    const person = await customer(org, 'pat@employer.test', 'pat@tenant.test');
    const employer = await company(org, { name: 'Employer', domains: ['employer.test'] });
    const tenant = await company(org, { name: 'Tenant', domains: ['tenant.test'] });
    expect(await linksOf(employer.id)).toEqual({ [person.id]: 'domain' });
    expect(await linksOf(tenant.id)).toEqual({ [person.id]: 'domain' });
  });

  it('turns a domain link into a manual one when staff link the customer by hand, so it outlives the domain', async () => {
    const org = await foyer.signIn();
    const kept = await customer(org, 'kept@keep.test');
    const c = await company(org, { name: 'Keeper', domains: ['keep.test'] });
    expect(await linksOf(c.id)).toEqual({ [kept.id]: 'domain' });
    expect((await org.post(`/api/companies/${c.id}/customers`, { customer: kept.id })).status).toBe(204);
    expect(await linksOf(c.id)).toEqual({ [kept.id]: 'manual' });
    expect((await org.delete(`/api/companies/${c.id}/domains/keep.test`)).body.unlinked).toBe(0);
    expect(await linksOf(c.id)).toEqual({ [kept.id]: 'manual' });
  });

  it('removes a link whatever made it, by id or number, and answers 404 when there is none', async () => {
    const org = await foyer.signIn();
    const byDomain = await customer(org, 'd@unlink.test');
    const byHand = await customer(org, 'h@elsewhere.test');
    const c = await company(org, { name: 'Unlinker', domains: ['unlink.test'] });
    await org.post(`/api/companies/${c.id}/customers`, { customer: byHand.customerNumber });
    expect((await org.delete(`/api/companies/${c.id}/customers/${byDomain.customerNumber}`)).status).toBe(204);
    expect((await org.delete(`/api/companies/${c.id}/customers/${byHand.id}`)).status).toBe(204);
    expect(await linksOf(c.id)).toEqual({});
    expect((await org.delete(`/api/companies/${c.id}/customers/${byHand.id}`)).status).toBe(404);
    expect((await org.delete(`/api/companies/${c.id}/customers/NOPE-00000`)).status).toBe(404);
    expect((await org.post(`/api/companies/${c.id}/customers`, { customer: 'NOPE-00000' })).status).toBe(404);
    const bad = await org.post(`/api/companies/${c.id}/customers`, { customer: '' });
    expect(bad.status).toBe(400);
    expect(fields(bad.body)).toEqual(['customer']);
  });

  it("pages a company's customers 50 at a time", async () => {
    const org = await foyer.signIn();
    const ids: string[] = [];
    for (let i = 0; i < 53; i++) ids.push((await customer(org, `p${i}@paged.test`)).id);
    const c = await company(org, { name: 'Paged', domains: ['paged.test'] });
    const first = await org.get(`/api/companies/${c.id}/customers`);
    expect(first.body.items).toHaveLength(50);
    expect(first.body.total).toBe(53);
    const second = await org.get(`/api/companies/${c.id}/customers?page=2`);
    expect(second.body.items.map((x: { id: string }) => x.id)).toEqual(ids.slice(0, 3).reverse());
    const bad = await org.get(`/api/companies/${c.id}/customers?page=0`);
    expect(bad.status).toBe(400);
    expect(fields(bad.body)).toEqual(['page']);
  });

  it('stores links with the system ids the API shows', async () => {
    const org = await foyer.signIn();
    const person = await customer(org, 'id@ids.test');
    const c = await company(org, { name: 'Ids', domains: ['ids.test'] });
    const { rows } = await foyer.database.pool.query(`select 1 from customer_companies where customer_id = $1 and company_id = $2`, [
      fromSystemId(person.id),
      c.id,
    ]);
    expect(rows).toHaveLength(1);
  });
});

describe('the OpenAPI document', () => {
  it('describes the directory routes', async () => {
    const doc = (await foyer.client().get('/api/openapi.json')).body;
    for (const path of [
      '/api/companies/{id}/domains/{domain}',
      '/api/companies/{id}/customers/{ref}',
      '/api/tags/{id}',
      '/api/custom-fields/{id}',
      '/api/settings',
      '/api/segments/{id}',
      '/api/lists/{id}',
    ])
      expect(Object.keys(doc.paths)).toContain(path);
    expect(doc.paths['/api/companies/{id}/domains/{domain}'].delete.parameters.map((p: { name: string }) => p.name)).toEqual(['id', 'domain']);
  });
});
