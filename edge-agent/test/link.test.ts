import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { credentialHasher } from '../src/access/credential-hash.ts';
import { Journal } from '../src/access/journal.ts';
import { PermissionStore } from '../src/access/permission-store.ts';
import { DoorAgent } from '../src/door-agent.ts';
import { PulsedDoor } from '../src/doors/door-io.ts';
import { SimulatedLines } from '../src/doors/simulated-lines.ts';
import { Link } from '../src/link.ts';
import { silentLog } from '../src/log.ts';
import { DEVICE, door, entryFor, stateDirWith } from './support/agent-fixture.ts';
import { ContractEdgeServer } from './support/edge-server.ts';
import { waitFor } from './support/socat.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A device wired as in production, minus readers: taps go straight to the DoorAgent. */
function device(serverUrl: string, stateDir = stateDirWith(undefined), secret = DEVICE.secret, maxCacheAgeMs?: number) {
  const store = new PermissionStore(join(stateDir, 'permissions.json'), silentLog, 50);
  const journal = Journal.open(stateDir, silentLog);
  const doors = new Map([['front', new PulsedDoor(new SimulatedLines(), 'front', silentLog)]]);
  const agent = new DoorAgent({ store, journal, doors, hash: credentialHasher(DEVICE.credentialKey), forcedOpenGraceMs: 5000, maxCacheAgeMs });
  const link = new Link({
    serverUrl,
    deviceId: DEVICE.deviceId,
    secret,
    agentVersion: 'test',
    store,
    journal,
    log: silentLog,
    ackTimeoutMs: 500,
    reconnect: { initialMs: 100, maxMs: 300 },
  });
  const stop = async () => {
    link.stop();
    agent.stop();
    await journal.close();
    await store.close();
  };
  cleanups.push(() => rmSync(stateDir, { recursive: true, force: true }), stop);
  return { store, journal, agent, link, stateDir, stop };
}

async function contractServer() {
  const server = new ContractEdgeServer(DEVICE);
  const url = await server.start();
  cleanups.push(() => server.stop());
  return { server, url };
}

/** A state file as saved so far; undefined until its first (asynchronous) save. */
const saved = (path: string) => {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as { version?: number; ackedSeq?: number };
  } catch {
    return undefined;
  }
};

const tap = (agent: DoorAgent, card: string) => agent.tap({ kind: 'rfid', normalized: card }, 'front');

describe('link to the /edge namespace', () => {
  it('takes a chunked snapshot, swaps it in whole, persists it with its version, then applies deltas', async () => {
    const { server, url } = await contractServer();
    server.version = 7;
    server.doors = [door('front', 'Front door', { pulseMs: 1500 })];
    server.entries = Array.from({ length: 1200 }, (_, i) => entryFor(`CARD${i}`, 'front', `c${i}`));
    const d = device(url);
    expect(tap(d.agent, 'CARD5').decision.reason).toBe('unknown_credential');
    d.link.start();
    await waitFor(() => d.store.current.version === 7, 5000, 'snapshot');
    expect(d.store.current.size).toBe(1200);
    expect(tap(d.agent, 'CARD5')).toMatchObject({ decision: { granted: true, customerId: 'c5' }, door: { name: 'Front door', pulseMs: 1500 } });
    const savedVersion = () => saved(join(d.stateDir, 'permissions.json'))?.version;
    await waitFor(() => savedVersion() === 7, 3000, 'snapshot saved');

    server.pushDelta({ version: 8, customers: [{ customerId: 'c5', entries: [] }] });
    await waitFor(() => d.store.current.version === 8, 3000, 'delta');
    expect(tap(d.agent, 'CARD5').decision.reason).toBe('unknown_credential');
    await waitFor(() => savedVersion() === 8, 3000, 'delta saved');
  });

  it('keeps the old cache when the connection drops mid-snapshot, and takes the snapshot again on reconnect', async () => {
    const { server, url } = await contractServer();
    server.version = 3;
    server.entries = Array.from({ length: 1200 }, (_, i) => entryFor(`CARD${i}`, 'front', `c${i}`));
    server.cutSnapshotAfterChunk = true;
    const d = device(url);
    const swappedIn: number[] = [];
    const replace = d.store.replace.bind(d.store);
    d.store.replace = (cache) => (swappedIn.push(cache.size), replace(cache));
    d.link.start();
    await waitFor(() => d.link.synced === 1, 8000, 'second, complete snapshot');
    // Only the complete snapshot was ever swapped in; the cut one never replaced the cache.
    expect(swappedIn).toEqual([1200]);
    expect(d.store.current.version).toBe(3);
  });

  it('uploads a backlog made offline in batches of at most 500, without loss or duplicates, surviving a lost ack', async () => {
    const server = new ContractEdgeServer(DEVICE);
    const url = await server.start();
    const port = server.port;
    await server.stop();
    const d = device(url);
    d.link.start();
    // The server is down: the door still decides, every tap is journaled.
    for (let i = 0; i < 1234; i++) tap(d.agent, `OFFLINE${i}`);
    await d.journal.flushed();
    expect(d.journal.backlog).toBe(1234);

    server.dropAcks = 1;
    await server.start(port);
    cleanups.push(() => server.stop());
    await waitFor(() => d.journal.ackedSeq === 1234, 10_000, 'backlog acknowledged');
    expect(server.storedThrough).toBe(1234);
    expect([...server.stored.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 1234 }, (_, i) => i + 1));
    expect(Math.max(...server.batches.map((b) => b.length))).toBeLessThanOrEqual(500);
    // The first batch went twice (its ack was lost); the server kept one copy of each event.
    expect(server.batches[0]).toEqual(server.batches[1]);
    await waitFor(() => saved(join(d.stateDir, 'acked.json'))?.ackedSeq === 1234, 3000, 'acknowledgement saved');

    // Live events after the backlog go up as they become durable.
    tap(d.agent, 'ONLINE');
    await waitFor(() => server.storedThrough === 1235, 3000, 'live event');
    expect(server.stored.get(1235)).toMatchObject({ kind: 'access', result: 'denied', reason: 'unknown_credential' });
  });

  it('keeps retrying when the server refuses the device, and keeps deciding meanwhile', async () => {
    const { server, url } = await contractServer();
    const d = device(url, undefined, 'wrong secret');
    d.link.start();
    await waitFor(() => server.refused >= 3, 5000, 'repeated attempts');
    expect(d.link.connected).toBe(false);
    expect(tap(d.agent, 'X1').event.seq).toBe(1);
    expect(server.stored.size).toBe(0);
  });

  it('numbers the events of a wiped device after what the server already holds (hello storedThrough), uploading none before', async () => {
    const { server, url } = await contractServer();
    // Seqs 1..5 came from this identity before its state directory was wiped (a new SD card).
    for (let seq = 1; seq <= 5; seq++)
      server.stored.set(seq, {
        seq,
        at: new Date(0).toISOString(),
        doorId: 'front',
        kind: 'access',
        result: 'denied',
        reason: 'unknown_credential',
        credentialHash: null,
        credentialMasked: '••••OLD' + seq,
        customerId: null,
      });
    const d = device(url);
    expect(d.journal.based).toBe(false);
    // Taps before the link is up are numbered from 1 for now; they are not lost, only renumbered.
    expect([tap(d.agent, 'WIPED1').event.seq, tap(d.agent, 'WIPED2').event.seq]).toEqual([1, 2]);
    await d.journal.flushed();
    d.link.start();
    await waitFor(() => server.storedThrough === 7, 5000, 'the new events stored after the old ones');
    expect(server.batches[0]).toEqual([6, 7]);
    expect([5, 6, 7].map((seq) => server.stored.get(seq)?.credentialMasked)).toEqual(['••••OLD5', '••••PED1', '••••PED2']);
    expect(d.journal.based).toBe(true);
    expect(tap(d.agent, 'WIPED3').event.seq).toBe(8);
    await waitFor(() => server.storedThrough === 8, 3000, 'the next live event');
    await d.journal.flushed();
    const onDisk = readFileSync(join(d.stateDir, 'journal.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).seq);
    expect(onDisk).toEqual([6, 7, 8]);
  });

  it('wipes its cache and denies everything (device_revoked) when revoked while connected', async () => {
    const { server, url } = await contractServer();
    server.version = 2;
    server.doors = [door('front', 'Front')];
    server.entries = [entryFor('MEMBER', 'front', 'c1')];
    const d = device(url);
    d.link.start();
    await waitFor(() => d.link.synced > 0, 5000, 'sync');
    expect(tap(d.agent, 'MEMBER').decision.granted).toBe(true);
    server.revoke();
    await waitFor(() => d.store.current.revokedAt, 3000, 'revocation heard');
    expect(tap(d.agent, 'MEMBER').decision).toEqual({ granted: false, reason: 'device_revoked', customerId: null });
    await d.store.close();
    const file = saved(join(d.stateDir, 'permissions.json')) as unknown as { entries: unknown[]; revokedAt?: string } | undefined;
    expect(file).toMatchObject({ entries: [], revokedAt: expect.any(String) });
    // And after a restart, still refused, before any network.
    const again = new PermissionStore(join(d.stateDir, 'permissions.json'), silentLog);
    expect(again.current.revokedAt).toBe(file?.revokedAt);
  });

  it('learns it was revoked while offline from the refused handshake, but a dead server or a wrong secret wipes nothing', async () => {
    const permissions = { version: 2, doors: [door('front', 'Front')], entries: [entryFor('MEMBER', 'front', 'c1')] };
    const { server, url } = await contractServer();
    // A network failure: nothing listens there.
    const unreachable = device('http://127.0.0.1:1', stateDirWith(permissions));
    unreachable.link.start();
    // A refusal that is not a revocation.
    const stranger = device(url, stateDirWith(permissions), 'wrong secret');
    stranger.link.start();
    await waitFor(() => server.refused >= 2, 5000, 'the stranger refused twice');
    expect(tap(unreachable.agent, 'MEMBER').decision.granted).toBe(true);
    expect(tap(stranger.agent, 'MEMBER').decision.granted).toBe(true);

    server.revokedDevice = true;
    const revoked = device(url, stateDirWith(permissions));
    expect(tap(revoked.agent, 'MEMBER').decision.granted).toBe(true);
    revoked.link.start();
    await waitFor(() => revoked.store.current.revokedAt, 3000, 'revocation heard at the handshake');
    expect(tap(revoked.agent, 'MEMBER').decision.reason).toBe('device_revoked');
    expect(revoked.store.current.size).toBe(0);
  });

  it('denies with cache_stale once the cache was not synced for longer than allowed, and grants again after a sync', async () => {
    const permissions = { version: 2, doors: [door('front', 'Front')], entries: [entryFor('MEMBER', 'front', 'c1')] };
    const { server, url } = await contractServer();
    server.version = 2;
    server.doors = permissions.doors;
    server.entries = permissions.entries;
    const hour = 3_600_000;
    const d = device(url, stateDirWith(permissions), DEVICE.secret, 72 * hour);
    // The cache file was written just now (mtime): fresh.
    expect(tap(d.agent, 'MEMBER').decision.granted).toBe(true);
    // Last synced 73 hours ago: the same card is refused, naming whom it would have let in.
    d.store.syncedAtMs = Date.now() - 73 * hour;
    expect(tap(d.agent, 'MEMBER').decision).toEqual({ granted: false, reason: 'cache_stale', customerId: 'c1' });
    d.link.start();
    // Up to date (same version): the hello answer alone makes the cache fresh again.
    await waitFor(() => d.link.synced > 0, 5000, 'hello answered');
    expect(tap(d.agent, 'MEMBER').decision.granted).toBe(true);
    // The sync time is saved, for the same version, and read back on the next start.
    await d.store.close();
    const reopened = new PermissionStore(join(d.stateDir, 'permissions.json'), silentLog);
    expect(Date.now() - reopened.syncedAtMs).toBeLessThan(60_000);

    // Going offline counts from the moment the link dropped.
    d.store.syncedAtMs = 0;
    await server.stop();
    await waitFor(() => !d.link.connected, 3000, 'link down');
    expect(Date.now() - d.store.syncedAtMs).toBeLessThan(5000);
  });
});
