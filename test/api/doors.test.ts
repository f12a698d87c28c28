import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromSystemId } from '@foyer/schema/validation';
import { issueFields, type ApiClient } from '../support/client.ts';
import { OWNER, startTestFoyer, type TestFoyer } from '../support/foyer.ts';

type Client = ApiClient & { orgId: string };

let foyer: TestFoyer;
let owner: Client;
let staff: Client;
let manager: Client;
let other: Client;
beforeAll(async () => {
  foyer = await startTestFoyer();
  owner = await foyer.signIn();
  staff = await foyer.signIn({ role: 'staff', orgId: owner.orgId });
  manager = await foyer.signIn({ role: 'manager', orgId: owner.orgId });
  other = await foyer.signIn();
});
afterAll(() => foyer?.close());

const sql = (text: string, params: unknown[] = []) => foyer.database.pool.query(text, params);
let n = 0;

async function door(client: Client, body: Record<string, unknown> = {}) {
  const res = await client.post('/api/doors', { name: `Door ${++n}`, ...body });
  expect(res.status).toBe(201);
  return res.body as { id: string; name: string };
}

async function customer(client: Client) {
  const res = await client.post('/api/customers', { firstName: 'Ada', lastName: `Guest ${++n}` });
  expect(res.status).toBe(201);
  return res.body as { id: string; customerNumber: string };
}

async function historyChanges(client: Client, ref: string) {
  return (await client.get(`/api/customers/${ref}/history`)).body.items.map((i: { changes: Record<string, unknown> }) => i.changes);
}

describe('doors (Da2)', () => {
  it('creates a door with the contract defaults, lists, gets, patches without resetting defaults, deletes', async () => {
    const created = await owner.post('/api/doors', { name: '  Garden gate ', location: 'Back' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Garden gate', location: 'Back', pulseMs: 3000, lockType: 'fail_secure', heldOpenAlarmSeconds: 30 });
    const id = created.body.id;

    expect((await owner.patch(`/api/doors/${id}`, { pulseMs: 5000, lockType: 'fail_safe' })).body).toMatchObject({ pulseMs: 5000, lockType: 'fail_safe' });
    const renamed = await owner.patch(`/api/doors/${id}`, { name: 'Garden door', location: '' });
    expect(renamed.body).toMatchObject({ name: 'Garden door', location: null, pulseMs: 5000, lockType: 'fail_safe', heldOpenAlarmSeconds: 30 });
    expect((await owner.get(`/api/doors/${id}`)).body.name).toBe('Garden door');
    // An empty patch is a mistake of the client's (it once answered 500): a 400, the door unchanged.
    const empty = await owner.patch(`/api/doors/${id}`, {});
    expect(empty.status).toBe(400);
    expect(empty.body.error).toMatchObject({ code: 'validation_failed', issues: [{ field: '(body)', message: expect.stringContaining('Nothing to change') }] });
    expect((await owner.get(`/api/doors/${id}`)).body).toMatchObject({ name: 'Garden door', pulseMs: 5000 });
    expect((await owner.get('/api/doors')).body.items.map((d: { id: string }) => d.id)).toContain(id);

    expect((await owner.delete(`/api/doors/${id}`)).status).toBe(204);
    expect((await owner.get(`/api/doors/${id}`)).status).toBe(404);
    expect((await owner.delete(`/api/doors/${id}`)).status).toBe(404);
  });

  it('refuses a second door of the same name, in any case', async () => {
    const first = await door(owner);
    const clash = await owner.post('/api/doors', { name: first.name.toUpperCase() });
    expect(clash.status).toBe(409);
    expect(issueFields(clash.body)).toEqual(['name']);
  });

  it('answers 400 naming the field for bad input', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ name: '' }, 'name'],
      [{ name: 'X', pulseMs: 50 }, 'pulseMs'],
      [{ name: 'X', lockType: 'magnetic' }, 'lockType'],
      [{ name: 'X', heldOpenAlarmSeconds: 1 }, 'heldOpenAlarmSeconds'],
      [{ name: 'X', colour: 'red' }, '(body)'],
    ];
    for (const [body, field] of cases) {
      const res = await owner.post('/api/doors', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(issueFields(res.body)).toContain(field);
    }
    const badId = await owner.patch('/api/doors/not-a-uuid', { name: 'Y' });
    expect(badId.status).toBe(400);
    expect(issueFields(badId.body)).toEqual(['id']);
  });

  it('lets only owners and managers change doors; every staff member reads them', async () => {
    const d = await door(owner);
    expect((await staff.post('/api/doors', { name: 'Staff door' })).status).toBe(403);
    expect((await staff.patch(`/api/doors/${d.id}`, { name: 'Renamed' })).status).toBe(403);
    expect((await staff.delete(`/api/doors/${d.id}`)).status).toBe(403);
    expect((await staff.get(`/api/doors/${d.id}`)).status).toBe(200);
    const manager = await foyer.signIn({ role: 'manager', orgId: owner.orgId });
    expect((await manager.patch(`/api/doors/${d.id}`, { location: 'Lobby' })).status).toBe(200);
  });

  it("answers 404 for another organization's door", async () => {
    const theirs = await door(other);
    expect((await owner.get(`/api/doors/${theirs.id}`)).status).toBe(404);
    expect((await owner.patch(`/api/doors/${theirs.id}`, { name: 'Mine now' })).status).toBe(404);
    expect((await owner.delete(`/api/doors/${theirs.id}`)).status).toBe(404);
    expect((await owner.get('/api/doors')).body.items.map((d: { id: string }) => d.id)).not.toContain(theirs.id);
  });

  it('gives the demo organization a Front door on first start', async () => {
    const demo = foyer.client();
    await demo.login(OWNER.email, OWNER.password);
    expect((await demo.get('/api/doors')).body.items.map((d: { name: string }) => d.name)).toEqual(['Front door']);
  });
});

describe('door permissions (Da1)', () => {
  it('grants, lists, edits and revokes, each in the customer history', async () => {
    const d = await door(owner);
    const c = await customer(owner);
    // Granting widens access: the front desk may not (a manager may), though it may revoke.
    expect((await staff.post(`/api/customers/${c.customerNumber}/door-permissions`, { doorId: d.id })).status).toBe(403);
    const granted = await manager.post(`/api/customers/${c.customerNumber}/door-permissions`, { doorId: d.id, notes: 'Member' });
    expect(granted.status).toBe(201);
    expect(granted.body).toMatchObject({ customerId: c.id, doorId: d.id, doorName: d.name, endsAt: null, notes: 'Member', status: 'active' });
    expect(Date.now() - Date.parse(granted.body.startsAt)).toBeLessThan(60_000);
    const id = granted.body.id;

    const later = new Date(Date.now() + 86_400_000).toISOString();
    const scheduled = await owner.post(`/api/customers/${c.id}/door-permissions`, { doorId: d.id, startsAt: later });
    expect(scheduled.body.status).toBe('scheduled');

    const end = new Date(Date.now() + 3_600_000).toISOString();
    const edited = await manager.patch(`/api/door-permissions/${id}`, { endsAt: end, notes: '' });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ endsAt: end, notes: null, status: 'active' });

    expect((await owner.get(`/api/customers/${c.id}/door-permissions`)).body.items).toHaveLength(2);
    expect((await staff.delete(`/api/door-permissions/${id}`)).status).toBe(204);
    expect((await staff.delete(`/api/door-permissions/${id}`)).status).toBe(204);
    expect((await owner.get(`/api/customers/${c.id}/door-permissions`)).body.items.map((p: { id: string }) => p.id)).toEqual([scheduled.body.id]);
    const revokedEdit = await owner.patch(`/api/door-permissions/${id}`, { notes: 'too late' });
    expect(revokedEdit.status).toBe(409);

    const changes = await historyChanges(owner, c.id);
    // Newest first: revoke, edit, second grant, first grant, creation.
    expect(changes.slice(0, 4).map((ch: Record<string, unknown>) => Object.keys(ch))).toEqual([['doorAccess'], ['doorAccess'], ['doorAccess'], ['doorAccess']]);
    expect(changes[0].doorAccess).toMatchObject({ after: null });
    expect(changes[3].doorAccess).toMatchObject({ before: null, after: expect.stringContaining(d.name) });
    expect(changes[3].doorAccess.after).toContain('(Member)');
  });

  it('answers 400 naming the field for bad input', async () => {
    const d = await door(owner);
    const c = await customer(owner);
    const path = `/api/customers/${c.id}/door-permissions`;
    const cases: [Record<string, unknown>, string][] = [
      [{ doorId: 'front' }, 'doorId'],
      [{ doorId: d.id, startsAt: 'tomorrow' }, 'startsAt'],
      [{ doorId: d.id, startsAt: '2030-01-02T00:00:00Z', endsAt: '2030-01-01T00:00:00Z' }, 'endsAt'],
      [{ doorId: d.id, endsAt: '2001-01-01T00:00:00Z' }, 'endsAt'],
      [{ doorId: d.id, notes: 'x'.repeat(501) }, 'notes'],
    ];
    for (const [body, field] of cases) {
      const res = await owner.post(path, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(issueFields(res.body)).toContain(field);
    }
    const p = (await owner.post(path, { doorId: d.id, startsAt: '2030-01-01T00:00:00Z' })).body;
    const backwards = await owner.patch(`/api/door-permissions/${p.id}`, { endsAt: '2029-12-31T00:00:00Z' });
    expect(backwards.status).toBe(400);
    expect(issueFields(backwards.body)).toEqual(['endsAt']);
    const doorChange = await owner.patch(`/api/door-permissions/${p.id}`, { doorId: d.id });
    expect(doorChange.status).toBe(400);
  });

  it("answers 404 for another organization's customer, door or permission", async () => {
    const mine = await door(owner);
    const theirs = await door(other);
    const c = await customer(owner);
    const theirCustomer = await customer(other);
    expect((await owner.post(`/api/customers/${c.id}/door-permissions`, { doorId: theirs.id })).status).toBe(404);
    expect((await owner.post(`/api/customers/${theirCustomer.id}/door-permissions`, { doorId: mine.id })).status).toBe(404);
    expect((await owner.get(`/api/customers/${theirCustomer.id}/door-permissions`)).status).toBe(404);
    const theirPermission = (await other.post(`/api/customers/${theirCustomer.id}/door-permissions`, { doorId: theirs.id })).body;
    expect((await owner.patch(`/api/door-permissions/${theirPermission.id}`, { notes: 'x' })).status).toBe(404);
    expect((await owner.delete(`/api/door-permissions/${theirPermission.id}`)).status).toBe(404);
    expect((await other.get(`/api/customers/${theirCustomer.id}/door-permissions`)).body.items).toHaveLength(1);
  });

  it('goes with its door when the door is deleted', async () => {
    const d = await door(owner);
    const c = await customer(owner);
    await owner.post(`/api/customers/${c.id}/door-permissions`, { doorId: d.id });
    await owner.delete(`/api/doors/${d.id}`);
    expect((await owner.get(`/api/customers/${c.id}/door-permissions`)).body.items).toEqual([]);
  });
});

describe('credentials (R2)', () => {
  it('issues a card showing only kind, masked and label, and keeps only a hash', async () => {
    const c = await customer(owner);
    expect((await staff.post(`/api/customers/${c.id}/credentials`, { kind: 'rfid', value: '0a 00 1b 2c 3d' })).status).toBe(403);
    const issued = await manager.post(`/api/customers/${c.id}/credentials`, { kind: 'rfid', value: '0a 00 1b 2c 3d', label: 'Blue fob' });
    expect(issued.status).toBe(201);
    expect(Object.keys(issued.body).sort()).toEqual(['createdAt', 'id', 'kind', 'label', 'masked']);
    expect(issued.body).toMatchObject({ kind: 'rfid', masked: '••••2C3D', label: 'Blue fob' });
    expect((await owner.get(`/api/customers/${c.customerNumber}/credentials`)).body.items).toEqual([issued.body]);

    const { rows } = await sql('select hash from credentials where id = $1', [issued.body.id]);
    expect(rows[0].hash).toMatch(/^[0-9a-f]{64}$/);
    const changes = await historyChanges(owner, c.id);
    expect(changes[0]).toEqual({ credentials: { before: null, after: 'RFID ••••2C3D (Blue fob)' } });
    const { rows: audit } = await sql(`select changes::text from audit_log where entity_id = $1`, [fromSystemId(c.id)]);
    expect(audit.map((r) => r.changes).join()).not.toMatch(/0A001B2C3D|0a 00 1b/i);
  });

  it('refuses a value live in the organization without saying whose, and frees it on revoke', async () => {
    const holder = await customer(owner);
    const second = await customer(owner);
    const first = await owner.post(`/api/customers/${holder.id}/credentials`, { kind: 'rfid', value: '0B001B2C3D' });
    const clash = await owner.post(`/api/customers/${second.id}/credentials`, { kind: 'rfid', value: '0b-00-1b-2c-3d' });
    expect(clash.status).toBe(409);
    expect(clash.body.error.message).toBe('This credential is already issued');
    expect(clash.text).not.toContain(holder.customerNumber);
    expect(issueFields(clash.body)).toEqual(['value']);
    // Another organization has its own key and its own credentials.
    const theirs = await customer(other);
    expect((await other.post(`/api/customers/${theirs.id}/credentials`, { kind: 'rfid', value: '0B001B2C3D' })).status).toBe(201);

    expect((await owner.delete(`/api/credentials/${first.body.id}`)).status).toBe(204);
    expect((await owner.get(`/api/customers/${holder.id}/credentials`)).body.items).toEqual([]);
    expect((await owner.post(`/api/customers/${second.id}/credentials`, { kind: 'rfid', value: '0B001B2C3D' })).status).toBe(201);
    expect((await historyChanges(owner, holder.id))[0]).toEqual({ credentials: { before: 'RFID ••••2C3D', after: null } });
  });

  it('generates a wallet QR token when none is given and shows it only once', async () => {
    const c = await customer(owner);
    const issued = await owner.post(`/api/customers/${c.id}/credentials`, { kind: 'qr', label: 'Wallet pass' });
    expect(issued.status).toBe(201);
    expect(issued.body.walletToken).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(issued.body.masked).toBe(`••••${issued.body.walletToken.slice(-4)}`);
    const listed = (await owner.get(`/api/customers/${c.id}/credentials`)).body.items;
    expect(listed[0]).not.toHaveProperty('walletToken');
    const again = await owner.post(`/api/customers/${c.id}/credentials`, { kind: 'qr' });
    expect(again.body.walletToken).not.toBe(issued.body.walletToken);
  });

  it('answers 400 naming the field for bad input', async () => {
    const c = await customer(owner);
    const path = `/api/customers/${c.id}/credentials`;
    const cases: [Record<string, unknown>, string][] = [
      [{ kind: 'nfc', value: '12345678' }, 'kind'],
      [{ kind: 'rfid', value: 'not hex at all' }, 'value'],
      [{ kind: 'barcode' }, 'value'],
      [{ kind: 'barcode', value: '123' }, 'value'],
      [{ kind: 'qr', label: 'x'.repeat(101) }, 'label'],
    ];
    for (const [body, field] of cases) {
      const res = await owner.post(path, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(issueFields(res.body)).toContain(field);
    }
    expect(issueFields((await owner.delete('/api/credentials/123')).body)).toEqual(['id']);
  });

  it("answers 404 for another organization's customer or credential, and 409 for an erased customer", async () => {
    const theirCustomer = await customer(other);
    const theirs = (await other.post(`/api/customers/${theirCustomer.id}/credentials`, { kind: 'barcode', value: '99887766' })).body;
    expect((await owner.delete(`/api/credentials/${theirs.id}`)).status).toBe(404);
    expect((await owner.post(`/api/customers/${theirCustomer.id}/credentials`, { kind: 'qr' })).status).toBe(404);
    expect((await owner.get(`/api/customers/${theirCustomer.id}/credentials`)).status).toBe(404);
    expect((await other.get(`/api/customers/${theirCustomer.id}/credentials`)).body.items).toHaveLength(1);

    const c = await customer(owner);
    await owner.post(`/api/customers/${c.id}/erase`);
    const refused = await owner.post(`/api/customers/${c.id}/credentials`, { kind: 'qr' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('erased');
  });
});

describe('door log and timeline', () => {
  it('pages the door log and the activity timeline, 400 for bad paging, 404 for a stranger', async () => {
    expect((await owner.get('/api/door-events')).body).toEqual({ items: [], pageSize: 50, hasMore: false });
    expect(issueFields((await owner.get('/api/door-events?before=0')).body)).toEqual(['before']);
    expect(issueFields((await owner.get('/api/door-events?before=x')).body)).toEqual(['before']);
    expect(issueFields((await owner.get('/api/door-events?pageSize=201')).body)).toEqual(['pageSize']);
    const c = await customer(owner);
    // The creation entry is written by the timeline's outbox subscriber, right after the commit.
    await foyer.outbox.settle();
    expect((await owner.get(`/api/customers/${c.id}/activities?pageSize=10`)).body).toMatchObject({
      items: [{ type: 'profile_created' }],
      page: 1,
      pageSize: 10,
      hasMore: false,
    });
    expect(issueFields((await owner.get(`/api/customers/${c.id}/activities?pageSize=500`)).body)).toEqual(['pageSize']);
    expect((await other.get(`/api/customers/${c.id}/activities`)).status).toBe(404);
  });

  it('pages the door log by a before=<id> cursor: newest first, nothing repeated or skipped while entries arrive', async () => {
    const org = await foyer.signIn();
    const d = await door(org);
    const device = (await org.post('/api/edge/devices', { name: 'Pager', doorIds: [d.id] })).body.device as { id: string };
    let seq = 0;
    /** Stores an event as the edge channel would, decided at `minute` past 9:00. */
    const logAt = async (minute: number) => {
      const at = new Date(Date.UTC(2026, 2, 1, 9, minute)).toISOString();
      const { rows } = await sql(
        `insert into door_events (org_id, device_id, seq, door_id, kind, result, reason, occurred_at)
         values ($1, $2, $3, $4, 'access', 'denied', 'unknown_credential', $5) returning id`,
        [org.orgId, device.id, ++seq, d.id, at],
      );
      return Number(rows[0].id);
    };
    // Two pairs share a time: the id breaks the tie.
    for (const minute of [1, 2, 2, 3, 4, 4, 5]) await logAt(minute);
    type Page = { items: { id: number; at: string }[]; hasMore: boolean };
    const page = async (before?: number) => (await org.get(`/api/door-events?pageSize=3${before ? `&before=${before}` : ''}`)).body as Page;
    const everything = (await org.get('/api/door-events')).body as Page;
    const order = everything.items.map((e) => e.id);
    expect(everything.items.map((e) => e.at.slice(14, 16))).toEqual(['05', '04', '04', '03', '02', '02', '01']);

    const first = await page();
    expect(first.items.map((e) => e.id)).toEqual(order.slice(0, 3));
    expect(first.hasMore).toBe(true);
    // Meanwhile a new entry on top, and a late upload from an offline device in the middle.
    const newest = await logAt(30);
    const late = await logAt(3);
    const second = await page(first.items.at(-1)!.id);
    const third = await page(second.items.at(-1)!.id);
    expect(third.hasMore).toBe(false);
    const paged = [...first.items, ...second.items, ...third.items].map((e) => e.id);
    // The newest is not on these pages (it is above the first); the late one is, in its place.
    expect(paged).not.toContain(newest);
    // (Same minute as the fourth, a higher id: just before it, newest first.)
    expect(paged).toEqual([...order.slice(0, 3), late, ...order.slice(3)]);
    expect(new Set(paged).size).toBe(paged.length);

    // Another organization's entry is no cursor here.
    expect(issueFields((await owner.get(`/api/door-events?before=${newest}`)).body)).toEqual(['before']);
  });
});
