import type { PermissionCache } from './permission-cache.ts';

export type DenyReason = 'unknown_credential' | 'no_permission' | 'outside_validity';
export type Decision =
  | { granted: true; reason: 'valid_permission'; customerId: string }
  | { granted: false; reason: DenyReason; customerId: string | null };

/**
 * Da2: may this credential open this door now? Only the local cache is asked, never the network,
 * so the answer takes microseconds and comes the same online or offline. Banned customers have no
 * entries (the server sends none), so they read as unknown. A window is [startsAt, endsAt).
 */
export function decide(cache: PermissionCache, credentialHash: string, doorId: string, nowMs: number): Decision {
  const entries = cache.entriesFor(credentialHash);
  if (!entries || entries.length === 0) return { granted: false, reason: 'unknown_credential', customerId: null };
  const forDoor = entries.filter((e) => e.doorId === doorId);
  if (forDoor.length === 0) return { granted: false, reason: 'no_permission', customerId: entries[0].customerId };
  const valid = forDoor.find((e) => e.startsAtMs <= nowMs && nowMs < e.endsAtMs);
  if (valid) return { granted: true, reason: 'valid_permission', customerId: valid.customerId };
  return { granted: false, reason: 'outside_validity', customerId: forDoor[0].customerId };
}
