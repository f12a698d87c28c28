import type { EdgeReason } from '@foyer/schema';
import type { PermissionCache } from './permission-cache.ts';

export type DenyReason = Extract<EdgeReason, 'unknown_credential' | 'no_permission' | 'outside_validity' | 'device_revoked' | 'cache_stale' | 'banned'>;
export type Decision = { granted: true; reason: 'valid_permission'; customerId: string } | { granted: false; reason: DenyReason; customerId: string | null };

/** How fresh the cache must be: synced within `maxAgeMs` of now (a cache never synced holds nothing anyway). */
export type Freshness = { syncedAtMs: number; maxAgeMs: number };

/**
 * Da2: may this credential open this door now? Only the local cache is asked, never the network,
 * so the answer takes microseconds and comes the same online or offline. A banned customer's
 * credentials come flagged, for no door: denied as `banned`. A window is [startsAt, endsAt).
 * A revoked device denies everything; a cache older than allowed denies everything too, naming
 * the customer it would have been, so that staff can see who stood at the door.
 */
export function decide(cache: PermissionCache, credentialHash: string, doorId: string, nowMs: number, freshness?: Freshness): Decision {
  if (cache.revokedAt) return { granted: false, reason: 'device_revoked', customerId: null };
  const decision = fromEntries(cache, credentialHash, doorId, nowMs);
  if (freshness && cache.version > 0 && nowMs - freshness.syncedAtMs > freshness.maxAgeMs)
    return { granted: false, reason: 'cache_stale', customerId: decision.customerId };
  return decision;
}

function fromEntries(cache: PermissionCache, credentialHash: string, doorId: string, nowMs: number): Decision {
  const entries = cache.entriesFor(credentialHash);
  const first = entries?.[0];
  if (!entries || !first) return { granted: false, reason: 'unknown_credential', customerId: null };
  const banned = entries.find((e) => e.banned);
  if (banned) return { granted: false, reason: 'banned', customerId: banned.customerId };
  const forDoor = entries.filter((e) => e.doorId === doorId);
  const firstForDoor = forDoor[0];
  if (!firstForDoor) return { granted: false, reason: 'no_permission', customerId: first.customerId };
  const valid = forDoor.find((e) => e.startsAtMs <= nowMs && nowMs < e.endsAtMs);
  if (valid) return { granted: true, reason: 'valid_permission', customerId: valid.customerId };
  return { granted: false, reason: 'outside_validity', customerId: firstForDoor.customerId };
}
