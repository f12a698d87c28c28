import { and, desc, eq, sql } from 'drizzle-orm';
import { customers, enquiries, users } from '@foyer/schema/tables';
import type { EnquiryStatus } from '@foyer/schema/validation';
import type { DbOrTx } from '../../platform/db/connect.ts';
import { customerDisplayName } from '../bookings/repository.ts';

export type EnquiryRow = typeof enquiries.$inferSelect;
export type EnquiryView = EnquiryRow & { customerNumber: string; customerName: string; assigneeName: string | null };

export async function insertEnquiry(tx: DbOrTx, values: Omit<typeof enquiries.$inferInsert, 'id' | 'createdAt' | 'updatedAt'>): Promise<EnquiryRow> {
  const [row] = await tx.insert(enquiries).values(values).returning();
  return row!;
}

export async function findEnquiry(db: DbOrTx, orgId: string, id: string, lock = false): Promise<EnquiryRow | undefined> {
  const query = db
    .select()
    .from(enquiries)
    .where(and(eq(enquiries.orgId, orgId), eq(enquiries.id, id)));
  const [row] = lock ? await query.for('update') : await query;
  return row;
}

export async function updateEnquiry(tx: DbOrTx, orgId: string, id: string, values: Partial<Pick<EnquiryRow, 'status' | 'assigneeId'>>) {
  await tx
    .update(enquiries)
    .set({ ...values, updatedAt: new Date() })
    .where(and(eq(enquiries.orgId, orgId), eq(enquiries.id, id)));
}

const view = {
  enquiry: enquiries,
  customerNumber: customers.customerNumber,
  customerName: customerDisplayName,
  assigneeName: users.name,
};

/** The inbox: newest first, by status and assignee (`none`: nobody's). */
export async function listEnquiries(
  db: DbOrTx,
  orgId: string,
  filter: { status?: EnquiryStatus; assignee?: string; customerId?: string; ids?: string[] },
  limit: number,
  offset: number,
): Promise<EnquiryView[]> {
  const rows = await db
    .select(view)
    .from(enquiries)
    .innerJoin(customers, eq(customers.id, enquiries.customerId))
    .leftJoin(users, eq(users.id, enquiries.assigneeId))
    .where(
      and(
        eq(enquiries.orgId, orgId),
        filter.status ? eq(enquiries.status, filter.status) : undefined,
        filter.assignee === 'none' ? sql`${enquiries.assigneeId} is null` : filter.assignee ? eq(enquiries.assigneeId, filter.assignee) : undefined,
        filter.customerId ? eq(enquiries.customerId, filter.customerId) : undefined,
        filter.ids ? sql`${enquiries.id} = any(${`{${filter.ids.join(',')}}`}::uuid[])` : undefined,
      ),
    )
    .orderBy(desc(enquiries.createdAt), desc(enquiries.id))
    .limit(limit)
    .offset(offset);
  return rows.map((r) => ({ ...r.enquiry, customerNumber: r.customerNumber, customerName: r.customerName, assigneeName: r.assigneeName }));
}

export async function countByStatus(db: DbOrTx, orgId: string): Promise<Record<EnquiryStatus, number>> {
  const rows = await db
    .select({ status: enquiries.status, n: sql<number>`count(*)::int` })
    .from(enquiries)
    .where(eq(enquiries.orgId, orgId))
    .groupBy(enquiries.status);
  const counts = { new: 0, in_progress: 0, won: 0, lost: 0 };
  for (const r of rows) counts[r.status] = r.n;
  return counts;
}

export async function staffMember(db: DbOrTx, orgId: string, userId: string) {
  const [row] = await db
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(and(eq(users.orgId, orgId), eq(users.id, userId)));
  return row;
}
