import { and, eq, getTableColumns, inArray, isNotNull, ne, sql, type SQL } from 'drizzle-orm';
import { customerAddresses, customerEmails, customerPhones, customers } from '@foyer/schema/tables';
import { fromSystemId, systemIdPattern, type Address, type NormalizedPhone } from '@foyer/schema/validation';
import { isPool, prepared, type Db, type DbOrTx } from '../../platform/db/connect.ts';
import { companiesJsonOf } from '../companies/customer-repository.ts';
import { customValuesJsonOf, type CustomValue } from '../custom-fields/customer-repository.ts';
import { tagsJsonOf, type TagRef } from '../tags/customer-repository.ts';

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

type PhoneJson = { e164: string; raw: string; replacedAt: string | null };

/**
 * A profile as one row: the customer's columns and, as JSON columns aggregated in SQL, their
 * contacts, tags, companies and custom values. One statement (one round trip) for what was seven.
 */
// Spelled out: drizzle leaves the table off the columns of a one-table select, and a bare "id"
// inside the subqueries below would be the subquery's own.
const customerId = sql.raw('"customers"."id"');
const profileSelect = (db: DbOrTx) =>
  db
    .select({
      ...getTableColumns(customers),
      emailsJson: sql<{ address: string }[]>`coalesce((select json_agg(json_build_object('address', e.address) order by e.position)
        from customer_emails e where e.customer_id = ${customerId}), '[]'::json)`,
      phonesJson: sql<PhoneJson[]>`coalesce((select json_agg(json_build_object('e164', p.e164, 'raw', p.raw) order by p.position)
        from customer_phones p where p.customer_id = ${customerId} and p.position is not null), '[]'::json)`,
      previousPhonesJson: sql<
        PhoneJson[]
      >`coalesce((select json_agg(json_build_object('e164', p.e164, 'raw', p.raw, 'replacedAt', p.replaced_at) order by p.replaced_at desc)
        from customer_phones p where p.customer_id = ${customerId} and p.position is null), '[]'::json)`,
      addressesJson: sql<Address[]>`coalesce((select json_agg(json_build_object('purpose', a.purpose, 'line1', a.line1, 'line2', a.line2, 'city', a.city,
          'region', a.region, 'postalCode', a.postal_code, 'country', a.country) order by a.position)
        from customer_addresses a where a.customer_id = ${customerId}), '[]'::json)`,
      tagsJson: tagsJsonOf(customerId),
      companiesJson: companiesJsonOf(customerId),
      customJson: customValuesJsonOf(customerId),
    })
    .from(customers);

type ProfileRow = Awaited<ReturnType<ReturnType<typeof profileSelect>['execute']>>[number];

function toProfile({ emailsJson, phonesJson, previousPhonesJson, addressesJson, tagsJson, companiesJson, customJson, ...row }: ProfileRow): CustomerProfile {
  return {
    ...row,
    emails: emailsJson,
    phones: phonesJson.map(({ e164, raw }) => ({ e164, raw })),
    previousPhones: previousPhonesJson.map(({ e164, raw, replacedAt }) => ({ e164, raw, replacedAt: replacedAt ? new Date(replacedAt) : row.updatedAt })),
    addresses: addressesJson,
    tags: tagsJson,
    companies: companiesJson,
    custom: customJson,
  };
}

/** A profile by system id and by customer number, built once per database (see `prepared`). */
const profileById = (db: Db) =>
  prepared(db, 'customer_profile_by_id', (db, name) =>
    profileSelect(db)
      .where(and(eq(customers.orgId, sql.placeholder('orgId')), eq(customers.id, sql.placeholder('id'))))
      .prepare(name),
  );
const profileByNumber = (db: Db) =>
  prepared(db, 'customer_profile_by_number', (db, name) =>
    profileSelect(db)
      // Numbers are one whatever their case (customers_org_number_lower_idx).
      .where(and(eq(customers.orgId, sql.placeholder('orgId')), sql`lower(${customers.customerNumber}) = lower(${sql.placeholder('number')})`))
      .prepare(name),
  );

/** C3: the profile a reference names (the 32-hex system id or the customer number), in one statement. */
export async function loadCustomerByRef(db: Db, orgId: string, ref: string): Promise<CustomerProfile | undefined> {
  const [row] = systemIdPattern.test(ref)
    ? await profileById(db).execute({ orgId, id: fromSystemId(ref) })
    : await profileByNumber(db).execute({ orgId, number: ref });
  return row && toProfile(row);
}

/** Whole profiles, in the order of `ids`, in one statement. */
export async function loadCustomers(db: DbOrTx, orgId: string, ids: string[]): Promise<CustomerProfile[]> {
  if (ids.length === 0) return [];
  const rows =
    ids.length === 1 && isPool(db)
      ? await profileById(db).execute({ orgId, id: ids[0] })
      : await profileSelect(db).where(and(eq(customers.orgId, orgId), inArray(customers.id, ids)));
  const byId = new Map(rows.map((r) => [r.id, toProfile(r)]));
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
