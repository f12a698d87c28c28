import { and, asc, desc, eq, inArray, ne, sql } from 'drizzle-orm';
import { customerEmails, customerPhones, customers } from '@foyer/schema/tables';
import { fromSystemId, systemIdPattern, type NormalizedPhone } from '@foyer/schema/validation';
import type { DbOrTx } from '../db/connect.ts';

export type CustomerRow = typeof customers.$inferSelect;
export type CustomerWithContacts = CustomerRow & {
  emails: { address: string }[];
  phones: NormalizedPhone[];
};
export type CustomerColumns = Partial<
  Pick<CustomerRow, 'customerNumber' | 'firstName' | 'lastName' | 'externalId' | 'language' | 'source' | 'status'>
>;

/** C3: a reference is the 32-hex system id or the customer number. */
export async function findCustomerIdByRef(db: DbOrTx, orgId: string, ref: string): Promise<string | undefined> {
  const match = systemIdPattern.test(ref)
    ? eq(customers.id, fromSystemId(ref))
    : eq(customers.customerNumber, ref);
  const [row] = await db
    .select({ id: customers.id })
    .from(customers)
    .where(and(eq(customers.orgId, orgId), match));
  return row?.id;
}

/** Locks the customer's row for the rest of the transaction, so concurrent edits queue. */
export async function lockCustomer(tx: DbOrTx, orgId: string, id: string) {
  const [row] = await tx
    .select()
    .from(customers)
    .where(and(eq(customers.orgId, orgId), eq(customers.id, id)))
    .for('update');
  return row;
}

/** Customers with their emails and phones, in the order of `ids`. */
export async function loadCustomers(db: DbOrTx, orgId: string, ids: string[]): Promise<CustomerWithContacts[]> {
  if (ids.length === 0) return [];
  const [rows, emails, phones] = await Promise.all([
    db.select().from(customers).where(and(eq(customers.orgId, orgId), inArray(customers.id, ids))),
    db
      .select({ customerId: customerEmails.customerId, address: customerEmails.address })
      .from(customerEmails)
      .where(and(eq(customerEmails.orgId, orgId), inArray(customerEmails.customerId, ids)))
      .orderBy(asc(customerEmails.position)),
    db
      .select({ customerId: customerPhones.customerId, e164: customerPhones.e164, raw: customerPhones.raw })
      .from(customerPhones)
      .where(and(eq(customerPhones.orgId, orgId), inArray(customerPhones.customerId, ids)))
      .orderBy(asc(customerPhones.position)),
  ]);
  const byId = new Map(rows.map((r) => [r.id, { ...r, emails: [] as { address: string }[], phones: [] as NormalizedPhone[] }]));
  for (const e of emails) byId.get(e.customerId)?.emails.push({ address: e.address });
  for (const p of phones) byId.get(p.customerId)?.phones.push({ e164: p.e164, raw: p.raw });
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export async function insertCustomer(tx: DbOrTx, orgId: string, values: CustomerColumns): Promise<CustomerRow> {
  const [row] = await tx
    .insert(customers)
    .values({ orgId, ...values })
    .returning();
  return row!;
}

export async function updateCustomerColumns(tx: DbOrTx, orgId: string, id: string, values: CustomerColumns) {
  await tx
    .update(customers)
    .set({ ...values, updatedAt: sql`now()` })
    .where(and(eq(customers.orgId, orgId), eq(customers.id, id)));
}

export async function replaceEmails(tx: DbOrTx, orgId: string, customerId: string, addresses: string[]) {
  await tx.delete(customerEmails).where(and(eq(customerEmails.orgId, orgId), eq(customerEmails.customerId, customerId)));
  if (addresses.length)
    await tx.insert(customerEmails).values(addresses.map((address, position) => ({ orgId, customerId, address, position })));
}

export async function replacePhones(tx: DbOrTx, orgId: string, customerId: string, phones: NormalizedPhone[]) {
  await tx.delete(customerPhones).where(and(eq(customerPhones.orgId, orgId), eq(customerPhones.customerId, customerId)));
  if (phones.length)
    await tx.insert(customerPhones).values(phones.map((p, position) => ({ orgId, customerId, ...p, position })));
}

/** Which of these addresses another customer already holds (case-insensitive), and who. */
export async function findEmailHolders(db: DbOrTx, orgId: string, addresses: string[], exceptCustomerId?: string) {
  if (addresses.length === 0) return [];
  const lowered = addresses.map((a) => a.toLowerCase());
  return db
    .select({ address: customerEmails.address, customerNumber: customers.customerNumber })
    .from(customerEmails)
    .innerJoin(customers, eq(customers.id, customerEmails.customerId))
    .where(
      and(
        eq(customerEmails.orgId, orgId),
        inArray(sql`lower(${customerEmails.address})`, lowered),
        exceptCustomerId ? ne(customerEmails.customerId, exceptCustomerId) : undefined,
      ),
    );
}

export async function customerNumberTaken(db: DbOrTx, orgId: string, customerNumber: string, exceptId?: string) {
  const [row] = await db
    .select({ id: customers.id })
    .from(customers)
    .where(
      and(
        eq(customers.orgId, orgId),
        eq(customers.customerNumber, customerNumber),
        exceptId ? ne(customers.id, exceptId) : undefined,
      ),
    );
  return !!row;
}

/** One page of the list, newest first (the index customers_org_created_idx serves it). */
export async function listCustomerPage(db: DbOrTx, orgId: string, limit: number, offset: number) {
  const [ids, [count]] = await Promise.all([
    db
      .select({ id: customers.id })
      .from(customers)
      .where(eq(customers.orgId, orgId))
      .orderBy(desc(customers.createdAt), desc(customers.id))
      .limit(limit)
      .offset(offset),
    db.select({ n: sql<number>`count(*)::int` }).from(customers).where(eq(customers.orgId, orgId)),
  ]);
  return { ids: ids.map((r) => r.id), total: count!.n };
}

export async function deleteCustomer(tx: DbOrTx, orgId: string, id: string) {
  await tx.delete(customers).where(and(eq(customers.orgId, orgId), eq(customers.id, id)));
}
