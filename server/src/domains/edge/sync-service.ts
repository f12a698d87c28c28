import { and, eq } from 'drizzle-orm';
import { customers } from '@foyer/schema/tables';
import { toSystemId, type EdgeDoor, type EdgeEntry } from '@foyer/schema/validation';
import type { Db, DbOrTx } from '../../platform/db/connect.ts';
import { writeEvent } from '../../platform/outbox.ts';
import { hasAnyPermission } from '../doors/permissions-repository.ts';
import { bumpEdgeVersion, doorsOfDevice, edgeVersionOf, entriesOfDevice } from './sync-repository.ts';

/** What a change touched, for the edge channel to work out which devices to tell what. */
export type EdgeScope = { customerIds?: string[]; doorIds?: string[]; deviceIds?: string[] };

/** A device as the edge channel knows it once signed in. */
export type EdgeDevice = { id: string; orgId: string; name: string };

/** What a device holds at one version: its doors and the entries it opens them with. */
export type EdgeState = { version: number; doors: EdgeDoor[]; entries: EdgeEntry[] };

/**
 * Runs `work` in a transaction that also bumps the organization's edge version and writes
 * `edge.changed` (what `work` said it touched, as of that version) to the outbox: the change, the
 * version and the event commit together, and every node pushes the deltas to the devices connected
 * to it (edge/index.ts). Every write that can change what a device holds goes through here, so
 * none can forget a part.
 */
export async function withEdgeChange<T>(db: Db, orgId: string, work: (tx: DbOrTx, touched: EdgeScope) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    const touched: EdgeScope = {};
    const result = await work(tx, touched);
    await edgeChanged(tx, orgId, touched);
    return result;
  });
}

/** Bumps the organization's edge version and writes `edge.changed` for it, in the caller's transaction. */
async function edgeChanged(tx: DbOrTx, orgId: string, touched: EdgeScope): Promise<void> {
  const version = await bumpEdgeVersion(tx, orgId);
  if (version === undefined) return; // no such organization: no device to tell
  await writeEvent(tx, { orgId, name: 'edge.changed', payload: { version, ...touched } });
}

const toEntry = (r: Awaited<ReturnType<typeof entriesOfDevice>>[number]): EdgeEntry => ({
  credentialHash: r.credentialHash,
  customerId: toSystemId(r.customerId),
  doorId: r.doorId,
  startsAt: r.startsAt.toISOString(),
  endsAt: r.endsAt?.toISOString() ?? null,
  ...(r.banned ? { banned: true as const } : {}),
});

/** Da2: what each device holds, read consistently, and when a customer's change reaches the doors. */
export class EdgeSyncService {
  constructor(private readonly db: Db) {}

  /**
   * The device's doors and entries (all, or only those of `customerIds`) with the version they are
   * at, read in one snapshot of the database so the version never claims more than the entries show.
   */
  async read(device: EdgeDevice, customerIds?: string[]): Promise<EdgeState> {
    return this.db.transaction(
      async (tx) => {
        const version = await edgeVersionOf(tx, device.orgId);
        const doors = await doorsOfDevice(tx, device.orgId, device.id);
        const entries = await entriesOfDevice(tx, device.orgId, device.id, customerIds);
        return { version, doors, entries: entries.map(toEntry) };
      },
      { isolationLevel: 'repeatable read', accessMode: 'read only' },
    );
  }

  /**
   * A customer changed (status, erasure, deletion, merge): the durable subscriber of
   * `customer.changed` calls this in its delivery's transaction, so the version bump and the
   * `edge.changed` it writes happen once per event. Only a customer with a permission row can be
   * on a device, so others change nothing; a deleted or merged one (gone with their permissions)
   * or an erased one (whose permissions erasure took) might have been on one, so that always counts.
   */
  async customerChanged(tx: DbOrTx, orgId: string, customerId: string): Promise<void> {
    const [row] = await tx
      .select({ erasedAt: customers.erasedAt })
      .from(customers)
      .where(and(eq(customers.orgId, orgId), eq(customers.id, customerId)));
    if (row && !row.erasedAt && !(await hasAnyPermission(tx, orgId, customerId))) return;
    await edgeChanged(tx, orgId, { customerIds: [customerId] });
  }
}
