import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import type { EdgeClientToServer, EdgeServerToClient } from '@foyer/schema/realtime';
import type { EdgeEntry } from '@foyer/schema/validation';
import { connect, type Database } from '@foyer/server/platform/db/connect.ts';
import { ApiClient } from '../support/client.ts';
import { createTestDatabase } from '../support/db.ts';
import { OWNER } from '../support/foyer.ts';
import { createProbeTable } from '../support/platform-probe.ts';
import { kill9, spawnFoyer, type FoyerProcess } from '../support/process.ts';
import { dropRedisPrefix, redisReachable, REDIS_URL } from '../support/redis.ts';
import { sleep, until, waitFor } from '../support/sockets.ts';

/**
 * Da2 across server processes: a change made through one node reaches the devices connected to
 * every node (the outbox's NOTIFY, edge/index.ts's subscribers), and an edge change committed just
 * before its node is killed reaches the devices after a restart, acted on once. Real server
 * processes (src/main.ts, or test/support/platform-probe-main.ts where a subscriber must hang) on
 * one PostgreSQL database.
 */
const PROBE_ENTRY = '../test/support/platform-probe-main.ts';
const processes: FoyerProcess[] = [];
const sockets: Socket[] = [];
let database: Database | undefined;

afterAll(async () => {
  for (const s of sockets) s.close();
  await Promise.all(processes.map((p) => kill9(p)));
  await database?.close();
});

async function start(databaseUrl: string, env: Record<string, string> = {}, entry?: string) {
  const p = await spawnFoyer({ DATABASE_URL: databaseUrl, ...env }, entry);
  processes.push(p);
  return p;
}
const query = async <T extends object>(text: string, params: unknown[] = []) => (await database!.pool.query<T>(text, params)).rows;
const edgeVersion = async (orgId: string) => (await query<{ v: number }>('select edge_version::int as v from organizations where id = $1', [orgId]))[0]!.v;

type Pairing = { deviceId: string; secret: string };
type Delta = Parameters<EdgeServerToClient['delta']>[0];

/** What a device holds for a banned customer: their credentials flagged banned, for no door, so the agent denies them saying so. */
const heldAsBanned = (holds: Map<string, EdgeEntry[]>, customerId: string) => {
  const entries = holds.get(customerId);
  return !!entries?.length && entries.every((e) => e.banned === true && e.doorId === '');
};

/** A device as the agent is: holds what the snapshot and the deltas said, by customer, at a version. */
class Device {
  readonly socket: Socket<EdgeServerToClient, EdgeClientToServer>;
  version = 0;
  holds = new Map<string, EdgeEntry[]>();
  readonly deltas: (Delta & { receivedAt: number })[] = [];
  snapshots = 0;
  toldRevoked = false;
  disconnectReason: string | undefined;
  disconnectedAt: number | undefined;
  private incoming: EdgeEntry[] = [];

  constructor(
    url: string,
    readonly pairing: Pairing,
  ) {
    this.socket = io(`${url}/edge`, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      auth: { deviceId: pairing.deviceId, secret: pairing.secret },
    });
    sockets.push(this.socket as Socket);
    this.socket.on('snapshot:begin', () => (this.incoming = []));
    this.socket.on('snapshot:chunk', ({ entries }) => this.incoming.push(...entries));
    this.socket.on('snapshot:end', ({ version }) => {
      this.holds = new Map();
      for (const e of this.incoming) this.holds.set(e.customerId, [...(this.holds.get(e.customerId) ?? []), e]);
      this.version = version;
      this.snapshots++;
    });
    this.socket.on('delta', (delta) => {
      for (const c of delta.customers) {
        if (c.entries.length) this.holds.set(c.customerId, c.entries);
        else this.holds.delete(c.customerId);
      }
      this.version = Math.max(this.version, delta.version);
      this.deltas.push({ ...delta, receivedAt: Date.now() });
    });
    this.socket.on('revoked', () => (this.toldRevoked = !this.disconnectReason));
    this.socket.on('disconnect', (reason) => {
      this.disconnectReason = reason;
      this.disconnectedAt = Date.now();
    });
  }

  connected(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.socket.connected) return resolve();
      this.socket.once('connect', () => resolve());
      this.socket.once('connect_error', reject);
    });
  }

  /** Says hello with the version it holds (as the agent does on every connection) and waits until it is in sync. */
  async sync() {
    await this.connected();
    const reply = await this.socket.timeout(20_000).emitWithAck('hello', { version: this.version, agentVersion: 'test' });
    if (!reply.upToDate) await waitFor(() => this.version === reply.version, 20_000, 'snapshot');
    return reply;
  }
}

/** The demo owner on `node`, with their organization's id. */
async function ownerOn(node: FoyerProcess) {
  const client = new ApiClient(node.url);
  await client.login(OWNER.email, OWNER.password);
  const orgId: string = (await client.get('/api/auth/me')).body.organization.id;
  return Object.assign(client, { orgId });
}

/** A door, a member with a card and a permission on it, and `devices` devices on it, paired. */
async function venue(owner: ApiClient, devices: number) {
  const tag = randomBytes(3).toString('hex');
  const door = (await owner.post('/api/doors', { name: `Door ${tag}` })).body as { id: string };
  const member = (await owner.post('/api/customers', { firstName: 'Ada', lastName: `Member ${tag}` })).body as { id: string };
  expect((await owner.post(`/api/customers/${member.id}/credentials`, { kind: 'rfid', value: `0A${tag}00` })).status).toBe(201);
  const permission = await owner.post(`/api/customers/${member.id}/door-permissions`, { doorId: door.id });
  expect(permission.status).toBe(201);
  const pairings: Pairing[] = [];
  for (let i = 0; i < devices; i++) {
    const created = await owner.post('/api/edge/devices', { name: `Pi ${tag} ${i}`, doorIds: [door.id] });
    expect(created.status).toBe(201);
    const paired = await new ApiClient(owner.baseUrl).post('/api/edge/pair', { code: created.body.pairingCode });
    expect(paired.status).toBe(200);
    pairings.push(paired.body as Pairing);
  }
  return { doorId: door.id, customerId: member.id, permissionId: permission.body.id as string, pairings };
}

/** The API's 32-hex customer id as events carry it (a uuid). */
const uuidOf = (systemId: string) => systemId.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!;

const noRedis = await redisReachable();

describe('two server nodes', () => {
  // As the README runs several nodes: one PostgreSQL and one Redis. The edge path needs only
  // PostgreSQL (the outbox's NOTIFY), so without Redis this runs all the same.
  const prefix = `foyer-test-${randomBytes(4).toString('hex')}:`;
  const env: Record<string, string> = noRedis ? {} : { REDIS_URL, REDIS_PREFIX: prefix };
  let nodeA: FoyerProcess;
  let nodeB: FoyerProcess;

  beforeAll(async () => {
    if (noRedis) console.warn(`edge-nodes: running the two nodes without Redis: ${noRedis}`);
    const databaseUrl = await createTestDatabase();
    database = connect(databaseUrl, 4);
    nodeA = await start(databaseUrl, env);
    nodeB = await start(databaseUrl, env);
  }, 120_000);
  afterAll(async () => {
    if (!noRedis) await dropRedisPrefix(prefix);
  });

  it('a door permission revoked through node A reaches a device connected to node B within a second', async () => {
    const owner = await ownerOn(nodeA);
    const { doorId, customerId, permissionId, pairings } = await venue(owner, 1);
    const device = new Device(nodeB.url, pairings[0]!);
    await device.sync();
    expect(device.holds.get(customerId)).toHaveLength(1);

    const latencies: number[] = [];
    let permission = permissionId;
    for (let round = 0; round < 10; round++) {
      const since = device.deltas.length;
      const startedAt = Date.now();
      expect((await owner.delete(`/api/door-permissions/${permission}`)).status).toBe(204);
      const revoked = await waitFor(
        () => device.deltas.slice(since).find((d) => d.customers.some((c) => c.customerId === customerId && c.entries.length === 0)),
        2000,
        `round ${round}: the revocation on node B`,
      );
      latencies.push(revoked.receivedAt - startedAt);
      expect(device.holds.has(customerId)).toBe(false);
      expect(device.version).toBe(await edgeVersion(owner.orgId));
      // Granted again through node A: node B's device gets that too.
      const granted = await owner.post(`/api/customers/${customerId}/door-permissions`, { doorId });
      expect(granted.status).toBe(201);
      permission = granted.body.id;
      await waitFor(() => device.holds.get(customerId)?.length === 1, 2000, `round ${round}: the grant on node B`);
    }
    console.log(
      `door permission revoked through node A → delta on a device on node B (from the DELETE request): p50 ${percentile(latencies, 0.5)} ms, max ${Math.max(...latencies)} ms (${latencies.join(', ')})`,
    );
    expect(Math.max(...latencies)).toBeLessThan(1000);

    // A ban goes the long way: customer.changed, the edge's durable subscriber (on either node), edge.changed.
    const since = device.deltas.length;
    const bannedAt = Date.now();
    expect((await owner.patch(`/api/customers/${customerId}`, { status: 'banned' })).status).toBe(200);
    const banned = await waitFor(() => device.deltas.slice(since).find((d) => d.customers.some((c) => c.customerId === customerId)), 2000, 'the ban on node B');
    console.log(`customer banned through node A → delta on a device on node B: ${banned.receivedAt - bannedAt} ms`);
    expect(banned.receivedAt - bannedAt).toBeLessThan(1000);
    expect(heldAsBanned(device.holds, customerId)).toBe(true);
  }, 60_000);

  it('a device revoked through node A is told and disconnected on node B; a device paired anew through node A loses its old connection on node B', async () => {
    const owner = await ownerOn(nodeA);
    const { pairings } = await venue(owner, 2);
    const [revokedPairing, repairedPairing] = pairings as [Pairing, Pairing];

    const device = new Device(nodeB.url, revokedPairing);
    await device.sync();
    const startedAt = Date.now();
    expect((await owner.delete(`/api/edge/devices/${revokedPairing.deviceId}`)).status).toBe(204);
    expect(await waitFor(() => device.disconnectReason, 2000, 'the revoked device disconnected on node B')).toBe('io server disconnect');
    console.log(`device revoked through node A → disconnected on node B: ${device.disconnectedAt! - startedAt} ms`);
    expect(device.toldRevoked).toBe(true);
    await expect(new Device(nodeB.url, revokedPairing).connected()).rejects.toThrow('device_revoked');

    const old = new Device(nodeB.url, repairedPairing);
    await old.sync();
    const renewed = await owner.post(`/api/edge/devices/${repairedPairing.deviceId}/pairing-code`);
    expect(renewed.status).toBe(200);
    const paired = await new ApiClient(nodeA.url).post('/api/edge/pair', { code: renewed.body.pairingCode });
    expect(paired.status).toBe(200);
    // The agent is back at once with its new secret, maybe before node B heard of the pairing:
    // only the old connection goes.
    const again = new Device(nodeB.url, paired.body as Pairing);
    await again.sync();
    expect(await waitFor(() => old.disconnectReason, 2000, 'the old connection closed on node B')).toBe('io server disconnect');
    expect(old.toldRevoked).toBe(false);
    await expect(new Device(nodeB.url, repairedPairing).connected()).rejects.toThrow('unauthorized');
    await sleep(200);
    expect(again.disconnectReason).toBeUndefined();
  }, 60_000);
});

describe('kill -9 between the commit of a door-access change and its delivery', () => {
  it('after a restart the devices get the change: a device on another node by delta, a reconnecting one by version; the edge acted on it once', async () => {
    for (const p of processes) await kill9(p);
    await database?.close();
    const databaseUrl = await createTestDatabase();
    database = connect(databaseUrl, 4);
    await createProbeTable(database.db);
    // Both nodes' durable subscriber probe.blocking hangs on each event it gets (after the edge's
    // subscriber and the other probes committed): four probe events hold all four claiming loops
    // (two per node, the Outbox's default), so the ban below commits and waits for a dispatcher,
    // as an event does when its node dies before getting to it.
    const p1 = await start(databaseUrl, { PROBE_NODE: 'P1', PROBE_BLOCK: '1' }, PROBE_ENTRY);
    const p2 = await start(databaseUrl, { PROBE_NODE: 'P2', PROBE_BLOCK: '1' }, PROBE_ENTRY);
    const owner = await ownerOn(p1);
    const { customerId, pairings } = await venue(owner, 2);
    const onP1 = new Device(p1.url, pairings[0]!);
    const onP2 = new Device(p2.url, pairings[1]!);
    await onP1.sync();
    await onP2.sync();
    const heldByP1: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [id] = (await owner.post('/api/probe/events', { count: 1 })).body.ids as number[];
      const holder = await until(async () => [p1, p2].find((p) => p.output().includes(`probe: blocking on event ${id}\n`)), 10_000, `loop ${i + 1} of 4 held`);
      if (holder === p1) heldByP1.push(id!);
    }
    expect(heldByP1).toHaveLength(2);
    // The edge's subscriber acted on the probe events before they hung: let those deltas land.
    await until(async () => onP2.version === (await edgeVersion(owner.orgId)) || undefined, 5000, 'the probe events’ versions');
    const versionBefore = await edgeVersion(owner.orgId);
    expect(onP1.holds.get(customerId)).toHaveLength(1);
    expect(onP2.holds.get(customerId)).toHaveLength(1);

    // The ban commits with its customer.changed; nothing can deliver it.
    expect((await owner.patch(`/api/customers/${customerId}`, { status: 'banned' })).status).toBe(200);
    const [ban] = await query<{ id: string }>(
      `select id from outbox_events where name = 'customer.changed' and payload->>'customerId' = $1 order by id desc limit 1`,
      [uuidOf(customerId)],
    );
    const banId = Number(ban!.id);
    await sleep(300);
    expect(await edgeVersion(owner.orgId)).toBe(versionBefore);
    expect(onP2.holds.get(customerId)).toHaveLength(1);
    expect((await query<{ pending: boolean }>('select dispatched_at is null as pending from outbox_events where id = $1', [banId]))[0]!.pending).toBe(true);

    await kill9(p1);
    await waitFor(() => onP1.disconnectReason, 5000, 'the device on P1 cut off');
    expect(onP2.holds.get(customerId)).toHaveLength(1);

    // A node comes back (P1 restarted, as P3); it delivers the ban, and P2 pushes it to its device.
    const restartedAt = Date.now();
    const p3 = await start(databaseUrl, { PROBE_NODE: 'P3' }, PROBE_ENTRY);
    await waitFor(() => heldAsBanned(onP2.holds, customerId) || undefined, 20_000, 'the ban on the device on P2');
    const delta = onP2.deltas.find((d) => d.customers.some((c) => c.customerId === customerId && c.entries.every((e) => e.banned)))!;
    console.log(`kill -9: the device on the other node got the ban ${delta.receivedAt - restartedAt} ms after the restart began`);
    expect(onP2.version).toBe(versionBefore + 1);

    // The device that was on the killed node reconnects (to the restarted one) with the version it holds.
    const back = new Device(p3.url, onP1.pairing);
    back.version = onP1.version;
    back.holds = onP1.holds;
    await back.sync();
    await waitFor(() => (back.version === versionBefore + 1 && heldAsBanned(back.holds, customerId)) || undefined, 5000, 'the reconnected device up to date');

    // Once: one version for the ban, one edge.changed naming the customer after it, and each
    // durable subscriber marked and acted once; the probe events P1 held were delivered again on
    // P3 without the edge's subscriber acting on them again.
    const dispatched = [banId, ...heldByP1];
    await until(
      async () =>
        (
          await query<{ n: number }>('select count(*)::int as n from outbox_events where id = any($1::bigint[]) and dispatched_at is not null', [dispatched])
        )[0]!.n === 3,
      10_000,
      'the ban and the events P1 held dispatched',
    );
    expect(await edgeVersion(owner.orgId)).toBe(versionBefore + 1);
    const changed = await query<{ payload: unknown }>(`select payload from outbox_events where name = 'edge.changed' and id > $1`, [banId]);
    expect(changed).toEqual([{ payload: { version: versionBefore + 1, customerIds: [uuidOf(customerId)] } }]);
    const marks = await query<{ subscriber: string }>('select subscriber from outbox_deliveries where event_id = $1 order by subscriber', [banId]);
    expect(marks.map((m) => m.subscriber)).toEqual(['edge.customer-changed', 'probe.blocking', 'probe.first', 'probe.flaky', 'probe.outside']);
    const effects = await query<{ source: string; node: string }>(
      "select source, node from probe_effects where key = $1 and source like 'probe.%' order by source",
      [String(banId)],
    );
    expect(effects).toEqual(['probe.blocking', 'probe.first', 'probe.flaky'].map((source) => ({ source, node: 'P3' })));
    for (const id of heldByP1) {
      const again = await query<{ source: string; node: string }>(
        "select source, node from probe_effects where key = $1 and source like 'probe.%' order by source",
        [String(id)],
      );
      expect(again).toEqual([
        { source: 'probe.blocking', node: 'P3' },
        { source: 'probe.first', node: 'P1' },
        { source: 'probe.flaky', node: 'P1' },
      ]);
      const marked = await query<{ subscriber: string }>('select subscriber from outbox_deliveries where event_id = $1 order by subscriber', [id]);
      expect(marked.map((m) => m.subscriber)).toEqual(['edge.customer-changed', 'probe.blocking', 'probe.first', 'probe.flaky', 'probe.outside']);
    }
  }, 180_000);
});
