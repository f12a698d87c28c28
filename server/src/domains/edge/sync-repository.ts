import { and, eq, sql } from 'drizzle-orm';
import { deviceDoors, doors, organizations } from '@foyer/schema/tables';
import type { DbOrTx } from '../../platform/db/connect.ts';

/**
 * Marks that something devices hold changed, inside the transaction that changed it, so the new
 * version and the change commit together: a device that says hello after the commit always sees
 * a version it does not hold. The row lock also orders concurrent changes of one organization.
 */
export async function bumpEdgeVersion(tx: DbOrTx, orgId: string): Promise<number | undefined> {
  const [row] = await tx
    .update(organizations)
    .set({ edgeVersion: sql`${organizations.edgeVersion} + 1` })
    .where(eq(organizations.id, orgId))
    .returning({ version: organizations.edgeVersion });
  return row?.version;
}

export async function edgeVersionOf(db: DbOrTx, orgId: string): Promise<number> {
  const [row] = await db.select({ version: organizations.edgeVersion }).from(organizations).where(eq(organizations.id, orgId));
  return row?.version ?? 0;
}

/** The doors a device drives, as it needs them to run their relays. */
export async function doorsOfDevice(db: DbOrTx, orgId: string, deviceId: string) {
  return db
    .select({
      id: doors.id,
      name: doors.name,
      pulseMs: doors.pulseMs,
      lockType: doors.lockType,
      heldOpenAlarmSeconds: doors.heldOpenAlarmSeconds,
    })
    .from(deviceDoors)
    .innerJoin(doors, eq(doors.id, deviceDoors.doorId))
    .where(and(eq(deviceDoors.deviceId, deviceId), eq(doors.orgId, orgId)))
    .orderBy(doors.name);
}

export type EntryRow = { credentialHash: string; customerId: string; doorId: string; startsAt: Date; endsAt: Date | null; banned?: true };

/**
 * What a device may open with: every live credential of every customer who holds a live
 * permission (not revoked, not ended) on one of the device's doors, while the customer is active
 * and not erased (one row per credential and permission), and every live credential of a banned
 * customer who holds one, flagged, for no door. `customerIds` narrows it to some customers.
 */
export async function entriesOfDevice(db: DbOrTx, orgId: string, deviceId: string, customerIds?: string[]): Promise<EntryRow[]> {
  if (customerIds?.length === 0) return [];
  const only = customerIds ? sql`and p.customer_id = any(${`{${customerIds.join(',')}}`}::uuid[])` : sql``;
  // A banned customer who would open one of these doors gets one entry per live credential, for no
  // door ('') and flagged: the agent then says `banned` rather than `unknown_credential`.
  const { rows } = await db.execute<{ hash: string; customer_id: string; door_id: string; starts_at: string; ends_at: string | null; banned: boolean }>(sql`
    select cr.hash, p.customer_id, p.door_id::text as door_id, p.starts_at, p.ends_at, false as banned
    from door_permissions p
    join device_doors dd on dd.door_id = p.door_id and dd.device_id = ${deviceId}
    join customers c on c.id = p.customer_id and c.org_id = ${orgId} and c.status = 'active' and c.erased_at is null
    join credentials cr on cr.customer_id = p.customer_id and cr.org_id = ${orgId} and cr.revoked_at is null
    where p.org_id = ${orgId} and p.revoked_at is null and (p.ends_at is null or p.ends_at > now()) ${only}
    union all
    select distinct cr.hash, p.customer_id, '' as door_id, 'epoch'::timestamptz as starts_at, null::timestamptz as ends_at, true as banned
    from door_permissions p
    join device_doors dd on dd.door_id = p.door_id and dd.device_id = ${deviceId}
    join customers c on c.id = p.customer_id and c.org_id = ${orgId} and c.status = 'banned' and c.erased_at is null
    join credentials cr on cr.customer_id = p.customer_id and cr.org_id = ${orgId} and cr.revoked_at is null
    where p.org_id = ${orgId} and p.revoked_at is null and (p.ends_at is null or p.ends_at > now()) ${only}
    order by customer_id, door_id, hash`);
  return rows.map((r) => ({
    credentialHash: r.hash,
    customerId: r.customer_id,
    doorId: r.door_id,
    startsAt: new Date(r.starts_at),
    endsAt: r.ends_at === null ? null : new Date(r.ends_at),
    ...(r.banned ? { banned: true as const } : {}),
  }));
}
