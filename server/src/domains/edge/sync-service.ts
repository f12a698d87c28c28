import { and, eq } from 'drizzle-orm';
import { customers } from '@foyer/schema/tables';
import { toSystemId, type EdgeDoor, type EdgeEntry } from '@foyer/schema/validation';
import type { Db, DbOrTx } from '../../platform/db/connect.ts';
import { domainEvents } from '../../platform/events.ts';
import { hasAnyPermission } from '../doors/permissions-repository.ts';
import { bumpEdgeVersion, doorsOfDevice, edgeVersionOf, entriesOfDevice } from './sync-repository.ts';

/** What a change touched, for the edge channel to work out which devices to tell what. */
export type EdgeScope = { customerIds?: string[]; doorIds?: string[]; deviceIds?: string[] };

/** A device as the edge channel knows it once signed in. */
export type EdgeDevice = { id: string; orgId: string; name: string };

/** What a device holds at one version: its doors and the entries it opens them with. */
export type EdgeState = { version: number; doors: EdgeDoor[]; entries: EdgeEntry[] };

/**
 * Runs `work` in a transaction that also bumps the organization's edge version, then, once it
 * committed, tells the edge channel what `work` said it touched. Every write that can change what
 * a device holds goes through here, so none can forget either half.
 */
export async function withEdgeChange<T>(db: Db, orgId: string, work: (tx: DbOrTx, touched: EdgeScope) => Promise<T>): Promise<T> {
  const touched: EdgeScope = {};
  let version = 0;
  const value = await db.transaction(async (tx) => {
    const result = await work(tx, touched);
    version = (await bumpEdgeVersion(tx, orgId)) ?? 0;
    return result;
  });
  domainEvents.emit('edge.changed', { orgId, version, ...touched });
  return value;
}

const toEntry = (r: Awaited<ReturnType<typeof entriesOfDevice>>[number]): EdgeEntry => ({
  credentialHash: r.credentialHash,
  customerId: toSystemId(r.customerId),
  doorId: r.doorId,
  startsAt: r.startsAt.toISOString(),
  endsAt: r.endsAt?.toISOString() ?? null,
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
   * CustomerService says a customer changed (status, erasure, deletion, merge). Only a customer
   * with a permission row can be on a device, so others change nothing; a deleted or merged one
   * (gone with their permissions) or an erased one (whose permissions erasure took) might have been
   * on one, so that always counts.
   */
  async customerChanged(orgId: string, customerId: string): Promise<void> {
    const [row] = await this.db
      .select({ erasedAt: customers.erasedAt })
      .from(customers)
      .where(and(eq(customers.orgId, orgId), eq(customers.id, customerId)));
    if (row && !row.erasedAt && !(await hasAnyPermission(this.db, orgId, customerId))) return;
    const version = await bumpEdgeVersion(this.db, orgId);
    // Another server's organization on a shared process bus (tests run several): nothing to tell.
    if (version === undefined) return;
    domainEvents.emit('edge.changed', { orgId, version, customerIds: [customerId] });
  }
}
