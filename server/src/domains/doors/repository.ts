import { and, eq, inArray, sql } from 'drizzle-orm';
import { doorPermissions, doors } from '@foyer/schema/tables';
import type { DbOrTx } from '../../platform/db/connect.ts';

export type DoorRow = typeof doors.$inferSelect;
export type DoorColumns = Partial<Pick<DoorRow, 'name' | 'location' | 'pulseMs' | 'lockType' | 'heldOpenAlarmSeconds'>>;

const byId = (orgId: string, id: string) => and(eq(doors.orgId, orgId), eq(doors.id, id));

/** The organization's doors by name. */
export async function listDoors(db: DbOrTx, orgId: string): Promise<DoorRow[]> {
  return db
    .select()
    .from(doors)
    .where(eq(doors.orgId, orgId))
    .orderBy(sql`lower(${doors.name})`);
}

export async function findDoor(db: DbOrTx, orgId: string, id: string): Promise<DoorRow | undefined> {
  const [row] = await db.select().from(doors).where(byId(orgId, id));
  return row;
}

/** Which of `ids` are doors of the organization (another organization's door is no door). */
export async function existingDoorIds(db: DbOrTx, orgId: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .select({ id: doors.id })
    .from(doors)
    .where(and(eq(doors.orgId, orgId), inArray(doors.id, ids)));
  return new Set(rows.map((r) => r.id));
}

export async function insertDoor(tx: DbOrTx, orgId: string, values: DoorColumns & { name: string }): Promise<DoorRow> {
  const [row] = await tx
    .insert(doors)
    .values({ orgId, ...values })
    .returning();
  return row!;
}

export async function updateDoor(tx: DbOrTx, orgId: string, id: string, values: DoorColumns): Promise<DoorRow | undefined> {
  const [row] = await tx.update(doors).set(values).where(byId(orgId, id)).returning();
  return row;
}

/** Its permissions and device assignments go with it (foreign key cascade); its log stays. */
export async function deleteDoor(tx: DbOrTx, orgId: string, id: string): Promise<boolean> {
  const rows = await tx.delete(doors).where(byId(orgId, id)).returning({ id: doors.id });
  return rows.length > 0;
}

/** Customers with any permission on the door, live or not: whom a device may hold for it. */
export async function customersWithPermissionOn(db: DbOrTx, orgId: string, doorId: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ customerId: doorPermissions.customerId })
    .from(doorPermissions)
    .where(and(eq(doorPermissions.orgId, orgId), eq(doorPermissions.doorId, doorId)));
  return rows.map((r) => r.customerId);
}
