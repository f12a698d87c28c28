import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import { doorPermissions, doors } from '@foyer/schema/tables';
import type { DbOrTx } from '../../platform/db/connect.ts';

export type PermissionRow = {
  id: string;
  customerId: string;
  doorId: string;
  doorName: string;
  startsAt: Date;
  endsAt: Date | null;
  notes: string | null;
  createdAt: Date;
  revokedAt: Date | null;
};

export type PermissionColumns = { startsAt?: Date; endsAt?: Date | null; notes?: string | null };

function selectPermissions(db: DbOrTx) {
  return db
    .select({
      id: doorPermissions.id,
      customerId: doorPermissions.customerId,
      doorId: doorPermissions.doorId,
      doorName: doors.name,
      startsAt: doorPermissions.startsAt,
      endsAt: doorPermissions.endsAt,
      notes: doorPermissions.notes,
      createdAt: doorPermissions.createdAt,
      revokedAt: doorPermissions.revokedAt,
    })
    .from(doorPermissions)
    .innerJoin(doors, eq(doors.id, doorPermissions.doorId));
}

/** A customer's permissions that were not revoked (expired ones too: the profile says so), by door. */
export async function listPermissions(db: DbOrTx, orgId: string, customerId: string): Promise<PermissionRow[]> {
  return selectPermissions(db)
    .where(and(eq(doorPermissions.orgId, orgId), eq(doorPermissions.customerId, customerId), isNull(doorPermissions.revokedAt)))
    .orderBy(sql`lower(${doors.name})`, asc(doorPermissions.startsAt), desc(doorPermissions.createdAt));
}

export async function findPermission(db: DbOrTx, orgId: string, id: string): Promise<PermissionRow | undefined> {
  const [row] = await selectPermissions(db).where(and(eq(doorPermissions.orgId, orgId), eq(doorPermissions.id, id)));
  return row;
}

export async function insertPermission(
  tx: DbOrTx,
  orgId: string,
  values: { customerId: string; doorId: string; startsAt?: Date; endsAt?: Date | null; notes?: string | null },
): Promise<string> {
  const [row] = await tx
    .insert(doorPermissions)
    .values({ orgId, ...values })
    .returning({ id: doorPermissions.id });
  return row!.id;
}

export async function updatePermission(tx: DbOrTx, orgId: string, id: string, values: PermissionColumns) {
  await tx
    .update(doorPermissions)
    .set(values)
    .where(and(eq(doorPermissions.orgId, orgId), eq(doorPermissions.id, id)));
}

/** Whether a device could hold anything of the customer: only a permission row, live or not, puts them there. */
export async function hasAnyPermission(db: DbOrTx, orgId: string, customerId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: doorPermissions.id })
    .from(doorPermissions)
    .where(and(eq(doorPermissions.orgId, orgId), eq(doorPermissions.customerId, customerId)))
    .limit(1);
  return !!row;
}
