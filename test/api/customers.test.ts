import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINIMUM_IDENTITY_MESSAGE } from '@foyer/schema/validation';
import { issueFields, type ApiClient } from '../support/client.ts';
import { startTestFoyer, type TestFoyer } from '../support/foyer.ts';

let foyer: TestFoyer;
let staff: ApiClient & { orgId: string };
beforeAll(async () => {
  foyer = await startTestFoyer();
  staff = await foyer.signIn();
});
afterAll(() => foyer?.close());

const fields = issueFields;

describe('creating customers', () => {
  it('creates with a 32-hex id, a generated number, a primary email and an E.164 phone', async () => {
    const res = await staff.post('/api/customers', {
      firstName: 'Grace',
      lastName: 'Hopper',
      emails: ['grace@navy.test', 'g.hopper@home.test'],
      phones: ['020 7946 0958'],
    });
    expect(res.status).toBe(201);
    expect(res.body.id).toMatch(/^[0-9a-f]{32}$/);
    expect(res.body.customerNumber).toMatch(/^C\d{6,}$/);
    expect(res.body.emails).toEqual([
      { address: 'grace@navy.test', primary: true },
      { address: 'g.hopper@home.test', primary: false },
    ]);
    expect(res.body.phones).toEqual([{ e164: '+442079460958', raw: '020 7946 0958' }]);
    expect(res.body.source).toBe('dashboard');
    expect(res.body.status).toBe('active');
  });

  it.each([
    ['first + last name', { firstName: 'Ann', lastName: 'Lee' }],
    ['an email alone', { emails: ['only-email@x.test'] }],
    ['first name + a valid phone', { firstName: 'Phil', phones: ['+33 1 42 68 53 00'] }],
  ])('accepts the minimum identity: %s', async (_, body) => {
    expect((await staff.post('/api/customers', body)).status).toBe(201);
  });

  it.each([
    ['nothing', {}],
    ['a first name alone', { firstName: 'Solo' }],
    ['a last name alone', { lastName: 'Solo' }],
    ['a last name and a phone', { lastName: 'Solo', phones: ['020 7946 0000'] }],
    ['names of blanks', { firstName: '  ', lastName: ' ' }],
    ['an empty email list', { firstName: 'Solo', emails: [] }],
  ])('refuses less than the minimum identity: %s', async (_, body) => {
    const res = await staff.post('/api/customers', body);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(MINIMUM_IDENTITY_MESSAGE);
    expect(fields(res.body)).toContain('(body)');
  });

  it('refuses a first name with only an invalid phone, naming the phone', async () => {
    const res = await staff.post('/api/customers', { firstName: 'Phil', phones: ['12345'] });
    expect(res.status).toBe(400);
    expect(fields(res.body)).toEqual(['phones.0']);
    expect(res.body.error.issues[0].message).toMatch(/not a valid phone number/);
  });

  it.each([
    ['under 5 characters', 'C12'],
    ['over 32 characters', 'X'.repeat(33)],
    ['with a space', 'AB 123'],
    ['shaped like a system id', 'a'.repeat(32)],
  ])('refuses a customer number %s', async (_, customerNumber) => {
    const res = await staff.post('/api/customers', { firstName: 'N', lastName: 'Umber', customerNumber });
    expect(res.status).toBe(400);
    expect(fields(res.body)).toEqual(['customerNumber']);
  });

  it('keeps a given customer number and refuses it twice', async () => {
    const first = await staff.post('/api/customers', { firstName: 'Num', lastName: 'Ber', customerNumber: 'MEM-00042' });
    expect(first.body.customerNumber).toBe('MEM-00042');
    const again = await staff.post('/api/customers', { firstName: 'Num', lastName: 'Ber', customerNumber: 'MEM-00042' });
    expect(again.status).toBe(409);
    expect(fields(again.body)).toEqual(['customerNumber']);
  });

  it('refuses a customer number that differs only in case, and opens the customer by it in any case', async () => {
    const first = await staff.post('/api/customers', { firstName: 'Ada', lastName: 'Upper', customerNumber: 'ADA-00001' });
    expect(first.status).toBe(201);
    const again = await staff.post('/api/customers', { firstName: 'Ada', lastName: 'Lower', customerNumber: 'ada-00001' });
    expect(again.status).toBe(409);
    expect(fields(again.body)).toEqual(['customerNumber']);
    const other = await staff.post('/api/customers', { firstName: 'Bea', lastName: 'Other', customerNumber: 'BEA-00001' });
    expect((await staff.patch(`/api/customers/${other.body.id}`, { customerNumber: 'Ada-00001' })).status).toBe(409);
    expect((await staff.get('/api/customers/ada-00001')).body.id).toBe(first.body.id);
    // The notes' attachments take the number as ref too, like every other customer route.
    const files = await staff.get('/api/customers/ada-00001/notes/attachments');
    expect(files.status).toBe(200);
    expect(files.body.items).toEqual([]);
  });

  it('migration 0015 resolves numbers that clash by case: the earlier keeps it, the later gets a suffix and a history entry', async () => {
    const pool = foyer.database.pool;
    const a = await staff.post('/api/customers', { firstName: 'Old', lastName: 'Case', customerNumber: 'CASE-00007' });
    const b = await staff.post('/api/customers', { firstName: 'New', lastName: 'Case', customerNumber: 'OTHER-00007' });
    // The state before the migration: no case-insensitive index, two numbers differing in case.
    await pool.query('drop index customers_org_number_lower_idx');
    await pool.query(`update customers set customer_number = 'case-00007' where customer_number = 'OTHER-00007'`);
    const migration = readFileSync(new URL('../../schema/migrations/0019_harden.sql', import.meta.url), 'utf8');
    for (const statement of migration.split('--> statement-breakpoint').filter((s) => /customers_org_number_lower_idx|WITH ranked/.test(s)))
      await pool.query(statement);
    expect((await staff.get(`/api/customers/${a.body.id}`)).body.customerNumber).toBe('CASE-00007');
    const renamed = (await staff.get(`/api/customers/${b.body.id}`)).body.customerNumber as string;
    expect(renamed).toMatch(/^case-00007-2-[0-9a-f]{4}$/);
    const history = await staff.get(`/api/customers/${b.body.id}/history`);
    expect(JSON.stringify(history.body)).toContain(renamed);
  });

  it('refuses an email already held, in any case, naming the holder', async () => {
    const holder = await staff.post('/api/customers', { emails: ['Taken@Example.test'] });
    const res = await staff.post('/api/customers', { firstName: 'X', emails: ['other@x.test', 'taken@EXAMPLE.test'] });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain(holder.body.customerNumber);
    expect(fields(res.body)).toEqual(['emails.1']);
  });

  it('refuses the same email twice in one request', async () => {
    const res = await staff.post('/api/customers', { emails: ['twice@x.test', 'TWICE@x.test'] });
    expect(res.status).toBe(400);
    expect(fields(res.body)).toEqual(['emails.1']);
  });

  it('lets exactly one of many concurrent creates with one email succeed', async () => {
    const attempts = await Promise.all(Array.from({ length: 8 }, (_, i) => staff.post('/api/customers', { firstName: `Racer${i}`, emails: ['race@x.test'] })));
    const statuses = attempts.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    const winner = attempts.find((r) => r.status === 201)!.body.customerNumber;
    for (const loser of attempts.filter((r) => r.status === 409)) expect(loser.body.error.message).toContain(winner);
  });

  it('refuses unknown fields, naming them', async () => {
    const res = await staff.post('/api/customers', { firstName: 'A', lastName: 'B', favouriteColour: 'red' });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.error.issues)).toContain('favouriteColour');
  });

  it('refuses names over 100 characters and bad emails, naming the field', async () => {
    const res = await staff.post('/api/customers', { firstName: 'x'.repeat(101), lastName: 'B', emails: ['nope'] });
    expect(res.status).toBe(400);
    expect(fields(res.body)?.sort()).toEqual(['emails.0', 'firstName']);
  });

  it('answers malformed JSON with 400 and creates nothing', async () => {
    const before = (await staff.get('/api/customers')).body.total;
    const res = await staff.request('POST', '/api/customers', '{"firstName": "Ada",', { 'content-type': 'application/json' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('malformed_json');
    expect((await staff.get('/api/customers')).body.total).toBe(before);
  });

  it('answers a body over 1 MiB with 413', async () => {
    const res = await staff.post('/api/customers', { firstName: 'Big', lastName: 'Body', externalId: 'x'.repeat(1024 * 1024 + 10) });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });

  it('answers a body that is not JSON with 415', async () => {
    const res = await staff.request('POST', '/api/customers', 'firstName=Ada', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(415);
  });
});

describe('finding, listing, editing and deleting', () => {
  it('finds a customer by system id and by customer number (C3)', async () => {
    const created = (await staff.post('/api/customers', { firstName: 'Find', lastName: 'Me', customerNumber: 'FIND-0001' })).body;
    expect((await staff.get(`/api/customers/${created.id}`)).body.customerNumber).toBe('FIND-0001');
    expect((await staff.get('/api/customers/FIND-0001')).body.id).toBe(created.id);
  });

  it('answers 404 for an unknown ref', async () => {
    expect((await staff.get('/api/customers/NOPE-0000')).status).toBe(404);
    expect((await staff.get(`/api/customers/${'0'.repeat(32)}`)).status).toBe(404);
    expect((await staff.patch('/api/customers/NOPE-0000', { firstName: 'x' })).status).toBe(404);
    expect((await staff.delete('/api/customers/NOPE-0000')).status).toBe(404);
  });

  it('lists pages of 50, newest first, with the total', async () => {
    const own = await foyer.signIn();
    for (let i = 0; i < 53; i++) await own.post('/api/customers', { firstName: `P${i}`, lastName: 'Page' });
    const first = await own.get('/api/customers');
    expect(first.body.total).toBe(53);
    expect(first.body.items).toHaveLength(50);
    expect(first.body.items[0].firstName).toBe('P52');
    const second = await own.get('/api/customers?page=2');
    expect(second.body.items.map((c: { firstName: string }) => c.firstName)).toEqual(['P2', 'P1', 'P0']);
    const bad = await own.get('/api/customers?page=0');
    expect(bad.status).toBe(400);
    expect(fields(bad.body)).toEqual(['page']);
  });

  it('edits contact details, keeps C4, and records who changed what', async () => {
    const c = (await staff.post('/api/customers', { firstName: 'Edit', lastName: 'Me', emails: ['edit@x.test'] })).body;
    const res = await staff.patch(`/api/customers/${c.customerNumber}`, {
      lastName: 'Changed',
      emails: ['second@x.test', 'edit@x.test'],
      phones: ['+44 20 7946 0001'],
    });
    expect(res.status).toBe(200);
    expect(res.body.emails[0]).toEqual({ address: 'second@x.test', primary: true });
    expect(res.body.phones[0].e164).toBe('+442079460001');

    const cleared = await staff.patch(`/api/customers/${c.id}`, { firstName: null, emails: [] });
    expect(cleared.status).toBe(400);
    expect(cleared.body.error.message).toBe(MINIMUM_IDENTITY_MESSAGE);

    const history = (await staff.get(`/api/customers/${c.id}/history`)).body.items;
    expect(history.map((h: { action: string }) => h.action)).toEqual(['updated', 'created']);
    expect(history[0].changes.lastName).toEqual({ before: 'Me', after: 'Changed' });
    expect(history[0].changes.emails).toEqual({ before: ['edit@x.test'], after: ['second@x.test', 'edit@x.test'] });
    expect(history[0].actor.name).toBeTruthy();
    expect(history[0].changes.firstName).toBeUndefined();
  });

  it('refuses to move an email another customer holds, and changes nothing', async () => {
    const a = (await staff.post('/api/customers', { emails: ['a-holder@x.test'] })).body;
    const b = (await staff.post('/api/customers', { firstName: 'B', lastName: 'B', emails: ['b@x.test'] })).body;
    const res = await staff.patch(`/api/customers/${b.id}`, { lastName: 'Moved', emails: ['A-HOLDER@x.test'] });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain(a.customerNumber);
    expect((await staff.get(`/api/customers/${b.id}`)).body.lastName).toBe('B');
  });

  it('bans and unbans', async () => {
    const c = (await staff.post('/api/customers', { firstName: 'Ban', lastName: 'Me' })).body;
    expect((await staff.patch(`/api/customers/${c.id}`, { status: 'banned' })).body.status).toBe('banned');
    expect((await staff.patch(`/api/customers/${c.id}`, { status: 'active' })).body.status).toBe('active');
  });

  it('lets owners and managers delete, not staff, and keeps the audit trail', async () => {
    const c = (await staff.post('/api/customers', { firstName: 'Del', lastName: 'Me' })).body;
    const plain = await foyer.signIn({ role: 'staff', orgId: staff.orgId });
    const refused = await plain.delete(`/api/customers/${c.id}`);
    expect(refused.status).toBe(403);
    const manager = await foyer.signIn({ role: 'manager', orgId: staff.orgId });
    expect((await manager.delete(`/api/customers/${c.id}`)).status).toBe(204);
    expect((await staff.get(`/api/customers/${c.id}`)).status).toBe(404);
    const rows = await foyer.database.pool.query(`select action from audit_log where entity_id = $1 order by id`, [
      `${c.id.slice(0, 8)}-${c.id.slice(8, 12)}-${c.id.slice(12, 16)}-${c.id.slice(16, 20)}-${c.id.slice(20)}`,
    ]);
    expect(rows.rows.map((r) => r.action)).toEqual(['created', 'deleted']);
  });
});

describe('organizations are separate', () => {
  it("answers 404 for another organization's customer, by id and by number, for every verb", async () => {
    const other = await foyer.signIn();
    const theirs = (await other.post('/api/customers', { firstName: 'Their', lastName: 'Customer', customerNumber: 'THEIRS-01', emails: ['shared@x.test'] }))
      .body;
    for (const ref of [theirs.id, theirs.customerNumber]) {
      expect((await staff.get(`/api/customers/${ref}`)).status).toBe(404);
      expect((await staff.get(`/api/customers/${ref}/history`)).status).toBe(404);
      expect((await staff.patch(`/api/customers/${ref}`, { firstName: 'Hijack' })).status).toBe(404);
      expect((await staff.delete(`/api/customers/${ref}`)).status).toBe(404);
    }
    expect((await other.get(`/api/customers/${theirs.id}`)).body.firstName).toBe('Their');
    const list = (await staff.get('/api/customers?pageSize=200')).body.items;
    expect(list.find((c: { id: string }) => c.id === theirs.id)).toBeUndefined();
  });

  it('lets two organizations hold the same email and customer number', async () => {
    const other = await foyer.signIn();
    await other.post('/api/customers', { emails: ['same@x.test'], customerNumber: 'SAME-0001' });
    const mine = await staff.post('/api/customers', { emails: ['same@x.test'], customerNumber: 'SAME-0001' });
    expect(mine.status).toBe(201);
  });
});

describe('a ban with a reason', () => {
  it('keeps the reason in the history beside the status change, and erasure blanks it', async () => {
    const c = (await staff.post('/api/customers', { firstName: 'Ban', lastName: 'Reason', emails: ['ban-reason@x.test'] })).body;
    const banned = await staff.patch(`/api/customers/${c.id}`, { status: 'banned', statusReason: '  Threatened the night porter  ' });
    expect(banned.status).toBe(200);
    expect(banned.body.status).toBe('banned');
    expect(banned.body).not.toHaveProperty('statusReason');
    const [entry] = (await staff.get(`/api/customers/${c.id}/history`)).body.items;
    expect(entry.changes.status).toEqual({ before: 'active', after: 'banned' });
    expect(entry.changes.statusReason).toEqual({ before: null, after: 'Threatened the night porter' });

    // A reason without a status change changes nothing and records nothing.
    await staff.patch(`/api/customers/${c.id}`, { status: 'banned', statusReason: 'again' });
    expect((await staff.get(`/api/customers/${c.id}/history`)).body.items).toHaveLength(2);

    const tooLong = await staff.patch(`/api/customers/${c.id}`, { status: 'active', statusReason: 'x'.repeat(501) });
    expect(tooLong.status).toBe(400);
    expect(fields(tooLong.body)).toContain('statusReason');

    expect((await staff.post(`/api/customers/${c.id}/erase`)).status).toBe(200);
    const after = (await staff.get(`/api/customers/${c.id}/history`)).body.items;
    const banEntry = after.find((h: { changes: Record<string, unknown> }) => h.changes.statusReason);
    expect(banEntry.changes.statusReason.after).not.toBe('Threatened the night porter');
  });
});
