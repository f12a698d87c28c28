import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import type { DoorLogEntry, EdgeClientToServer, EdgeServerToClient } from '@foyer/schema/realtime';
import { normalizeCredential, type CredentialKind, type EdgeDoor, type EdgeEntry, type EdgeEvent } from '@foyer/schema/validation';
import { createServices } from '@foyer/server/app.ts';
import { issueFields, type ApiClient } from '../support/client.ts';
import { startTestFoyer, type TestFoyer } from '../support/foyer.ts';

type Client = ApiClient & { orgId: string };
type Pairing = { deviceId: string; secret: string; credentialKey: string };
type Delta = Parameters<EdgeServerToClient['delta']>[0];

let foyer: TestFoyer;
let owner: Client;
let other: Client;
const open: Socket[] = [];
beforeAll(async () => {
  foyer = await startTestFoyer();
  owner = await foyer.signIn();
  other = await foyer.signIn();
});
afterEach(() => {
  for (const socket of open.splice(0)) socket.close();
});
afterAll(() => foyer?.close());

const sql = (text: string, params: unknown[] = []) => foyer.database.pool.query(text, params);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ACK_TIMEOUT_MS = 20_000;
let n = 0;

/** Waits until `check` holds, polling, or fails after `ms`. */
async function until<T>(check: () => T | undefined, ms = 2000, what = 'condition'): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() - started > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** A device as the agent is: a real socket.io client on /edge, recording what the server sends. */
class Device {
  readonly socket: Socket<EdgeServerToClient, EdgeClientToServer>;
  readonly begins: Parameters<EdgeServerToClient['snapshot:begin']>[0][] = [];
  readonly chunks: EdgeEntry[][] = [];
  readonly ends: number[] = [];
  readonly deltas: (Delta & { receivedAt: number })[] = [];
  disconnectReason: string | undefined;

  constructor(
    readonly pairing: Pairing,
    auth: Record<string, unknown> = { deviceId: pairing.deviceId, secret: pairing.secret },
  ) {
    // forceNew: each device (and staff tab) its own connection, as on separate machines; socket.io
    // would otherwise share one connection per host, with the first one's headers.
    this.socket = io(`${foyer.url}/edge`, { transports: ['websocket'], reconnection: false, forceNew: true, auth });
    open.push(this.socket as Socket);
    this.socket.on('snapshot:begin', (info) => this.begins.push(info));
    this.socket.on('snapshot:chunk', (info) => this.chunks.push(info.entries));
    this.socket.on('snapshot:end', (info) => this.ends.push(info.version));
    this.socket.on('delta', (info) => this.deltas.push({ ...info, receivedAt: Date.now() }));
    this.socket.on('disconnect', (reason) => (this.disconnectReason = reason));
  }

  /** Resolves when connected, or with the refusal's message. */
  connected(): Promise<string | undefined> {
    return new Promise((resolve) => {
      if (this.socket.connected) return resolve(undefined);
      this.socket.once('connect', () => resolve(undefined));
      this.socket.once('connect_error', (error) => resolve(error.message));
    });
  }

  // Generous: these wait for work, not for a latency goal (a loaded CI machine took 7 s once).
  hello(version: number) {
    return this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('hello', { version, agentVersion: 'test' });
  }

  /** Says hello with `version` and, when a snapshot comes, waits for its end. */
  async sync(version = 0) {
    const reply = await this.hello(version);
    if (!reply.upToDate) await until(() => this.ends.includes(reply.version), ACK_TIMEOUT_MS, 'snapshot end');
    return reply;
  }

  send(batch: unknown) {
    return this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('events', batch as EdgeEvent[]);
  }

  entries = () => this.chunks.flat();

  /** The next delta after `since` deltas that mentions `customerId`. */
  deltaFor(customerId: string, since: number, revoking = false) {
    // A delta from a change made just before the device connected may still be on its way; it
    // repeats what the snapshot held. `revoking` waits for the one that empties the customer.
    const matches = (c: { customerId: string; entries: unknown[] }) => c.customerId === customerId && (!revoking || c.entries.length === 0);
    return until(() => this.deltas.slice(since).find((d) => d.customers.some(matches)), 2000, 'delta');
  }
}

async function door(client: Client, name = `Door ${++n}`) {
  const res = await client.post('/api/doors', { name });
  expect(res.status).toBe(201);
  return res.body as EdgeDoor;
}

async function customer(client: Client) {
  const res = await client.post('/api/customers', { firstName: 'Grace', lastName: `Visitor ${++n}` });
  expect(res.status).toBe(201);
  return res.body as { id: string; customerNumber: string };
}

/** A customer with a card and a permission on `doorId`; answers the card's value too. */
async function member(client: Client, doorId: string) {
  const c = await customer(client);
  const value = `0A${String(++n).padStart(8, '0')}`;
  expect((await client.post(`/api/customers/${c.id}/credentials`, { kind: 'rfid', value })).status).toBe(201);
  const permission = await client.post(`/api/customers/${c.id}/door-permissions`, { doorId });
  expect(permission.status).toBe(201);
  return { ...c, value, permissionId: permission.body.id as string };
}

async function createDevice(client: Client, doorIds: string[]) {
  const res = await client.post('/api/edge/devices', { name: `Pi ${++n}`, doorIds });
  expect(res.status).toBe(201);
  return res.body as { device: { id: string; name: string }; pairingCode: string; pairingExpiresAt: string };
}

/** Creates a device on these doors and pairs it as the agent would, without a session. */
async function pairedDevice(client: Client, doorIds: string[]) {
  const { pairingCode, device } = await createDevice(client, doorIds);
  const res = await foyer.client().post('/api/edge/pair', { code: pairingCode });
  expect(res.status).toBe(200);
  return { ...(res.body as Pairing), name: device.name };
}

async function connect(pairing: Pairing) {
  const device = new Device(pairing);
  expect(await device.connected()).toBeUndefined();
  return device;
}

const hashOf = (pairing: Pairing, kind: CredentialKind, value: string) =>
  createHmac('sha256', Buffer.from(pairing.credentialKey, 'base64')).update(normalizeCredential(kind, value)).digest('hex');

const event = (doorId: string, seq: number, extra: Partial<EdgeEvent> = {}): EdgeEvent => ({
  seq,
  at: new Date(Date.UTC(2026, 0, 1, 12, 0, seq)).toISOString(),
  doorId,
  kind: 'access',
  result: 'denied',
  reason: 'unknown_credential',
  credentialHash: null,
  credentialMasked: null,
  customerId: null,
  ...extra,
});

describe('pairing (O1)', () => {
  it('trades a code once for a secret and the organization key, without a session', async () => {
    const d = await door(owner);
    const { pairingCode, device, pairingExpiresAt } = await createDevice(owner, [d.id]);
    expect(pairingCode).toMatch(/^[A-HJ-NP-Z2-9]{8}$/);
    expect(Date.parse(pairingExpiresAt) - Date.now()).toBeGreaterThan(14 * 60_000);
    expect(device).toMatchObject({ paired: false, online: false, doorIds: [d.id] });

    const anonymous = foyer.client();
    const typed = `${pairingCode.slice(0, 4).toLowerCase()}-${pairingCode.slice(4)}`;
    const paired = await anonymous.post('/api/edge/pair', { code: typed });
    expect(paired.status).toBe(200);
    expect(paired.body.deviceId).toBe(device.id);
    expect(paired.body.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(paired.body.credentialKey, 'base64')).toHaveLength(32);

    const again = await anonymous.post('/api/edge/pair', { code: pairingCode });
    expect(again.status).toBe(401);
    const listed = (await owner.get('/api/edge/devices')).body.items.find((x: { id: string }) => x.id === device.id);
    expect(listed).toMatchObject({ paired: true, pairingExpiresAt: null });
    const { rows } = await sql('select secret_hash, pairing_code_hash from edge_devices where id = $1', [device.id]);
    expect(rows[0].secret_hash).not.toContain(paired.body.secret);
    expect(rows[0].pairing_code_hash).toBeNull();
  });

  it('refuses an expired or unknown code exactly as a used one', async () => {
    const { pairingCode, device } = await createDevice(owner, []);
    await sql(`update edge_devices set pairing_expires_at = now() - interval '1 second' where id = $1`, [device.id]);
    const expired = await foyer.client().post('/api/edge/pair', { code: pairingCode });
    const unknown = await foyer.client().post('/api/edge/pair', { code: 'ZZZZ2222' });
    expect(expired.status).toBe(401);
    // Alike but for the id each request has.
    expect(unknown.body).toEqual({ error: { ...expired.body.error, requestId: expect.any(String) } });
    const bad = await foyer.client().post('/api/edge/pair', { code: 'abc' });
    expect(bad.status).toBe(400);
    expect(issueFields(bad.body)).toEqual(['code']);
  });

  it('gives a device set up again a new code; pairing it shuts out the old secret', async () => {
    const first = await pairedDevice(owner, []);
    const old = await connect(first);
    const renewed = await owner.post(`/api/edge/devices/${first.deviceId}/pairing-code`);
    expect(renewed.status).toBe(200);
    const second = (await foyer.client().post('/api/edge/pair', { code: renewed.body.pairingCode })).body as Pairing;
    expect(second.deviceId).toBe(first.deviceId);
    await until(() => old.disconnectReason, 2000, 'old socket closed');
    expect(await new Device(first).connected()).toBe('unauthorized');
    expect(await new Device(second).connected()).toBeUndefined();
  });

  it('lets only owners and managers manage devices, and only their own', async () => {
    const staff = await foyer.signIn({ role: 'staff', orgId: owner.orgId });
    expect((await staff.post('/api/edge/devices', { name: 'Pi' })).status).toBe(403);
    expect((await staff.get('/api/edge/devices')).status).toBe(200);
    const theirs = await createDevice(other, []);
    expect((await owner.patch(`/api/edge/devices/${theirs.device.id}`, { name: 'Mine' })).status).toBe(404);
    expect((await owner.delete(`/api/edge/devices/${theirs.device.id}`)).status).toBe(404);
    expect((await owner.post(`/api/edge/devices/${theirs.device.id}/pairing-code`)).status).toBe(404);
    const theirDoor = await door(other);
    expect((await owner.post('/api/edge/devices', { name: 'Pi', doorIds: [theirDoor.id] })).status).toBe(404);
    const badDoor = await owner.post('/api/edge/devices', { name: 'Pi', doorIds: ['front'] });
    expect(badDoor.status).toBe(400);
    expect(issueFields(badDoor.body)).toEqual(['doorIds.0']);
    expect(issueFields((await owner.post('/api/edge/devices', { name: ' ' })).body)).toEqual(['name']);
  });
});

describe('device sign-in on /edge (O1)', () => {
  it('refuses unknown devices, wrong secrets, missing auth and revoked devices', async () => {
    const pairing = await pairedDevice(owner, []);
    expect(await new Device(pairing, { deviceId: randomUUID(), secret: pairing.secret }).connected()).toBe('unauthorized');
    expect(await new Device(pairing, { deviceId: pairing.deviceId, secret: `${pairing.secret}x` }).connected()).toBe('unauthorized');
    expect(await new Device(pairing, {}).connected()).toBe('unauthorized');
    expect(await new Device(pairing, { deviceId: 'not a uuid', secret: 1 }).connected()).toBe('unauthorized');

    const live = await connect(pairing);
    const listed = async () => (await owner.get('/api/edge/devices')).body.items.find((x: { id: string }) => x.id === pairing.deviceId);
    expect(await listed()).toMatchObject({ online: true });
    // Last seen is written just after the handshake, not before it completes.
    for (let tries = 0; (await listed()).lastSeenAt === null && tries < 50; tries++) await sleep(20);
    expect((await listed()).lastSeenAt).not.toBeNull();
    let toldRevoked = false;
    live.socket.on('revoked', () => (toldRevoked = !live.disconnectReason));
    expect((await owner.delete(`/api/edge/devices/${pairing.deviceId}`)).status).toBe(204);
    expect(await until(() => live.disconnectReason, 2000, 'revoked socket closed')).toBe('io server disconnect');
    // Told before the hang-up, and at every later attempt: only the device with its secret hears it.
    expect(toldRevoked).toBe(true);
    expect(await new Device(pairing).connected()).toBe('device_revoked');
    expect(await new Device(pairing, { deviceId: pairing.deviceId, secret: `${pairing.secret}x` }).connected()).toBe('unauthorized');
    expect((await owner.get('/api/edge/devices')).body.items.map((x: { id: string }) => x.id)).not.toContain(pairing.deviceId);
  });

  it('tells staff of its organization, live, when a device comes online and goes offline', async () => {
    const pairing = await pairedDevice(owner, []);
    const mine = await staffSocket(owner);
    const theirs = await staffSocket(other);
    type Status = { deviceId: string; online: boolean; lastSeenAt: string | null };
    const seen: Status[] = [];
    const leaked: Status[] = [];
    mine.on('device:status', (s: Status) => s.deviceId === pairing.deviceId && seen.push(s));
    theirs.on('device:status', (s: Status) => leaked.push(s));
    const device = await connect(pairing);
    await until(() => seen.length === 1 || undefined, 2000, 'online status');
    expect(seen[0]).toEqual({ deviceId: pairing.deviceId, online: true, lastSeenAt: expect.any(String) });
    device.socket.close();
    await until(() => seen.length === 2 || undefined, 2000, 'offline status');
    expect(seen[1]).toMatchObject({ online: false });
    expect(Date.parse(seen[1]!.lastSeenAt!)).toBeGreaterThanOrEqual(Date.parse(seen[0]!.lastSeenAt!));
    await sleep(100);
    expect(leaked).toEqual([]);
  });

  it('replaces an older connection of the same device with the new one', async () => {
    const pairing = await pairedDevice(owner, []);
    const first = await connect(pairing);
    const second = await connect(pairing);
    expect(await until(() => first.disconnectReason, 2000, 'first closed')).toBe('io server disconnect');
    expect(second.socket.connected).toBe(true);
    const listed = (await owner.get('/api/edge/devices')).body.items.find((x: { id: string }) => x.id === pairing.deviceId);
    expect(listed.online).toBe(true);
  });
});

describe('permission sync (Da2)', () => {
  it("sends a device its own doors only, with the hashes of its doors' live credentials", async () => {
    const front = await door(owner);
    const back = await door(owner);
    const ada = await member(owner, front.id);
    const bob = await member(owner, back.id);
    const theirDoor = await door(other);
    await member(other, theirDoor.id);
    const pairing = await pairedDevice(owner, [front.id]);
    const device = await connect(pairing);

    const reply = await device.sync(0);
    expect(reply.upToDate).toBe(false);
    expect(device.begins[0]!.doors).toEqual([{ id: front.id, name: front.name, pulseMs: 3000, lockType: 'fail_secure', heldOpenAlarmSeconds: 30 }]);
    expect(device.entries()).toEqual([
      { credentialHash: hashOf(pairing, 'rfid', ada.value), customerId: ada.id, doorId: front.id, startsAt: expect.any(String), endsAt: null },
    ]);
    expect(JSON.stringify(device.entries())).not.toContain(bob.id);

    // The same version again: nothing to send.
    const again = await device.hello(reply.version);
    expect(again).toEqual({ upToDate: true, version: reply.version, storedThrough: 0 });
    await sleep(100);
    expect(device.begins).toHaveLength(1);
  });

  it('sends a snapshot of thousands of entries in chunks of 5,000', async () => {
    const d = await door(owner);
    const pairing = await pairedDevice(owner, [d.id]);
    // 5,120 members straight into the tables: the API would take minutes for this many.
    await sql(
      `with c as (
         insert into customers (org_id, first_name, last_name) select $1, 'Bulk', 'Member ' || g from generate_series(1, 5120) g returning id),
       cr as (insert into credentials (org_id, customer_id, kind, hash, masked) select $1, id, 'qr', md5(id::text) || md5(id::text), '••••0000' from c)
       insert into door_permissions (org_id, customer_id, door_id) select $1, id, $2 from c`,
      [owner.orgId, d.id],
    );
    await sql('update organizations set edge_version = edge_version + 1 where id = $1', [owner.orgId]);
    const device = await connect(pairing);
    await device.sync(0);
    expect(device.begins[0]!.total).toBe(5120);
    expect(device.chunks.map((c) => c.length)).toEqual([5000, 120]);
    expect(new Set(device.entries().map((e) => e.customerId)).size).toBe(5120);
  });

  it('pushes a revoked permission to a connected device within a second, and a new one too', async () => {
    const d = await door(owner);
    const ada = await member(owner, d.id);
    const device = await connect(await pairedDevice(owner, [d.id]));
    const { version } = await device.sync(0);

    const started = Date.now();
    expect((await owner.delete(`/api/door-permissions/${ada.permissionId}`)).status).toBe(204);
    const revoked = await device.deltaFor(ada.id, 0, true);
    expect(revoked.receivedAt - started).toBeLessThan(1000);
    expect(revoked.customers).toEqual([{ customerId: ada.id, entries: [] }]);
    expect(revoked.version).toBeGreaterThan(version);

    const since = device.deltas.length;
    await owner.post(`/api/customers/${ada.id}/door-permissions`, { doorId: d.id, endsAt: '2099-01-01T00:00:00.000Z' });
    const granted = await device.deltaFor(ada.id, since);
    expect(granted.customers[0]!.entries).toMatchObject([{ doorId: d.id, endsAt: '2099-01-01T00:00:00.000Z' }]);

    // A credential revoked reaches it as well.
    const cardId = (await owner.get(`/api/customers/${ada.id}/credentials`)).body.items[0].id;
    const before = device.deltas.length;
    await owner.delete(`/api/credentials/${cardId}`);
    expect((await device.deltaFor(ada.id, before, true)).customers).toEqual([{ customerId: ada.id, entries: [] }]);
  });

  it("takes a banned, erased or deleted customer's entries off the device, and gives them back on unban", async () => {
    const d = await door(owner);
    const ada = await member(owner, d.id);
    const bob = await member(owner, d.id);
    const cy = await member(owner, d.id);
    const device = await connect(await pairedDevice(owner, [d.id]));
    await device.sync(0);
    expect(device.entries()).toHaveLength(3);

    let since = device.deltas.length;
    expect((await owner.patch(`/api/customers/${ada.id}`, { status: 'banned' })).status).toBe(200);
    // Banned: her card stays on the device, flagged and for no door, so that a tap is denied as `banned`.
    const banned = await until(
      () =>
        device.deltas.slice(since).find((d) => d.customers.some((c) => c.customerId === ada.id && c.entries.length > 0 && c.entries.every((e) => e.banned))),
      2000,
      'the banned delta',
    );
    expect(banned.customers).toEqual([
      { customerId: ada.id, entries: [expect.objectContaining({ doorId: '', banned: true, credentialHash: expect.any(String) })] },
    ]);
    since = device.deltas.length;
    await owner.patch(`/api/customers/${ada.id}`, { status: 'active' });
    expect((await device.deltaFor(ada.id, since)).customers[0]!.entries).toHaveLength(1);

    since = device.deltas.length;
    await owner.post(`/api/customers/${bob.id}/erase`);
    expect((await device.deltaFor(bob.id, since, true)).customers).toEqual([{ customerId: bob.id, entries: [] }]);
    since = device.deltas.length;
    await owner.delete(`/api/customers/${cy.id}`);
    expect((await device.deltaFor(cy.id, since, true)).customers).toEqual([{ customerId: cy.id, entries: [] }]);

    // A device that was away gets a snapshot without them.
    const later = await connect(await pairedDevice(owner, [d.id]));
    await later.sync(0);
    expect(later.entries().map((e) => [e.customerId, e.banned ?? false])).toEqual([[ada.id, false]]);
  });

  it("moves a merged customer's entries to the one kept, on the device too (D2)", async () => {
    const d = await door(owner);
    const ada = await member(owner, d.id);
    const bob = await customer(owner);
    const pairing = await pairedDevice(owner, [d.id]);
    const device = await connect(pairing);
    await device.sync(0);
    expect(device.entries().map((e) => e.customerId)).toEqual([ada.id]);

    const since = device.deltas.length;
    const { customers } = createServices(foyer.database.db);
    await customers.merge({ orgId: owner.orgId, userId: null, defaultCountry: 'GB' }, ada.id, bob.id);
    expect((await device.deltaFor(ada.id, since, true)).customers).toContainEqual({ customerId: ada.id, entries: [] });
    const kept = (await device.deltaFor(bob.id, since)).customers.find((c) => c.customerId === bob.id)!;
    expect(kept.entries).toMatchObject([{ doorId: d.id, credentialHash: hashOf(pairing, 'rfid', ada.value) }]);
  });

  it("pushes door settings and a device's new doors, and tells other devices only their new version", async () => {
    const front = await door(owner);
    const back = await door(owner);
    const ada = await member(owner, back.id);
    const pairing = await pairedDevice(owner, [front.id]);
    const device = await connect(pairing);
    const bystander = await connect(await pairedDevice(owner, []));
    await device.sync(0);
    await bystander.sync(0);

    await owner.patch(`/api/doors/${front.id}`, { pulseMs: 7000 });
    const settings = await until(() => device.deltas.find((d) => d.doors?.[0]?.pulseMs === 7000), 2000, 'door delta');
    expect(settings.customers).toEqual([]);

    const since = device.deltas.length;
    expect((await owner.patch(`/api/edge/devices/${pairing.deviceId}`, { doorIds: [front.id, back.id] })).status).toBe(200);
    const moved = await device.deltaFor(ada.id, since);
    expect(moved.doors?.map((d) => d.id).sort()).toEqual([front.id, back.id].sort());
    expect(moved.customers[0]!.entries).toMatchObject([{ doorId: back.id }]);

    await until(() => bystander.deltas.length >= 2 && bystander.deltas, 2000, 'bystander versions');
    expect(bystander.deltas.every((d) => d.customers.length === 0 && !d.doors)).toBe(true);
    expect(bystander.deltas.at(-1)!.version).toBe(moved.version);

    // Deleting the door takes it and its entries away.
    const before = device.deltas.length;
    await owner.delete(`/api/doors/${back.id}`);
    const gone = await device.deltaFor(ada.id, before, true);
    expect(gone.customers).toEqual([{ customerId: ada.id, entries: [] }]);
    expect(gone.doors?.map((d) => d.id)).toEqual([front.id]);
  });
});

describe('door events (Da2)', () => {
  it('stores each (device, seq) once under replay, acknowledging the highest seq without a gap', async () => {
    const d = await door(owner);
    const pairing = await pairedDevice(owner, [d.id]);
    const device = await connect(pairing);
    const batch = [1, 2, 3].map((s) => event(d.id, s));
    expect(await device.send(batch)).toEqual({ storedThrough: 3 });
    expect(await device.send(batch)).toEqual({ storedThrough: 3 });
    expect(await device.send([event(d.id, 5), event(d.id, 6)])).toEqual({ storedThrough: 3 });
    expect(await device.send([event(d.id, 4), event(d.id, 5)])).toEqual({ storedThrough: 6 });
    expect(await device.send([])).toEqual({ storedThrough: 6 });
    const { rows } = await sql('select seq from door_events where device_id = $1 order by seq', [pairing.deviceId]);
    expect(rows.map((r) => Number(r.seq))).toEqual([1, 2, 3, 4, 5, 6]);

    // A replay after a reconnect counts nothing twice either.
    device.socket.close();
    const back = await connect(pairing);
    expect(await back.send([1, 2, 3, 4, 5, 6, 7].map((s) => event(d.id, s)))).toEqual({ storedThrough: 7 });
    expect((await sql('select count(*)::int as n from door_events where device_id = $1', [pairing.deviceId])).rows[0].n).toBe(7);
  });

  it('says in the hello answer which seqs it holds, so that a device set up again continues after them', async () => {
    const d = await door(owner);
    const pairing = await pairedDevice(owner, [d.id]);
    const device = await connect(pairing);
    expect(await device.hello(0)).toMatchObject({ storedThrough: 0 });
    expect(await device.send([1, 2, 3, 5].map((seq) => event(d.id, seq)))).toEqual({ storedThrough: 3 });
    // Gaps are not counted over: seq 5 is stored, 4 is missing.
    expect(await device.hello(0)).toMatchObject({ storedThrough: 3 });
  });

  it('refuses a reason outside the vocabulary as malformed, and moves past it', async () => {
    const d = await door(owner);
    const device = await connect(await pairedDevice(owner, [d.id]));
    expect(await device.send([event(d.id, 1, { reason: 'because' as EdgeEvent['reason'] }), event(d.id, 2, { reason: 'cache_stale' })])).toEqual({
      storedThrough: 2,
    });
    const stored = await sql('select seq, reason from door_events where device_id = $1 order by seq', [device.pairing.deviceId]);
    expect(stored.rows.map((r) => [Number(r.seq), r.reason])).toEqual([[2, 'cache_stale']]);
  });

  it('drops malformed, foreign and oversized input, moves past it and keeps the connection', async () => {
    const d = await door(owner);
    const elsewhere = await door(owner);
    const theirs = await customer(other);
    const device = await connect(await pairedDevice(owner, [d.id]));
    const reply = await device.send([
      event(d.id, 1),
      { ...event(d.id, 2), result: 'exploded' },
      event(elsewhere.id, 3),
      event(d.id, 4, { result: 'granted', customerId: theirs.id }),
      { seq: 'five' },
      event(d.id, 5, { at: 'yesterday' }),
      event(d.id, 6),
    ]);
    expect(reply).toEqual({ storedThrough: 6 });
    expect(await device.send({ not: 'a list' })).toMatchObject({ error: expect.any(String) });
    expect(await device.send(Array.from({ length: 1001 }, (_, i) => event(d.id, 100 + i)))).toMatchObject({ error: expect.any(String) });
    // A refused seq stays refused: a valid event sent later under it changes nothing.
    expect(await device.send([event(d.id, 2), event(d.id, 7)])).toEqual({ storedThrough: 7 });
    const stored = await sql('select seq from door_events where device_id = $1 order by seq', [device.pairing.deviceId]);
    expect(stored.rows.map((r) => Number(r.seq))).toEqual([1, 6, 7]);
    expect(device.socket.connected).toBe(true);
  });

  it('quarantines one bad event with its reason, stores the good ones around it, and shows the quarantine on the device', async () => {
    const d = await door(owner);
    const ada = await member(owner, d.id);
    const pairing = await pairedDevice(owner, [d.id]);
    const device = await connect(pairing);
    const reply = await device.send([
      event(d.id, 1),
      event(d.id, 2, { credentialMasked: '••••\u0000AB', customerId: ada.id }),
      event(d.id, 3, { at: '0000-06-01T00:00:00.000Z' }),
      event(d.id, 4, { at: '+275760-09-13T00:00:00.000Z' }),
      event(d.id, 5, { reason: 'valid_permission', result: 'granted', customerId: ada.id }),
    ]);
    // Acknowledged past the bad ones: the agent's journal moves on and never resends them.
    expect(reply).toEqual({ storedThrough: 5 });
    const stored = await sql('select seq from door_events where device_id = $1 order by seq', [pairing.deviceId]);
    expect(stored.rows.map((r) => Number(r.seq))).toEqual([1, 5]);

    const quarantine = await owner.get(`/api/edge/devices/${pairing.deviceId}/quarantine`);
    expect(quarantine.status).toBe(200);
    const bySeq = Object.fromEntries(quarantine.body.items.map((q: { seq: number }) => [q.seq, q]));
    expect(Object.keys(bySeq)).toEqual(['2', '3', '4']);
    expect(bySeq[2]).toMatchObject({ reason: 'malformed: credentialMasked', event: { credentialMasked: '••••\uFFFDAB', customerId: ada.id } });
    expect(bySeq[3].reason).toContain('0001–9999');
    expect(bySeq[4].reason).toContain('0001–9999');
    // Another organization sees no such device.
    expect((await other.get(`/api/edge/devices/${pairing.deviceId}/quarantine`)).status).toBe(404);

    // The quarantined copy names the customer: erasing them takes their id and card out of it.
    expect((await owner.post(`/api/customers/${ada.id}/erase`)).status).toBe(200);
    const after = await owner.get(`/api/edge/devices/${pairing.deviceId}/quarantine`);
    const erased = after.body.items.find((q: { seq: number }) => q.seq === 2);
    expect(erased.event).not.toHaveProperty('customerId');
    expect(erased.event).not.toHaveProperty('credentialMasked');
  });

  it("puts a granted visit on the customer's timeline and on the staff sockets of its organization only", async () => {
    const d = await door(owner, 'Spa door');
    const ada = await member(owner, d.id);
    const pairing = await pairedDevice(owner, [d.id]);
    const device = await connect(pairing);
    const mine = await staffSocket(owner);
    const theirs = await staffSocket(other);
    const seen: DoorLogEntry[] = [];
    const leaked: DoorLogEntry[] = [];
    mine.on('door:event', (e: DoorLogEntry) => seen.push(e));
    theirs.on('door:event', (e: DoorLogEntry) => leaked.push(e));

    const at = '2026-03-01T09:30:00.000Z';
    const granted = event(d.id, 1, {
      at,
      result: 'granted',
      reason: 'valid_permission',
      customerId: ada.id,
      credentialHash: hashOf(pairing, 'rfid', ada.value),
      credentialMasked: `••••${ada.value.slice(-4)}`,
    });
    expect(
      await device.send([granted, event(d.id, 2, { at: '2026-03-01T09:31:00.000Z', kind: 'door', result: 'held_open', reason: 'held_open_too_long' })]),
    ).toEqual({ storedThrough: 2 });

    await until(() => seen.length === 2 || undefined, 2000, 'door:event');
    expect(seen[0]).toMatchObject({
      at,
      deviceId: pairing.deviceId,
      deviceName: pairing.name,
      doorId: d.id,
      doorName: 'Spa door',
      kind: 'access',
      result: 'granted',
      credentialMasked: granted.credentialMasked,
      customer: { id: ada.id, customerNumber: ada.customerNumber, name: expect.stringContaining('Grace') },
    });
    expect(seen[1]).toMatchObject({ kind: 'door', result: 'held_open', customer: null });
    await sleep(200);
    expect(leaked).toEqual([]);

    await foyer.outbox.settle();
    const visits = (await owner.get(`/api/customers/${ada.customerNumber}/activities`)).body.items.filter((e: { category: string }) => e.category === 'visit');
    expect(visits).toEqual([
      {
        id: expect.any(Number),
        category: 'visit',
        type: 'door_entry',
        source: 'edge',
        occurredAt: at,
        actor: null,
        door: { id: d.id, name: 'Spa door' },
        device: { id: pairing.deviceId, name: pairing.name },
        doorEventId: seen[0]!.id,
      },
    ]);
    // Replayed, the visit is not counted again.
    await device.send([granted]);
    await foyer.outbox.settle();
    expect((await owner.get(`/api/customers/${ada.id}/activities`)).body.items.filter((e: { category: string }) => e.category === 'visit')).toHaveLength(1);
    const lastActive = (await owner.get(`/api/customers/${ada.id}`)).body.lastActiveAt;
    expect(lastActive).toBe(at);

    const log = (await owner.get('/api/door-events')).body.items as DoorLogEntry[];
    expect(log.filter((e) => e.deviceId === pairing.deviceId).map((e) => e.result)).toEqual(['held_open', 'granted']);
    expect((await other.get('/api/door-events')).body.items.map((e: DoorLogEntry) => e.deviceId)).not.toContain(pairing.deviceId);
  });
});

function staffSocket(client: Client): Promise<Socket> {
  const socket = io(`${foyer.url}/staff`, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { cookie: client.cookie! } });
  open.push(socket);
  return new Promise((resolve, reject) => {
    socket.on('welcome', () => resolve(socket));
    socket.on('connect_error', reject);
  });
}

describe('pairing limits', () => {
  // Last: it uses up this address's failures for the rest of the file.
  it('makes an address wait after twenty wrong codes', async () => {
    const anonymous = foyer.client();
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await anonymous.post('/api/edge/pair', { code: `WRONG${String(i).padStart(3, 'A')}` })).status);
    // Earlier tests of this file failed a few times from this address too.
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(20);
    expect(statuses.at(-1)).toBe(429);
    const last = await anonymous.post('/api/edge/pair', { code: 'WRONGXYZ' });
    expect(last.status).toBe(429);
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
