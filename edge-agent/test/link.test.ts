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
function device(serverUrl: string, stateDir = stateDirWith(undefined), secret = DEVICE.secret) {
  const store = new PermissionStore(join(stateDir, 'permissions.json'), silentLog, 50);
  const journal = Journal.open(stateDir, silentLog);
  const doors = new Map([['front', new PulsedDoor(new SimulatedLines(), 'front', silentLog)]]);
  const agent = new DoorAgent({ store, journal, doors, hash: credentialHasher(DEVICE.credentialKey), forcedOpenGraceMs: 5000 });
  const link = new Link({ serverUrl, deviceId: DEVICE.deviceId, secret, agentVersion: 'test', store, journal, log: silentLog, ackTimeoutMs: 500, reconnect: { initialMs: 100, maxMs: 300 } });
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
});
