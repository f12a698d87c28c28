import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { io as ioClient } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Database } from '@foyer/server/platform/db/connect.ts';
import { LEASE_TTL_MS, OFFLINE_GRACE_MS, SWEEP_MS } from '@foyer/server/domains/presence/store.ts';
import { issueFlowToken } from '@foyer/server/domains/bookings/flow-tokens.ts';
import { ApiClient } from '../support/client.ts';
import { createTestDatabase } from '../support/db.ts';
import { OWNER } from '../support/foyer.ts';
import { spawnFoyer, type FoyerProcess } from '../support/process.ts';
import { dropRedisPrefix, redisReachable, REDIS_URL } from '../support/redis.ts';
import { connectFlow, connectStaff, identify, record, recordPresence, waitFor, type StaffClient } from '../support/sockets.ts';

/**
 * C7 across processes: a node killed with `kill -9` leaves no customer online, and with Redis
 * two nodes behave as one. Real server processes (`src/main.ts`), one PostgreSQL database.
 */
const processes: FoyerProcess[] = [];
const sockets: { close(): unknown }[] = [];
let databaseUrl: string;
let database: Database;

beforeAll(async () => {
  databaseUrl = await createTestDatabase();
  database = connect(databaseUrl);
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await Promise.all(processes.map((p) => p.stop()));
  await database?.close();
});

async function start(env: Record<string, string> = {}) {
  const node = await spawnFoyer({ DATABASE_URL: databaseUrl, ...env });
  processes.push(node);
  return node;
}

/** The demo owner signed in on `node`, a new customer, and a flow token for them. */
async function customerOn(node: FoyerProcess) {
  const owner = new ApiClient(node.url);
  await owner.login(OWNER.email, OWNER.password);
  const me = await owner.get('/api/auth/me');
  const created = await owner.post('/api/customers', { firstName: 'Kill', lastName: `Nine ${randomBytes(3).toString('hex')}` });
  expect(created.status).toBe(201);
  const customerId: string = created.body.id;
  return { owner, customerId, token: await issueFlowToken(database.db, me.body.organization.id, customerId) };
}

async function staffOn(node: FoyerProcess, cookie: string | undefined): Promise<StaffClient> {
  const socket = await connectStaff(node.url, cookie);
  sockets.push(socket);
  return socket;
}

async function flowOn(node: FoyerProcess) {
  const socket = await connectFlow(node.url);
  sockets.push(socket);
  return socket;
}

describe('one node, no Redis', () => {
  it('a node killed with kill -9 comes back with nobody online', async () => {
    const a = await start();
    const { owner, customerId, token } = await customerOn(a);
    const watcher = await staffOn(a, owner.cookie);
    const changes = recordPresence(watcher);
    const flow = await flowOn(a);
    expect(await identify(flow, token)).toEqual({ ok: true });
    await waitFor(() => changes.values().some((c) => c.customerId === customerId && c.online), 1000, 'online');

    a.child.kill('SIGKILL');
    await new Promise((r) => a.child.once('exit', r));
    const restarted = await start();
    // The staff page reconnects to the restarted node and is told who is online: nobody.
    const again = await staffOn(restarted, owner.cookie);
    expect((await again.firstOnline).customerIds).toEqual([]);
  }, 90_000);
});

const noRedis = await redisReachable();
if (noRedis) console.warn(`presence-nodes: skipping the two-node tests: ${noRedis}`);

describe.skipIf(!!noRedis)('two nodes sharing PostgreSQL and Redis', () => {
  // A prefix of this run's own: tests (and people) can share the Redis server.
  const prefix = `foyer-test-${randomBytes(4).toString('hex')}:`;
  const env = { REDIS_URL, REDIS_PREFIX: prefix };
  let nodeA: FoyerProcess;
  let nodeB: FoyerProcess;

  beforeAll(async () => {
    // One after the other: the first migrates and creates the demo organization.
    nodeA = await start(env);
    nodeB = await start(env);
  }, 120_000);
  afterAll(() => dropRedisPrefix(prefix));

  it('a customer in a flow on node A is online for staff on node B, and colleagues see each other across nodes', async () => {
    const { owner, customerId, token } = await customerOn(nodeA);
    const onB = await staffOn(nodeB, owner.cookie);
    const changes = recordPresence(onB);
    const flow = await flowOn(nodeA);
    const sent = Date.now();
    expect(await identify(flow, token)).toEqual({ ok: true });
    const online = await waitFor(() => changes.items.find((c) => c.value.customerId === customerId && c.value.online), 1000, 'online on B');
    expect(online.at - sent).toBeLessThan(1000);
    // A staff socket that connects to B later is told too (the online set lives in Redis).
    expect((await (await staffOn(nodeB, owner.cookie)).firstOnline).customerIds).toContain(customerId);

    // Staff presence: one on each node with the same profile open.
    const onA = await staffOn(nodeA, owner.cookie);
    const viewersOnA = record<{ viewers: unknown[] }>(onA, 'profile:viewers');
    const viewersOnB = record<{ viewers: unknown[] }>(onB, 'profile:viewers');
    onA.emit('profile:open', customerId);
    await waitFor(() => viewersOnA.values().at(-1)?.viewers.length === 1, 2000, 'A alone');
    onB.emit('profile:open', customerId);
    await waitFor(() => viewersOnA.values().at(-1)?.viewers.length === 1 && viewersOnB.values().at(-1)?.viewers.length === 1, 2000, 'both');
    // The same user on two nodes is one viewer; the room holds two sockets.
    expect(viewersOnB.values().at(-1)!.viewers).toHaveLength(1);

    // The customer leaves on A: B hears it after the grace.
    flow.close();
    await waitFor(() => changes.values().some((c) => c.customerId === customerId && !c.online), OFFLINE_GRACE_MS + SWEEP_MS + 2000, 'offline on B');
  }, 60_000);

  it('a door event received by node A reaches staff on node B', async () => {
    const owner = new ApiClient(nodeA.url);
    await owner.login(OWNER.email, OWNER.password);
    const door = await owner.post('/api/doors', { name: `Side door ${randomBytes(2).toString('hex')}` });
    expect(door.status).toBe(201);
    const device = await owner.post('/api/edge/devices', { name: 'Pi on A', doorIds: [door.body.id] });
    expect(device.status).toBe(201);
    const paired = await new ApiClient(nodeA.url).post('/api/edge/pair', { code: device.body.pairingCode });
    expect(paired.status).toBe(200);
    const onB = await staffOn(nodeB, owner.cookie);
    const heard: { doorId: string; reason: string }[] = [];
    onB.on('door:event', (entry) => heard.push(entry));
    const edge = ioClient(`${nodeA.url}/edge`, {
      transports: ['websocket'],
      reconnection: false,
      auth: { deviceId: paired.body.deviceId, secret: paired.body.secret },
    });
    sockets.push(edge);
    await new Promise<void>((resolve, reject) => (edge.once('connect', () => resolve()), edge.once('connect_error', reject)));
    const at = new Date().toISOString();
    // Written as Prettier leaves it: from the one-line form it needs two passes to settle.
    const reply = await edge.timeout(5000).emitWithAck('events', [
      {
        seq: 1,
        at,
        doorId: door.body.id,
        kind: 'access',
        result: 'denied',
        reason: 'unknown_credential',
        credentialHash: null,
        credentialMasked: null,
        customerId: null,
      },
    ]);
    expect(reply).toEqual({ storedThrough: 1 });
    await waitFor(() => heard.find((e) => e.doorId === door.body.id), 2000, 'door event on B');
  }, 30_000);

  it('a node killed with kill -9 while a customer is online: the surviving node says offline once the lease runs out', async () => {
    const { owner, customerId, token } = await customerOn(nodeB);
    const victim = await start(env);
    const watcher = await staffOn(nodeB, owner.cookie);
    const changes = recordPresence(watcher);
    const flow = await flowOn(victim);
    expect(await identify(flow, token)).toEqual({ ok: true });
    await waitFor(() => changes.values().some((c) => c.customerId === customerId && c.online), 1000, 'online');

    const killedAt = Date.now();
    victim.child.kill('SIGKILL');
    const offline = await waitFor(
      () => changes.items.find((c) => c.value.customerId === customerId && !c.value.online),
      LEASE_TTL_MS + SWEEP_MS + 5000,
      'offline after the lease expired',
    ).catch(async (err) => {
      const redis = new Redis(REDIS_URL);
      for (const k of await redis.keys(`${prefix}*`))
        console.error(k, await redis.type(k), k.endsWith('socket.io') ? '' : await redis.zrange(k, 0, -1, 'WITHSCORES').catch(() => redis.smembers(k)));
      console.error(Date.now(), changes.items, nodeA.output(), nodeB.output());
      redis.disconnect();
      throw err;
    });
    // Not before the lease could have run out, and not much after.
    expect(offline.at - killedAt).toBeLessThanOrEqual(LEASE_TTL_MS + SWEEP_MS + 1000);
    expect((await (await staffOn(nodeB, owner.cookie)).firstOnline).customerIds).not.toContain(customerId);
  }, 90_000);
});
