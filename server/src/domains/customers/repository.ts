import { and, asc, eq, inArray, isNotNull, ne, sql, type SQL } from 'drizzle-orm';
import { companies, customerAddresses, customerCompanies, customerEmails, customerPhones, customers } from '@foyer/schema/tables';
import { fromSystemId, systemIdPattern, type Address, type NormalizedPhone } from '@foyer/schema/validation';
import { concurrently, type DbOrTx } from '../../platform/db/connect.ts';
import { loadCustomValues, type CustomValue } from '../custom-fields/customer-repository.ts';
import { loadTagsOf, type TagRef } from '../tags/customer-repository.ts';

export type CustomerRow = typeof customers.$inferSelect;

/** A customer with everything the profile shows. */
export type CustomerProfile = CustomerRow & {
  emails: { address: string }[];
  phones: NormalizedPhone[];
  previousPhones: (NormalizedPhone & { replacedAt: Date })[];
  addresses: Address[];
  tags: TagRef[];
  companies: { id: string; name: string; linkedBy: 'domain' | 'manual' }[];
  custom: Record<string, CustomValue>;
};

export type CustomerColumns = Partial<
  Pick<
    CustomerRow,
    | 'customerNumber'
    | 'firstName'
    | 'lastName'
    | 'externalId'
    | 'language'
    | 'source'
    | 'status'
    | 'dateOfBirth'
    | 'companyName'
    | 'marketingConsent'
    | 'consentAt'
    | 'consentMethod'
    | 'photoVersion'
    | 'erasedAt'
  >
>;

/** C3: a reference is the 32-hex system id or the customer number. */
export async function findCustomerIdByRef(db: DbOrTx, orgId: string, ref: string): Promise<string | undefined> {
  const match = systemIdPattern.test(ref) ? eq(customers.id, fromSystemId(ref)) : sql`lower(${customers.customerNumber}) = lower(${ref})`;
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

const groupBy = <T extends { customerId: string }>(rows: T[]) => {
  const map = new Map<string, T[]>();
  for (const row of rows) map.set(row.customerId, [...(map.get(row.customerId) ?? []), row]);
  return map;
};

/** Whole profiles, in the order of `ids`. */
export async function loadCustomers(db: DbOrTx, orgId: string, ids: string[]): Promise<CustomerProfile[]> {
  if (ids.length === 0) return [];
  const [rows, emails, phones, addresses, tagMap, links, custom] = await concurrently(db, [
    () =>
      db
        .select()
        .from(customers)
        .where(and(eq(customers.orgId, orgId), inArray(customers.id, ids))),
    () =>
      db
        .select({ customerId: customerEmails.customerId, address: customerEmails.address })
        .from(customerEmails)
        .where(and(eq(customerEmails.orgId, orgId), inArray(customerEmails.customerId, ids)))
        .orderBy(asc(customerEmails.position)),
    () =>
      db
        .select({
          customerId: customerPhones.customerId,
          e164: customerPhones.e164,
          raw: customerPhones.raw,
          position: customerPhones.position,
          replacedAt: customerPhones.replacedAt,
        })
        .from(customerPhones)
        .where(and(eq(customerPhones.orgId, orgId), inArray(customerPhones.customerId, ids)))
        .orderBy(asc(customerPhones.position), sql`${customerPhones.replacedAt} desc`),
    () =>
      db
        .select()
        .from(customerAddresses)
        .where(and(eq(customerAddresses.orgId, orgId), inArray(customerAddresses.customerId, ids)))
        .orderBy(asc(customerAddresses.position)),
    () => loadTagsOf(db, orgId, ids),
    () =>
      db
        .select({ customerId: customerCompanies.customerId, id: companies.id, name: companies.name, linkedBy: customerCompanies.linkedBy })
        .from(customerCompanies)
        .innerJoin(companies, eq(companies.id, customerCompanies.companyId))
        .where(and(eq(customerCompanies.orgId, orgId), inArray(customerCompanies.customerId, ids)))
        .orderBy(asc(companies.name)),
    () => loadCustomValues(db, orgId, ids),
  ]);
  const [emailMap, phoneMap, addressMap, linkMap] = [groupBy(emails), groupBy(phones), groupBy(addresses), groupBy(links)];
  const byId = new Map(
    rows.map((r) => {
      const allPhones = phoneMap.get(r.id) ?? [];
      const profile: CustomerProfile = {
        ...r,
        emails: (emailMap.get(r.id) ?? []).map(({ address }) => ({ address })),
        phones: allPhones.filter((p) => p.position !== null).map(({ e164, raw }) => ({ e164, raw })),
        previousPhones: allPhones.filter((p) => p.position === null).map(({ e164, raw, replacedAt }) => ({ e164, raw, replacedAt: replacedAt ?? r.updatedAt })),
        addresses: (addressMap.get(r.id) ?? []).map(({ purpose, line1, line2, city, region, postalCode, country }) => ({
          purpose,
          line1,
          line2,
          city,
          region,
          postalCode,
          country,
        })),
        tags: tagMap.get(r.id) ?? [],
        companies: (linkMap.get(r.id) ?? []).map(({ id, name, linkedBy }) => ({ id, name, linkedBy })),
        custom: custom.get(r.id) ?? {},
      };
      return [r.id, profile];
    }),
  );
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

/** Replaces the emails (the first is primary) and keeps customers.primary_email in step. */
export async function replaceEmails(tx: DbOrTx, orgId: string, customerId: string, addresses: string[]) {
  await tx.delete(customerEmails).where(and(eq(customerEmails.orgId, orgId), eq(customerEmails.customerId, customerId)));
  if (addresses.length) await tx.insert(customerEmails).values(addresses.map((address, position) => ({ orgId, customerId, address, position })));
  await tx
    .update(customers)
    .set({ primaryEmail: addresses[0] ?? null })
    .where(and(eq(customers.orgId, orgId), eq(customers.id, customerId)));
}

/**
 * Replaces the current phones (the first is primary). A number that leaves the list is kept as an
 * earlier number, still found by search (C5); one that comes back becomes current again.
 */
export async function replacePhones(tx: DbOrTx, orgId: string, customerId: string, phones: NormalizedPhone[]) {
  const mine = and(eq(customerPhones.orgId, orgId), eq(customerPhones.customerId, customerId));
  const next = phones.map((p) => p.e164);
  await tx
    .update(customerPhones)
    .set({ position: null, replacedAt: sql`now()` })
    .where(and(mine, isNotNull(customerPhones.position), next.length ? sql`${customerPhones.e164} <> all(${`{${next.join(',')}}`}::text[])` : undefined));
  if (next.length) await tx.delete(customerPhones).where(and(mine, inArray(customerPhones.e164, next)));
  if (phones.length) await tx.insert(customerPhones).values(phones.map((p, position) => ({ orgId, customerId, ...p, position })));
  await tx
    .update(customers)
    .set({ primaryPhone: phones[0]?.e164 ?? null })
    .where(and(eq(customers.orgId, orgId), eq(customers.id, customerId)));
}

export async function replaceAddresses(tx: DbOrTx, orgId: string, customerId: string, addresses: Address[]) {
  await tx.delete(customerAddresses).where(and(eq(customerAddresses.orgId, orgId), eq(customerAddresses.customerId, customerId)));
  if (addresses.length) await tx.insert(customerAddresses).values(addresses.map((a, position) => ({ orgId, customerId, ...a, position })));
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
        inArray(sql`(lower(${customerEmails.address}) collate "C")`, lowered),
        exceptCustomerId ? ne(customerEmails.customerId, exceptCustomerId) : undefined,
      ),
    );
}

export async function customerNumberTaken(db: DbOrTx, orgId: string, customerNumber: string, exceptId?: string) {
  const [row] = await db
    .select({ id: customers.id })
    .from(customers)
    .where(
      and(eq(customers.orgId, orgId), sql`lower(${customers.customerNumber}) = lower(${customerNumber})`, exceptId ? ne(customers.id, exceptId) : undefined),
    );
  return !!row;
}

export async function deleteCustomer(tx: DbOrTx, orgId: string, id: string) {
  await tx.delete(customers).where(and(eq(customers.orgId, orgId), eq(customers.id, id)));
}

/** The words of a customer's name, as customer_name_words holds them. */
export async function nameWordsOf(tx: DbOrTx, orgId: string, customerId: string): Promise<string[]> {
  const { rows } = await tx.execute<{ w: string }>(
    sql`select distinct w from customers c, regexp_split_to_table(c.name_search, ' ') w
        where c.org_id = ${orgId} and c.id = ${customerId} and w <> ''`,
  );
  return rows.map((r) => r.w);
}

/**
 * Drops name words (typo search's vocabulary) that no customer of the organization's name starts
 * with any more, in either order, so that an erased or deleted person's name does not linger
 * there. Both checks are ranges on the name indexes. A word only found inside a longer name
 * ("ann" of "Mary Ann Smith") goes too; that name's other words still find it.
 */
export async function pruneNameWords(tx: DbOrTx, orgId: string, words: string[]) {
  if (!words.length) return;
  const startsWith = (column: SQL) => sql`(${column} = w.word or (${column} >= w.word || ' ' and ${column} < w.word || U&' \\+10FFFF'))`;
  await tx.execute(
    sql`delete from customer_name_words w
        where w.org_id = ${orgId} and w.word = any(${sql.param(words)}::text[])
          and not exists (select 1 from customers c where c.org_id = ${orgId} and ${startsWith(sql`(c.sort_name collate "C")`)})
          and not exists (select 1 from customers c where c.org_id = ${orgId} and ${startsWith(sql`(c.name_search collate "C")`)})`,
  );
}
