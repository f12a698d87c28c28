import { sql } from 'drizzle-orm';
import { index, integer, pgEnum, pgSequence, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { organizations } from './orgs.ts';

export const customerStatus = pgEnum('customer_status', ['active', 'banned']);

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
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('customers_org_number_idx').on(t.orgId, t.customerNumber),
    // The list's default order (newest first) walks this index instead of sorting.
    index('customers_org_created_idx').on(t.orgId, t.createdAt.desc(), t.id.desc()),
    index('customers_org_external_idx').on(t.orgId, t.externalId),
  ],
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
    // C5: an email belongs to one customer of an organization, whatever its case.
    uniqueIndex('customer_emails_org_address_idx').on(t.orgId, sql`lower(${t.address})`),
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
    position: integer('position').notNull(),
  },
  (t) => [
    index('customer_phones_org_e164_idx').on(t.orgId, t.e164),
    index('customer_phones_customer_idx').on(t.customerId, t.position),
  ],
);
