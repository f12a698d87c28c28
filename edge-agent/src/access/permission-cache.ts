import { EdgeDoorSchema, EdgeEntrySchema, type EdgeDoor, type EdgeEntry } from '@foyer/schema';
import { z } from 'zod';

/** An entry with its window parsed once, so that a decision compares numbers, not ISO strings. */
export type HeldEntry = { customerId: string; doorId: string; startsAtMs: number; endsAtMs: number; banned?: true };

export const PermissionFileSchema = z.object({
  version: z.number().int().min(0),
  doors: z.array(EdgeDoorSchema),
  entries: z.array(EdgeEntrySchema),
  /** Set when the server said this device is revoked: the cache is empty and stays refused. */
  revokedAt: z.string().nullable().optional(),
});
export type PermissionFile = z.infer<typeof PermissionFileSchema>;

export type PermissionDelta = { version: number; customers: { customerId: string; entries: EdgeEntry[] }[]; doors?: EdgeDoor[] };

/**
 * What this device may let in, keyed by credential hash: the one lookup a tap needs. A second
 * index by customer serves deltas, which replace everything held for a customer at once.
 */
export class PermissionCache {
  readonly doors = new Map<string, EdgeDoor>();
  private readonly byHash = new Map<string, HeldEntry[]>();
  private readonly hashesByCustomer = new Map<string, Set<string>>();
  private readonly raw = new Map<string, EdgeEntry[]>(); // by customer, as received: what is persisted

  /** When the server revoked this device (ISO); a revoked cache holds nothing and denies everything. */
  revokedAt: string | null = null;

  constructor(public version = 0) {}

  /** The cache of a revoked device: empty, version 0 (any later sign-in would bring a full snapshot). */
  static revoked(at: Date): PermissionCache {
    const cache = new PermissionCache(0);
    cache.revokedAt = at.toISOString();
    return cache;
  }

  static from(file: PermissionFile): PermissionCache {
    const cache = new PermissionCache(file.version);
    cache.revokedAt = file.revokedAt ?? null;
    cache.setDoors(file.doors);
    cache.addEntries(file.entries);
    return cache;
  }

  entriesFor(credentialHash: string): readonly HeldEntry[] | undefined {
    return this.byHash.get(credentialHash);
  }

  get size() {
    let n = 0;
    for (const entries of this.raw.values()) n += entries.length;
    return n;
  }

  setDoors(doors: EdgeDoor[]) {
    this.doors.clear();
    for (const door of doors) this.doors.set(door.id, door);
  }

  addEntries(entries: EdgeEntry[]) {
    for (const entry of entries) {
      const held: HeldEntry = {
        customerId: entry.customerId,
        doorId: entry.doorId,
        startsAtMs: Date.parse(entry.startsAt),
        endsAtMs: entry.endsAt === null ? Infinity : Date.parse(entry.endsAt),
        ...(entry.banned ? { banned: true as const } : {}),
      };
      push(this.byHash, entry.credentialHash, held);
      push(this.raw, entry.customerId, entry);
      let hashes = this.hashesByCustomer.get(entry.customerId);
      if (!hashes) this.hashesByCustomer.set(entry.customerId, (hashes = new Set()));
      hashes.add(entry.credentialHash);
    }
  }

  /** Applies a delta newer than what is held; an older or repeated one is ignored (false). */
  applyDelta(delta: PermissionDelta): boolean {
    if (delta.version <= this.version) return false;
    for (const { customerId, entries } of delta.customers) {
      this.removeCustomer(customerId);
      this.addEntries(entries);
    }
    if (delta.doors) this.setDoors(delta.doors);
    this.version = delta.version;
    return true;
  }

  private removeCustomer(customerId: string) {
    for (const hash of this.hashesByCustomer.get(customerId) ?? []) {
      const kept = (this.byHash.get(hash) ?? []).filter((e) => e.customerId !== customerId);
      if (kept.length) this.byHash.set(hash, kept);
      else this.byHash.delete(hash);
    }
    this.hashesByCustomer.delete(customerId);
    this.raw.delete(customerId);
  }

  /**
   * The file's JSON, built a slice of customers at a time with a turn of the event loop between
   * slices: JSON.stringify of 100,000 entries at once holds the loop for ~100 ms, and a tap
   * arriving then would wait for it; this way it waits for one slice (about a millisecond). The
   * text is of the cache as it was when called: deltas replace a customer's list instead of
   * changing it, so the lists taken at the start stay as they were.
   */
  async toJson(sliceSize = 2000): Promise<string> {
    const lists = [...this.raw.values()];
    const head = { version: this.version, doors: [...this.doors.values()], ...(this.revokedAt && { revokedAt: this.revokedAt }) };
    const parts: string[] = [];
    for (let i = 0; i < lists.length; i += sliceSize) {
      if (i > 0) await new Promise((resolve) => setImmediate(resolve));
      const text = JSON.stringify(lists.slice(i, i + sliceSize).flat());
      if (text.length > 2) parts.push(text.slice(1, -1));
    }
    return `${JSON.stringify(head).slice(0, -1)},"entries":[${parts.join(',')}]}`;
  }

  toFile(): PermissionFile {
    return {
      version: this.version,
      doors: [...this.doors.values()],
      entries: [...this.raw.values()].flat(),
      ...(this.revokedAt && { revokedAt: this.revokedAt }),
    };
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
