import { describe, expect, it } from 'vitest';
import { credentialHasher } from './credential-hash.ts';
import { decide } from './decide.ts';
import { PermissionCache } from './permission-cache.ts';

const DOOR = 'door-front';
const entry = (over: Partial<{ credentialHash: string; customerId: string; doorId: string; startsAt: string; endsAt: string | null }>) => ({
  credentialHash: 'h1',
  customerId: 'c1',
  doorId: DOOR,
  startsAt: '2026-01-01T00:00:00Z',
  endsAt: null,
  ...over,
});
const at = (iso: string) => Date.parse(iso);

describe('decide', () => {
  const cache = PermissionCache.from({
    version: 1,
    doors: [],
    entries: [
      entry({}),
      entry({ credentialHash: 'h2', customerId: 'c2', startsAt: '2026-03-01T00:00:00Z', endsAt: '2026-03-02T00:00:00Z' }),
      entry({ credentialHash: 'h3', customerId: 'c3', doorId: 'door-back' }),
    ],
  });

  it('denies an unknown credential', () => {
    expect(decide(cache, 'nope', DOOR, at('2026-05-01T00:00:00Z'))).toEqual({ granted: false, reason: 'unknown_credential', customerId: null });
  });

  it("denies a banned customer's credential as banned, naming them", () => {
    const withBanned = PermissionCache.from({
      version: 1,
      doors: [],
      entries: [{ ...entry({ credentialHash: 'hb', customerId: 'cb', doorId: '' }), banned: true }],
    });
    expect(decide(withBanned, 'hb', DOOR, at('2026-05-01T00:00:00Z'))).toEqual({ granted: false, reason: 'banned', customerId: 'cb' });
  });

  it('denies a known credential without an entry for this door', () => {
    expect(decide(cache, 'h3', DOOR, at('2026-05-01T00:00:00Z'))).toEqual({ granted: false, reason: 'no_permission', customerId: 'c3' });
  });

  it('grants inside [startsAt, endsAt) and denies outside, the end itself excluded', () => {
    expect(decide(cache, 'h2', DOOR, at('2026-03-01T00:00:00Z')).granted).toBe(true);
    expect(decide(cache, 'h2', DOOR, at('2026-03-01T23:59:59.999Z')).granted).toBe(true);
    expect(decide(cache, 'h2', DOOR, at('2026-03-02T00:00:00Z'))).toEqual({ granted: false, reason: 'outside_validity', customerId: 'c2' });
    expect(decide(cache, 'h2', DOOR, at('2026-02-28T23:59:59Z')).reason).toBe('outside_validity');
  });

  it('grants open-ended permissions after their start', () => {
    expect(decide(cache, 'h1', DOOR, at('2030-01-01T00:00:00Z'))).toEqual({ granted: true, reason: 'valid_permission', customerId: 'c1' });
  });

  it('denies everything from a cache older than allowed (cache_stale), up to the limit itself granted', () => {
    const now = at('2030-01-01T00:00:00Z');
    const maxAgeMs = 72 * 3_600_000;
    expect(decide(cache, 'h1', DOOR, now, { syncedAtMs: now - maxAgeMs, maxAgeMs }).granted).toBe(true);
    expect(decide(cache, 'h1', DOOR, now, { syncedAtMs: now - maxAgeMs - 1, maxAgeMs })).toEqual({ granted: false, reason: 'cache_stale', customerId: 'c1' });
    expect(decide(cache, 'nope', DOOR, now, { syncedAtMs: 0, maxAgeMs })).toEqual({ granted: false, reason: 'cache_stale', customerId: null });
    // A cache that never synced holds nothing: its cards are unknown, not stale.
    expect(decide(new PermissionCache(), 'h1', DOOR, now, { syncedAtMs: 0, maxAgeMs }).reason).toBe('unknown_credential');
  });

  it('denies everything on a revoked device, before any other rule', () => {
    const revoked = PermissionCache.revoked(new Date(0));
    expect(revoked.size).toBe(0);
    expect(decide(revoked, 'h1', DOOR, at('2030-01-01T00:00:00Z'), { syncedAtMs: 0, maxAgeMs: 1 })).toEqual({
      granted: false,
      reason: 'device_revoked',
      customerId: null,
    });
  });
});

describe('permission cache deltas', () => {
  it('replaces everything held for a customer, revokes with an empty list, ignores older versions', () => {
    const cache = PermissionCache.from({ version: 5, doors: [], entries: [entry({}), entry({ credentialHash: 'h9', customerId: 'c9' })] });
    expect(cache.applyDelta({ version: 6, customers: [{ customerId: 'c1', entries: [entry({ credentialHash: 'h1b' })] }] })).toBe(true);
    expect(cache.entriesFor('h1')).toBeUndefined();
    expect(cache.entriesFor('h1b')).toHaveLength(1);
    expect(cache.applyDelta({ version: 6, customers: [{ customerId: 'c9', entries: [] }] })).toBe(false);
    expect(cache.applyDelta({ version: 7, customers: [{ customerId: 'c9', entries: [] }] })).toBe(true);
    expect(cache.entriesFor('h9')).toBeUndefined();
    expect(cache.toFile()).toMatchObject({ version: 7, entries: [expect.objectContaining({ credentialHash: 'h1b' })] });
  });

  it('saves as JSON in slices, letting taps run between them, as the cache was when the save began', async () => {
    const cache = PermissionCache.from({
      version: 3,
      doors: [{ id: DOOR, name: 'Front', pulseMs: 3000, lockType: 'fail_secure', heldOpenAlarmSeconds: 30 }],
      entries: Array.from({ length: 5000 }, (_, i) => entry({ credentialHash: `h${i}`, customerId: `c${i}` })),
    });
    const before = cache.toFile();
    let ranMeanwhile = false;
    const saving = cache.toJson(1000);
    setImmediate(() => (ranMeanwhile = true));
    // A delta arriving while the text is built changes the cache, not the text.
    cache.applyDelta({ version: 4, customers: [{ customerId: 'c0', entries: [] }] });
    const text = await saving;
    expect(ranMeanwhile).toBe(true);
    expect(JSON.parse(text)).toEqual(before);
    expect(JSON.parse(await PermissionCache.revoked(new Date(0)).toJson())).toEqual({
      version: 0,
      doors: [],
      entries: [],
      revokedAt: '1970-01-01T00:00:00.000Z',
    });
  });

  it('keeps a credential shared by two customers for the other one when one is revoked', () => {
    const cache = PermissionCache.from({ version: 1, doors: [], entries: [entry({ customerId: 'a' }), entry({ customerId: 'b' })] });
    cache.applyDelta({ version: 2, customers: [{ customerId: 'a', entries: [] }] });
    expect(cache.entriesFor('h1')?.map((e) => e.customerId)).toEqual(['b']);
  });
});

describe('credential hash', () => {
  it('is HMAC-SHA256 under the base64 key, in hex', () => {
    // openssl: printf 0A001B2C3D | openssl dgst -sha256 -hmac keykeykeykey
    expect(credentialHasher(Buffer.from('keykeykeykey').toString('base64'))('0A001B2C3D')).toBe(
      '4ca8ae5cf1ac2052f8dfbf7349b31289f3f213dcf0c3177be76634d0da8d88f8',
    );
    const hash = credentialHasher('a2V5');
    expect(hash('X')).toBe(hash('X'));
    expect(hash('X')).not.toBe(hash('x'));
  });
});
