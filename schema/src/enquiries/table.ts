import { sql } from 'drizzle-orm';
import { check, date, index, integer, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { createdAt, customerRef, orgRef } from '../platform/columns.ts';
import { users } from '../organizations/table.ts';

const at = (name: string) => timestamp(name, { withTimezone: true });

export const enquiryStatus = pgEnum('enquiry_status', ['new', 'in_progress', 'won', 'lost']);

/**
 * C8: what someone asked through the public enquiry form (or staff noted), linked to the customer
 * it was matched to or created for. What the form said about the person (name, email, phone) is
 * kept here, as they typed it, and never copied onto a customer who was already on file: a
 * stranger typing someone else's email must not change (or read back) that customer's record.
 */
export const enquiries = pgTable(
  'enquiries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: orgRef(),
    customerId: customerRef(),
    status: enquiryStatus('status').notNull().default('new'),
    /** The staff member working it; null while nobody has taken it. */
    assigneeId: uuid('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    /** As given on the form. */
    contactName: text('contact_name'),
    contactEmail: text('contact_email'),
    contactPhone: text('contact_phone'),
    message: text('message').notNull(),
    /** The day they ask about (a local date of the venue), if any. */
    preferredDate: date('preferred_date', { mode: 'string' }),
    partySize: integer('party_size'),
    /** online (the public form) or dashboard. */
    source: text('source').notNull().default('online'),
    createdAt: createdAt(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('enquiries_org_status_idx').on(t.orgId, t.status, t.createdAt.desc()),
    index('enquiries_org_created_idx').on(t.orgId, t.createdAt.desc()),
    index('enquiries_customer_idx').on(t.orgId, t.customerId),
    check('enquiries_party_positive', sql`${t.partySize} is null or ${t.partySize} > 0`),
  ],
);
