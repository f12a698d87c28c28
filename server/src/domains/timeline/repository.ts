import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { activities, customers, users } from '@foyer/schema/tables';
import type { StaffRef, TimelineEntry, TimelineType } from '@foyer/schema/validation';
import type { DbOrTx } from '../../platform/db/connect.ts';

export type ActivityRow = typeof activities.$inferSelect;

/** An entry as it is written: the union's fields without the id the database gives it. */
export type NewEntry = TimelineEntry extends infer E ? (E extends TimelineEntry ? Omit<E, 'id'> : never) : never;

/** The row of an entry: its kind's own fields and actor go to `data`. */
export function toRow(orgId: string, customerId: string, eventId: number, entry: NewEntry) {
  const { type, category, source, occurredAt, ...data } = entry;
  return { orgId, customerId, eventId, type, category, source, occurredAt: new Date(occurredAt), data };
}

/** The entry of a row, not yet checked against the union (the service parses it). */
export const fromRow = (r: ActivityRow): Record<string, unknown> => ({
  ...r.data,
  id: r.id,
  type: r.type,
  category: r.category,
  source: r.source,
  occurredAt: r.occurredAt.toISOString(),
});

/** Writes an entry unless its event wrote one already (a redelivery); returns the new id, or undefined. */
export async function insertEntry(tx: DbOrTx, row: ReturnType<typeof toRow>): Promise<number | undefined> {
  const [inserted] = await tx.insert(activities).values(row).onConflictDoNothing({ target: activities.eventId }).returning({ id: activities.id });
  return inserted?.id;
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

export async function activityById(db: DbOrTx, orgId: string, id: number): Promise<ActivityRow | undefined> {
  const [row] = await db
    .select()
    .from(activities)
    .where(and(eq(activities.orgId, orgId), eq(activities.id, id)));
  return row;
}

/**
 * The customer's latest entry of these types whose data says `lastEditedAt` at or after `since`
 * (a note's editing session still open), locked for the transaction.
 */
export async function openSession(tx: DbOrTx, orgId: string, customerId: string, types: TimelineType[], since: Date): Promise<ActivityRow | undefined> {
  const [row] = await tx
    .select()
    .from(activities)
    .where(
      and(
        eq(activities.orgId, orgId),
        eq(activities.customerId, customerId),
        inArray(activities.type, types),
        sql`(${activities.data}->>'lastEditedAt')::timestamptz >= ${since.toISOString()}::timestamptz`,
      ),
    )
    .orderBy(desc(activities.occurredAt), desc(activities.id))
    .limit(1)
    .for('update');
  return row;
}

export async function setEntryData(tx: DbOrTx, id: number, data: Record<string, unknown>) {
  await tx.update(activities).set({ data }).where(eq(activities.id, id));
}

/** Serializes the writers of one customer's entries of one sort (a note's sessions) across nodes, until the transaction ends. */
export async function lockFor(tx: DbOrTx, key: string) {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
}

/** Staff of the organization by id, as entries name them. */
export async function staffRefs(db: DbOrTx, orgId: string, ids: (string | null | undefined)[]): Promise<Map<string, StaffRef>> {
  const wanted = [...new Set(ids.filter((id): id is string => !!id))];
  if (!wanted.length) return new Map();
  const rows = await db
    .select({ userId: users.id, name: users.name })
    .from(users)
    .where(and(eq(users.orgId, orgId), inArray(users.id, wanted)));
  return new Map(rows.map((r) => [r.userId, r]));
}

/** Whether the customer is there (not deleted) and whether they were erased. */
export async function customerState(db: DbOrTx, orgId: string, customerId: string) {
  const [row] = await db
    .select({ erasedAt: customers.erasedAt })
    .from(customers)
    .where(and(eq(customers.orgId, orgId), eq(customers.id, customerId)));
  return row && { erased: row.erasedAt !== null };
}
