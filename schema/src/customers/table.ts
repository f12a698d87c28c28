import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  boolean,
  date,
  index,
  integer,
  pgEnum,
  pgSequence,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { organizations } from '../organizations/table.ts';
import { bytea } from '../platform/types.ts';

export const customerStatus = pgEnum('customer_status', ['active', 'banned']);
export const lifecycleStage = pgEnum('lifecycle_stage', ['lead', 'active', 'at_risk', 'churned']);
export const addressPurpose = pgEnum('address_purpose', ['billing', 'shipping', 'contact']);

/** Feeds generated customer numbers (C2); one sequence for all organizations keeps them short. */
export const customerNumberSeq = pgSequence('customer_number_seq', { startWith: 100001 });

export const customers = pgTable(
  'customers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    // A column default, so bulk loads through COPY get numbers exactly as the API does.
    customerNumber: text('customer_number')
      .notNull()
      .default(sql`'C' || nextval('customer_number_seq')`),
    firstName: text('first_name'),
    lastName: text('last_name'),
    externalId: text('external_id'),
    language: text('language'),
    source: text('source').notNull().default('dashboard'),
    status: customerStatus('status').notNull().default('active'),
    /**
     * Made by the public booking flow for someone who gave a known customer's email or phone
     * without proof that it is theirs: the customer they may be (for staff to merge, or not).
     */
    possibleDuplicateOf: uuid('possible_duplicate_of').references((): AnyPgColumn => customers.id, { onDelete: 'set null' }),
    dateOfBirth: date('date_of_birth'),
    companyName: text('company_name'),
    /** Set when the customer has a photo; part of the photo's URL so a new one is never cached stale. */
    photoVersion: integer('photo_version'),
    marketingConsent: boolean('marketing_consent').notNull().default(false),
    consentAt: timestamp('consent_at', { withTimezone: true }),
    /** How consent was given or withdrawn: "booking form", "in person", "email reply", "import" … */
    consentMethod: text('consent_method'),
    // Denormalized from customer_emails / customer_phones position 0 (kept by the service that
    // writes those), so the list sorts and shows them without a join per row.
    primaryEmail: text('primary_email'),
    primaryPhone: text('primary_phone'),
    // Kept by the order and booking writers (A1, A2); until orders exist a customer is a Lead.
    lifecycleStage: lifecycleStage('lifecycle_stage').notNull().default('lead'),
    totalSpentCents: bigint('total_spent_cents', { mode: 'number' }).notNull().default(0),
    clvCents: bigint('clv_cents', { mode: 'number' }).notNull().default(0),
    lastOrderAt: timestamp('last_order_at', { withTimezone: true }),
    lastActiveAt: timestamp('last_active_at', { withTimezone: true }),
    /**
     * The customer's tag ids, mirrored from customer_tags by a trigger (migration 0003) so that a
     * tag filter is a condition on the row itself, served by a GIN index, not a join per row.
     */
    tagIds: uuid('tag_ids')
      .array()
      .notNull()
      .default(sql`'{}'::uuid[]`),
    /** C9: set when the person's data was erased on request; the row stays for its transactions. */
    erasedAt: timestamp('erased_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    /** "first last", lowercased: what name search matches with trigrams. */
    nameSearch: text('name_search').generatedAlwaysAs(sql`lower(coalesce(first_name, '') || ' ' || coalesce(last_name, ''))`),
    /** "last first", lowercased, null for a customer without a name: the list's name order. */
    sortName: text('sort_name').generatedAlwaysAs(sql`nullif(lower(trim(coalesce(last_name, '') || ' ' || coalesce(first_name, ''))), '')`),
  },
  (t) => {
    const listFilters = [t.language, t.tagIds, t.lifecycleStage, t.status, t.source, t.marketingConsent];
    return [
      uniqueIndex('customers_org_number_idx').on(t.orgId, t.customerNumber),
      // A customer number is one whatever its case: `ada-00001` cannot sit beside `ADA-00001`, and
      // either ref opens the same person. (The index above stays for exact lookups and search.)
      uniqueIndex('customers_org_number_lower_idx').on(t.orgId, sql`lower(${t.customerNumber})`),
      // The list's default order (newest first) walks this index instead of sorting. It and the name
      // order below carry, after the id, the columns the list's commonest filters read (language,
      // tags, lifecycle, status, source, consent): a filtered page in these orders is then an
      // index-only scan that tests each entry on the index and stops at a page of matches, instead
      // of a visit to the table per entry passed over (a tag and a language: 1,400 rows read for a
      // page of 50, 11 ms; as index entries, 0.7 ms). The two orders a list is mostly shown in pay for
      // the wider keys; the other sorts keep narrow indexes. (Drizzle has no INCLUDE: trailing keys
      // after the unique id change no order.)
      // DESC NULLS FIRST is what ORDER BY created_at DESC means (and, read backwards, ASC): with
      // NULLS LAST, as it was, neither order matched and the unfiltered list sorted a million rows.
      index('customers_org_created_idx').on(t.orgId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst(), ...listFilters),
      index('customers_org_external_idx').on(t.orgId, t.externalId),
      // Name order and name prefixes compare bytes ("C" collation): names are lowercased already,
      // and byte comparisons keep sorting and prefix search on a million rows cheap.
      index('customers_org_sort_name_c_idx').on(t.orgId, sql`(${t.sortName} collate "C")`, t.id, ...listFilters),
      // With the "last first" key too: a first-name prefix search leaves out the customers the
      // last-name branch found, and counts its hits, by an index-only scan.
      index('customers_org_name_search_c_idx').on(t.orgId, sql`(${t.nameSearch} collate "C")`, t.id, sql`(${t.sortName} collate "C")`),
      index('customers_tag_ids_idx').using('gin', t.tagIds),
      index('customers_org_primary_email_idx').on(t.orgId, t.primaryEmail, t.id),
      index('customers_org_primary_phone_idx').on(t.orgId, t.primaryPhone, t.id),
      index('customers_org_total_spent_idx').on(t.orgId, t.totalSpentCents, t.id),
      index('customers_org_clv_idx').on(t.orgId, t.clvCents, t.id),
      index('customers_org_last_order_idx').on(t.orgId, t.lastOrderAt, t.id),
      index('customers_org_last_active_idx').on(t.orgId, t.lastActiveAt, t.id),
      index('customers_org_lifecycle_idx').on(t.orgId, t.lifecycleStage, t.id),
      // A list filtered by language (and tags) is counted on these entries alone: the count reads
      // only that language's entries, each a few bytes with its tags, and never the table
      // (a tag and a language, counted to COUNT_CAP on a million customers: 12 ms as a table scan
      // that reads every column up to tag_ids, 3–5 ms here). The id before the tags keeps a
      // language's entries in no particular tag order: with the tags as the third key, a tag's
      // customers came last and the count read 450,000 entries to find them.
      index('customers_org_language_idx').on(t.orgId, t.language, t.id, t.tagIds),
    ];
  },
);

/**
 * The distinct words of an organization's customer names (first and last, lowercased), kept by
 * triggers on customers (migration 0007). A search with a typo is matched against these few
 * thousand words, and the customers are then found through the name prefix indexes: no trigram
 * index over a million names. Words are never removed here on delete; erasure prunes them.
 */
export const customerNameWords = pgTable(
  'customer_name_words',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    word: text('word').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.word] })],
);

export const customerEmails = pgTable(
  'customer_emails',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id').notNull(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    address: text('address').notNull(),
    /** 0 is the primary address. */
    position: integer('position').notNull(),
  },
  (t) => [
    // C5: an email belongs to one customer of an organization, whatever its case. By bytes ("C",
    // the same equality): it also serves partial-email search by the start of an address.
    uniqueIndex('customer_emails_org_address_idx').on(t.orgId, sql`(lower(${t.address}) collate "C")`),
    // Partial-email search by the end of a local part ("lovelace@", "lovelace87@gma"), by bytes:
    // a btree instead of a trigram index, a fraction of the cost to load, and a fragment is one range.
    // The customer and the address ride along so that a common ending ("turcotte@", thousands
    // of addresses) is counted and ordered by an index-only scan.
    index('customer_emails_org_local_reversed_idx').on(t.orgId, sql`(reverse(lower(split_part(${t.address}, '@', 1))) collate "C")`, t.customerId, t.address),
    // Company domains match customers by the part after the @ (Co2).
    index('customer_emails_org_domain_idx').on(t.orgId, sql`lower(split_part(${t.address}, '@', 2))`),
    index('customer_emails_customer_idx').on(t.customerId, t.position),
  ],
);

export const customerPhones = pgTable(
  'customer_phones',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id').notNull(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    e164: text('e164').notNull(),
    raw: text('raw').notNull(),
    /** Order among current numbers; null for an earlier number, kept for matching (C5). */
    position: integer('position'),
    replacedAt: timestamp('replaced_at', { withTimezone: true }),
  },
  (t) => [index('customer_phones_org_e164_idx').on(t.orgId, t.e164), index('customer_phones_customer_idx').on(t.customerId, t.position)],
);

export const customerAddresses = pgTable(
  'customer_addresses',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id').notNull(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    purpose: addressPurpose('purpose').notNull(),
    line1: text('line1').notNull(),
    line2: text('line2'),
    city: text('city'),
    region: text('region'),
    postalCode: text('postal_code'),
    /** ISO 3166 alpha-2. */
    country: text('country'),
    position: integer('position').notNull(),
  },
  (t) => [
    index('customer_addresses_customer_idx').on(t.customerId, t.position),
    index('customer_addresses_org_city_idx').on(t.orgId, sql`lower(${t.city})`),
    index('customer_addresses_org_country_idx').on(t.orgId, t.country),
  ],
);

/** Photos live in the database: one place to back up, and a venue has few enough of them. */
export const customerPhotos = pgTable('customer_photos', {
  customerId: uuid('customer_id')
    .primaryKey()
    .references(() => customers.id, { onDelete: 'cascade' }),
  orgId: uuid('org_id').notNull(),
  contentType: text('content_type').notNull(),
  bytes: bytea('bytes').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
