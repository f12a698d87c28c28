import type { EdgeDoor, EdgeEntry } from '@foyer/schema';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentialHasher } from '../../src/access/credential-hash.ts';

export const DEVICE = { deviceId: 'device-1', secret: 'device-secret', credentialKey: Buffer.from('test credential key 0123456789ab').toString('base64') };
export const hashCredential = credentialHasher(DEVICE.credentialKey);

export const door = (id: string, name: string, over: Partial<EdgeDoor> = {}): EdgeDoor => ({
  id,
  name,
  pulseMs: 3000,
  lockType: 'fail_secure',
  heldOpenAlarmSeconds: 30,
  ...over,
});

export const entryFor = (normalized: string, doorId: string, customerId: string, over: Partial<EdgeEntry> = {}): EdgeEntry => ({
  credentialHash: hashCredential(normalized),
  customerId,
  doorId,
  startsAt: '2020-01-01T00:00:00.000Z',
  endsAt: null,
  ...over,
});

/** A state directory as pairing and a first sync leave it: identity plus a permission cache. */
export function stateDirWith(permissions: { version: number; doors: EdgeDoor[]; entries: EdgeEntry[] } | undefined) {
  const dir = mkdtempSync(join(tmpdir(), 'foyer-edge-state-'));
  writeFileSync(join(dir, 'device.json'), JSON.stringify(DEVICE), { mode: 0o600 });
  if (permissions) writeFileSync(join(dir, 'permissions.json'), JSON.stringify(permissions));
  return dir;
}
