import type { DoorLogEntry } from '@foyer/schema/realtime';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
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
    const door = (await owner.post('/api/doors', { name: 'Front', pulseMs: 1500 })).body as { id: string };
    const member = (await owner.post('/api/customers', { firstName: 'Ada', lastName: 'Lovelace' })).body as { id: string };
    expect((await owner.post(`/api/customers/${member.id}/credentials`, { kind: 'rfid', value: '0a 00 1b 2c 3d' })).status).toBe(201);
    const permission = await owner.post(`/api/customers/${member.id}/door-permissions`, { doorId: door.id });
    expect(permission.status).toBe(201);
    const created = await owner.post('/api/edge/devices', { name: 'Pi by the door', doorIds: [door.id] });
    expect(created.status).toBe(201);

    const config = parseConfig({ serverUrl: foyer.url, pairingCode: created.body.pairingCode, stateDir, doors: [{ id: door.id, driver: 'simulated' }] });
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
});
