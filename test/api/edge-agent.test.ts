import type { DoorLogEntry } from '@foyer/schema/realtime';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '@foyer/edge-agent/config.ts';
import type { TapOutcome } from '@foyer/edge-agent/door-agent.ts';
import { runAgent, type RunningAgent } from '@foyer/edge-agent/run-agent.ts';
import type { ApiClient } from '../support/client.ts';
import { startTestFoyer, type TestFoyer } from '../support/foyer.ts';

/**
 * Da2 end to end: the real edge agent (in this process, simulated door hardware) against the real
 * server. Staff set up a door, a device and a member with a card; the agent pairs with the code,
 * syncs, decides a tap offline-capable from its cache, and its events land in the door log.
 */
let foyer: TestFoyer;
let owner: ApiClient & { orgId: string };
let agent: RunningAgent | undefined;
let door: { id: string };
let deviceId: string;
let configOf: () => ReturnType<typeof parseConfig>;
const stateDir = mkdtempSync(join(tmpdir(), 'foyer-edge-integration-'));

beforeAll(async () => {
  foyer = await startTestFoyer();
  owner = await foyer.signIn();
});
afterAll(async () => {
  await agent?.stop();
  await foyer?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

const until = async <T>(check: () => T | undefined | false | Promise<T | undefined | false>, ms = 10_000, what = 'condition'): Promise<T> => {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() - started > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

describe('edge agent against the real server', () => {
  it('pairs, syncs, grants a member and denies a stranger, and reports both to the door log', async () => {
    door = (await owner.post('/api/doors', { name: 'Front', pulseMs: 1500 })).body as { id: string };
    const member = (await owner.post('/api/customers', { firstName: 'Ada', lastName: 'Lovelace' })).body as { id: string };
    expect((await owner.post(`/api/customers/${member.id}/credentials`, { kind: 'rfid', value: '0a 00 1b 2c 3d' })).status).toBe(201);
    const permission = await owner.post(`/api/customers/${member.id}/door-permissions`, { doorId: door.id });
    expect(permission.status).toBe(201);
    const created = await owner.post('/api/edge/devices', { name: 'Pi by the door', doorIds: [door.id] });
    expect(created.status).toBe(201);

    deviceId = created.body.device.id;
    const config = parseConfig({ serverUrl: foyer.url, pairingCode: created.body.pairingCode, stateDir, doors: [{ id: door.id, driver: 'simulated' }] });
    configOf = () => config;
    agent = await runAgent(config, { simulate: false, log: () => {}, linkReconnect: { initialMs: 100, maxMs: 500 } });
    expect(agent.identity?.deviceId).toBe(created.body.device.id);
    expect(statSync(join(stateDir, 'device.json')).mode & 0o777).toBe(0o600);
    await until(() => agent!.link?.synced, 10_000, 'first sync');
    expect(agent.store.current.doors.get(door.id)).toMatchObject({ name: 'Front', pulseMs: 1500 });

    const outcomes: TapOutcome[] = [];
    agent.agent.onTap((o) => outcomes.push(o));
    agent.agent.tap({ kind: 'rfid', normalized: '0A001B2C3D' }, door.id);
    agent.agent.tap({ kind: 'rfid', normalized: 'FFFFFFFFFF' }, door.id);
    expect(outcomes.map((o) => [o.decision.granted, o.decision.reason])).toEqual([
      [true, 'valid_permission'],
      [false, 'unknown_credential'],
    ]);

    await until(() => agent!.journal.ackedSeq === 2, 10_000, 'events acknowledged');
    const log = (await owner.get('/api/door-events')).body.items as DoorLogEntry[];
    const mine = log.filter((e) => e.deviceId === created.body.device.id);
    expect(mine.map((e) => [e.result, e.credentialMasked, e.customer?.name ?? null]).sort()).toEqual(
      [
        ['denied', '••••FFFF', null],
        ['granted', '••••2C3D', 'Ada Lovelace'],
      ].sort(),
    );

    // Revoking the permission reaches the agent as a delta: the same card is now refused.
    const versionBefore = agent.store.current.version;
    expect((await owner.delete(`/api/door-permissions/${permission.body.id}`)).status).toBeLessThan(300);
    await until(() => agent!.store.current.version > versionBefore, 10_000, 'revocation delta');
    expect(agent.agent.tap({ kind: 'rfid', normalized: '0A001B2C3D' }, door.id).decision).toMatchObject({ granted: false, reason: 'unknown_credential' });
  });

  it('a device set up again with its state wiped continues after the seqs the server holds, reusing and losing none', async () => {
    await agent!.stop();
    // A new SD card with the same identity: everything but device.json is gone.
    for (const file of ['journal.jsonl', 'acked.json', 'permissions.json', 'synced.json']) rmSync(join(stateDir, file), { force: true });
    agent = await runAgent(configOf(), { simulate: false, log: () => {}, linkReconnect: { initialMs: 100, maxMs: 500 } });
    // Two taps before the link is even up: numbered 1 and 2 for now (the cache is empty: denied).
    expect(
      [agent.agent.tap({ kind: 'rfid', normalized: '1111111111' }, door.id), agent.agent.tap({ kind: 'rfid', normalized: '2222222222' }, door.id)].map(
        (o) => o.event.seq,
      ),
    ).toEqual([1, 2]);
    await until(() => agent!.journal.ackedSeq === 4, 10_000, 'the new events stored after the old ones');
    const { rows } = await foyer.database.pool.query('select seq, credential_masked from door_events where device_id = $1 order by seq', [deviceId]);
    expect(rows.map((r) => [Number(r.seq), r.credential_masked])).toEqual([
      [1, '••••2C3D'],
      [2, '••••FFFF'],
      [3, '••••1111'],
      [4, '••••2222'],
    ]);
    expect(agent.agent.tap({ kind: 'rfid', normalized: '3333333333' }, door.id).event.seq).toBe(5);
    await until(() => agent!.journal.ackedSeq === 5, 10_000, 'the next event');
  });

  it('revoked by staff, the agent is told at once, wipes its cache and denies everything (device_revoked)', async () => {
    const member = (await owner.post('/api/customers', { firstName: 'Grace', lastName: 'Hopper' })).body as { id: string };
    expect((await owner.post(`/api/customers/${member.id}/credentials`, { kind: 'rfid', value: '0B0B0B0B0B' })).status).toBe(201);
    expect((await owner.post(`/api/customers/${member.id}/door-permissions`, { doorId: door.id })).status).toBe(201);
    await until(() => agent!.agent.tap({ kind: 'rfid', normalized: '0B0B0B0B0B' }, door.id).decision.granted, 10_000, 'the new member synced');

    const revokedAt = Date.now();
    expect((await owner.delete(`/api/edge/devices/${deviceId}`)).status).toBe(204);
    await until(() => agent!.store.current.revokedAt, 5000, 'the agent told');
    expect(Date.now() - revokedAt).toBeLessThan(2000);
    expect(agent!.link?.connected).toBe(false);
    expect(agent!.agent.tap({ kind: 'rfid', normalized: '0B0B0B0B0B' }, door.id).decision).toEqual({
      granted: false,
      reason: 'device_revoked',
      customerId: null,
    });
    await agent!.store.close();
    const onDisk = JSON.parse(readFileSync(join(stateDir, 'permissions.json'), 'utf8')) as { entries: unknown[]; revokedAt?: string };
    expect(onDisk.entries).toEqual([]);
    expect(onDisk.revokedAt).toEqual(expect.any(String));
  });
});
