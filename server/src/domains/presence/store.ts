import type { Redis } from 'ioredis';

/**
 * C7/P1: who is online. A customer is online while any socket holds a lease on them; a lease
 * lives LEASE_TTL_MS unless its node refreshes it (every LEASE_REFRESH_MS), so the leases of a
 * node that died without a word (`kill -9`) run out by themselves. A customer whose last lease
 * went is announced offline only after OFFLINE_GRACE_MS, so a page reload inside the flow (drop,
 * reconnect, new lease) never shows as offline.
 *
 * The store decides transitions; the caller announces them. Each transition is reported by exactly
 * one node: `acquire` says when the customer became online, `sweep` (run by every node, every
 * SWEEP_MS) which customers went offline — atomically, so two nodes never both say it.
 */
export const LEASE_TTL_MS = 30_000;
export const LEASE_REFRESH_MS = 10_000;
/** Between 3 and 4 s with the sweep below: long enough for a reload, short enough to feel live. */
export const OFFLINE_GRACE_MS = 3_000;
export const SWEEP_MS = 1_000;

export type Lease = { id: string; orgId: string; customerId: string };
export type CustomerRef = { orgId: string; customerId: string };

export interface PresenceStore {
  /** Takes (or renews) a lease; true when the customer was offline until now (announce it). */
  acquire(lease: Lease): Promise<boolean>;
  /** Gives a lease back; the customer goes offline at a sweep after the grace, unless a lease comes back. */
  release(lease: Lease): Promise<void>;
  /** Customers who are now offline: their last lease was released over the grace ago, or ran out. */
  sweep(): Promise<CustomerRef[]>;
  /** The organization's online customers (as announced). */
  online(orgId: string): Promise<string[]>;
  close(): Promise<void>;
}

const key = (orgId: string, customerId: string) => `${orgId}|${customerId}`;

/** One node: everything in this process; a restarted node starts with nobody online. */
export class MemoryPresenceStore implements PresenceStore {
  private readonly leases = new Map<string, Set<string>>();
  private readonly announced = new Map<string, Set<string>>();
  /** Customers whose last lease went, and when to check them. */
  private readonly due = new Map<string, { ref: CustomerRef; at: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async acquire({ id, orgId, customerId }: Lease): Promise<boolean> {
    const k = key(orgId, customerId);
    const held = this.leases.get(k) ?? new Set();
    held.add(id);
    this.leases.set(k, held);
    const online = this.announced.get(orgId) ?? new Set();
    this.announced.set(orgId, online);
    if (online.has(customerId)) return false;
    online.add(customerId);
    return true;
  }

  async release({ id, orgId, customerId }: Lease): Promise<void> {
    const k = key(orgId, customerId);
    const held = this.leases.get(k);
    if (!held?.delete(id)) return;
    if (held.size) return;
    this.leases.delete(k);
    this.due.set(k, { ref: { orgId, customerId }, at: this.now() + OFFLINE_GRACE_MS });
  }

  async sweep(): Promise<CustomerRef[]> {
    const gone: CustomerRef[] = [];
    for (const [k, { ref, at }] of this.due) {
      if (at > this.now()) continue;
      this.due.delete(k);
      if (this.leases.has(k)) continue;
      const online = this.announced.get(ref.orgId);
      if (online?.delete(ref.customerId)) gone.push(ref);
      if (online?.size === 0) this.announced.delete(ref.orgId);
    }
    return gone;
  }

  async online(orgId: string): Promise<string[]> {
    return [...(this.announced.get(orgId) ?? [])];
  }

  async close(): Promise<void> {}
}

/*
 * Redis layout under a prefix P (so several installations, or test runs, can share a server):
 *   P:leases:<org>|<customer>  sorted set: lease id → expiry (ms)
 *   P:online:<org>             set: the customers announced online
 *   P:due                      sorted set: "<org>|<customer>|<lease>" → when it runs out, and
 *                              "<org>|<customer>|" → when to check a customer whose last lease went
 * Keys are built inside the scripts, so this needs one Redis server (not a cluster).
 */
const ACQUIRE = `
local leases = ARGV[1] .. 'leases:' .. ARGV[2] .. '|' .. ARGV[3]
redis.call('ZADD', leases, ARGV[5], ARGV[4])
redis.call('ZADD', KEYS[1], ARGV[5], ARGV[2] .. '|' .. ARGV[3] .. '|' .. ARGV[4])
return redis.call('SADD', ARGV[1] .. 'online:' .. ARGV[2], ARGV[3])`;

const RELEASE = `
local leases = ARGV[1] .. 'leases:' .. ARGV[2] .. '|' .. ARGV[3]
redis.call('ZREM', KEYS[1], ARGV[2] .. '|' .. ARGV[3] .. '|' .. ARGV[4])
if redis.call('ZREM', leases, ARGV[4]) == 1 and redis.call('ZCARD', leases) == 0 then
  redis.call('ZADD', KEYS[1], ARGV[5], ARGV[2] .. '|' .. ARGV[3] .. '|')
end
return 0`;

/** Drops what ran out and returns org, customer, org, customer… of those now offline. */
const SWEEP = `
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[2], 'LIMIT', 0, 1000)
local gone = {}
for _, member in ipairs(due) do
  redis.call('ZREM', KEYS[1], member)
  local org, customer, lease = string.match(member, '^([^|]*)|([^|]*)|(.*)$')
  if org then
    local leases = ARGV[1] .. 'leases:' .. org .. '|' .. customer
    if lease ~= '' then redis.call('ZREM', leases, lease) end
    redis.call('ZREMRANGEBYSCORE', leases, '-inf', ARGV[2])
    if redis.call('ZCARD', leases) == 0 and redis.call('SREM', ARGV[1] .. 'online:' .. org, customer) == 1 then
      table.insert(gone, org)
      table.insert(gone, customer)
    end
  end
end
return gone`;

type Scripted = Redis & {
  presenceAcquire(due: string, prefix: string, org: string, customer: string, lease: string, expiry: number): Promise<number>;
  presenceRelease(due: string, prefix: string, org: string, customer: string, lease: string, checkAt: number): Promise<number>;
  presenceSweep(due: string, prefix: string, now: number): Promise<string[]>;
};

/** Several nodes: leases in Redis, so any node sees them and a dead node's leases expire. */
export class RedisPresenceStore implements PresenceStore {
  private readonly redis: Scripted;
  private readonly dueKey: string;

  constructor(
    redis: Redis,
    private readonly prefix: string,
    private readonly now: () => number = Date.now,
  ) {
    redis.defineCommand('presenceAcquire', { numberOfKeys: 1, lua: ACQUIRE });
    redis.defineCommand('presenceRelease', { numberOfKeys: 1, lua: RELEASE });
    redis.defineCommand('presenceSweep', { numberOfKeys: 1, lua: SWEEP });
    this.redis = redis as Scripted;
    this.dueKey = `${prefix}due`;
  }

  async acquire({ id, orgId, customerId }: Lease): Promise<boolean> {
    const added = await this.redis.presenceAcquire(this.dueKey, this.prefix, orgId, customerId, id, this.now() + LEASE_TTL_MS);
    return added === 1;
  }

  async release({ id, orgId, customerId }: Lease): Promise<void> {
    await this.redis.presenceRelease(this.dueKey, this.prefix, orgId, customerId, id, this.now() + OFFLINE_GRACE_MS);
  }

  async sweep(): Promise<CustomerRef[]> {
    const flat = await this.redis.presenceSweep(this.dueKey, this.prefix, this.now());
    const gone: CustomerRef[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) gone.push({ orgId: flat[i]!, customerId: flat[i + 1]! });
    return gone;
  }

  async online(orgId: string): Promise<string[]> {
    return this.redis.smembers(`${this.prefix}online:${orgId}`);
  }

  async close(): Promise<void> {}
}
