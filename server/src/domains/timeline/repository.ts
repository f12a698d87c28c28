import { and, desc, eq } from 'drizzle-orm';
import { activities } from '@foyer/schema/tables';
import type { DbOrTx } from '../../platform/db/connect.ts';

export type NewActivity = Omit<typeof activities.$inferInsert, 'id'>;
export type ActivityRow = typeof activities.$inferSelect;

export async function insertActivities(tx: DbOrTx, rows: NewActivity[]) {
  if (rows.length) await tx.insert(activities).values(rows);
}

/** Ac1: a page of one customer's timeline, newest first; one row more than asked says there is more. */
export async function pageOfActivities(db: DbOrTx, orgId: string, customerId: string, offset: number, limit: number): Promise<ActivityRow[]> {
  return db
    .select()
    .from(activities)
    .where(and(eq(activities.orgId, orgId), eq(activities.customerId, customerId)))
    .orderBy(desc(activities.occurredAt), desc(activities.id))
    .offset(offset)
    .limit(limit);
}
