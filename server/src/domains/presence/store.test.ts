import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { LEASE_TTL_MS, MemoryPresenceStore, OFFLINE_GRACE_MS, RedisPresenceStore, type PresenceStore } from './store.ts';

/** The same rules for both stores, on a clock the test moves. */
function rules(name: string, make: (now: () => number) => PresenceStore | undefined, expiry: boolean) {
  describe(name, () => {
    let t = 1_000_000;
    const store = () => make(() => t);
    const lease = (id: string, customerId = 'c1') => ({ id, orgId: 'org-a', customerId });

    it('announces online once, and offline only after the grace when the last lease goes', async () => {
      const s = store();
      if (!s) return;
      expect(await s.acquire(lease('L1'))).toBe(true);
      expect(await s.acquire(lease('L2'))).toBe(false); // a second tab
      expect(await s.online('org-a')).toEqual(['c1']);
      expect(await s.online('org-b')).toEqual([]);
      await s.release(lease('L1'));
      t += OFFLINE_GRACE_MS + 1;
      expect(await s.sweep()).toEqual([]); // L2 still holds
      await s.release(lease('L2'));
      t += OFFLINE_GRACE_MS - 10;
      expect(await s.sweep()).toEqual([]); // within the grace
      t += 20;
      expect(await s.sweep()).toEqual([{ orgId: 'org-a', customerId: 'c1' }]);
      expect(await s.sweep()).toEqual([]); // said once
      expect(await s.online('org-a')).toEqual([]);
    });

    it('a lease taken again within the grace (a reload) means no offline at all', async () => {
      const s = store();
      if (!s) return;
      expect(await s.acquire(lease('R1', 'c2'))).toBe(true);
      await s.release(lease('R1', 'c2'));
      t += 500;
      expect(await s.acquire(lease('R2', 'c2'))).toBe(false);
      t += OFFLINE_GRACE_MS * 2;
      expect(await s.sweep()).toEqual([]);
      expect(await s.online('org-a')).toContain('c2');
      await s.release(lease('R2', 'c2'));
      t += OFFLINE_GRACE_MS + 1;
      expect(await s.sweep()).toEqual([{ orgId: 'org-a', customerId: 'c2' }]);
    });

    // Only a store shared by several nodes outlives a node: the in-memory one has no such case.
    if (expiry)
      it('a lease nobody renews (its node died) runs out, and is announced by whoever sweeps', async () => {
        const dead = store();
        const survivor = store();
        if (!dead || !survivor) return;
        expect(await dead.acquire(lease('D1', 'c3'))).toBe(true);
        t += LEASE_TTL_MS - 1000;
        expect(await survivor.sweep()).toEqual([]);
        t += 1001;
        expect(await survivor.sweep()).toEqual([{ orgId: 'org-a', customerId: 'c3' }]);
        expect(await dead.sweep()).toEqual([]);
        // Renewing is acquiring again: a live lease pushed past its first expiry stays.
        expect(await survivor.acquire(lease('S1', 'c4'))).toBe(true);
        t += LEASE_TTL_MS - 1;
        expect(await survivor.acquire(lease('S1', 'c4'))).toBe(false);
        t += LEASE_TTL_MS - 1;
        expect(await survivor.sweep()).toEqual([]);
      });
  });
}

rules('MemoryPresenceStore', (now) => new MemoryPresenceStore(now), false);

const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
redis.on('error', () => {});
const reachable = await redis.connect().then(
  () => true,
  (err: Error) => (console.warn(`RedisPresenceStore tests skipped: Redis at ${redisUrl} is unreachable (${err.message})`), false),
);
const prefix = `foyer-unit-${randomBytes(4).toString('hex')}:`;
afterAll(async () => {
  if (reachable) {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
  }
  redis.disconnect();
});
describe.skipIf(!reachable)('with Redis', () =>
  rules('RedisPresenceStore', (now) => (reachable ? new RedisPresenceStore(redis, prefix, now) : undefined), true),
);
