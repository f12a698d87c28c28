import { describe, expect, it } from 'vitest';
import { SessionCache } from './session-cache.ts';

const auth = (userId: string, orgId: string) => ({
  user: { id: userId, email: `${userId}@x.test`, name: userId, role: 'staff' as const, customRole: null, permissions: [], avatarUrl: null },
  organization: { id: orgId, name: orgId, slug: orgId, defaultCountry: 'GB', defaultCurrency: 'GBP' },
});

const hearingCache = (options?: { ttlMs: number; maxEntries: number }) => {
  const cache = new SessionCache(options);
  let hearing = true;
  cache.useWhile(() => hearing);
  return { cache, deafen: () => (hearing = false) };
};

describe('the session cache', () => {
  it('serves nothing until the node hears the outbox, and nothing while it does not', () => {
    const idle = new SessionCache();
    idle.set('a', auth('u1', 'o1'), idle.begin());
    expect(idle.get('a')).toBeUndefined();

    const { cache, deafen } = hearingCache();
    cache.set('a', auth('u1', 'o1'), cache.begin());
    expect(cache.get('a')?.user.id).toBe('u1');
    deafen();
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('forgets a session, a user’s sessions, and an organization’s sessions', () => {
    const { cache } = hearingCache();
    for (const [hash, user, org] of [
      ['s1', 'u1', 'o1'],
      ['s2', 'u1', 'o1'],
      ['s3', 'u2', 'o1'],
      ['s4', 'u3', 'o2'],
    ] as const)
      cache.set(hash, auth(user, org), cache.begin());
    cache.forgetSession('s1');
    expect(cache.get('s1')).toBeUndefined();
    expect(cache.get('s2')).toBeDefined();
    cache.forgetUser('u1');
    expect(cache.get('s2')).toBeUndefined();
    expect(cache.get('s3')).toBeDefined();
    cache.forgetOrganization('o1');
    expect(cache.get('s3')).toBeUndefined();
    expect(cache.get('s4')?.organization.id).toBe('o2');
  });

  it('does not store a read that began before a forget (it may be the old session)', () => {
    const { cache } = hearingCache();
    const begun = cache.begin();
    cache.forgetUser('u1');
    cache.set('s1', auth('u1', 'o1'), begun);
    expect(cache.get('s1')).toBeUndefined();
  });

  it('keeps an entry no longer than its time to live, and no more entries than its bound', async () => {
    const { cache } = hearingCache({ ttlMs: 30, maxEntries: 2 });
    cache.set('s1', auth('u1', 'o1'), cache.begin());
    cache.set('s2', auth('u2', 'o1'), cache.begin());
    cache.set('s3', auth('u3', 'o1'), cache.begin());
    expect(cache.get('s1')).toBeUndefined();
    expect(cache.size).toBe(2);
    await new Promise((r) => setTimeout(r, 40));
    expect(cache.get('s2')).toBeUndefined();
    expect(cache.get('s3')).toBeUndefined();
  });
});
