import { PairResponseSchema } from '@foyer/schema';
import type { z } from 'zod';
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-file.ts';
import type { AgentConfig } from './config.ts';
import type { Log } from './log.ts';

type PairResponse = z.infer<typeof PairResponseSchema>;
export type DeviceIdentity = PairResponse;

const IDENTITY_FILE = 'device.json';

/**
 * Who this agent is to the server: from the state directory (after pairing), else from the config
 * (provisioned by hand), else by trading the config's one-time pairing code for an identity, which
 * is then kept readable by the agent's user only (0600 file in a 0700 directory).
 */
export async function resolveIdentity(config: AgentConfig, log: Log, options: { mayPair?: boolean } = {}): Promise<DeviceIdentity> {
  ensureStateDir(config.stateDir);
  const path = join(config.stateDir, IDENTITY_FILE);
  if (existsSync(path)) return PairResponseSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  if (config.device) return { deviceId: config.device.id, secret: config.device.secret, credentialKey: config.device.credentialKey };
  if (!config.pairingCode) throw new Error(`Not paired: no ${path} yet. Put the pairing code from the server in the config's pairingCode.`);
  if (options.mayPair === false) throw new Error(`Not paired yet (a simulation does not use up the pairing code)`);
  log(`pairing with ${config.serverUrl}…`);
  const identity = await pair(config.serverUrl, config.pairingCode);
  writeFileAtomic(path, JSON.stringify(identity), 0o600);
  log(`paired as device ${identity.deviceId}; the pairing code is used up and may be removed from the config`);
  return identity;
}

export async function pair(serverUrl: string, code: string): Promise<PairResponse> {
  const response = await fetch(`${serverUrl}/api/edge/pair`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code }),
    signal: AbortSignal.timeout(15_000),
  });
  if (!response.ok) {
    const detail = await response.text().catch(() => '');
    throw new Error(`Pairing refused (HTTP ${response.status}): ${detail.slice(0, 200) || response.statusText}. Is the code right and unused?`);
  }
  return PairResponseSchema.parse(await response.json());
}

export function ensureStateDir(dir: string) {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}
