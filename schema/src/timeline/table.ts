
import { bigserial, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { customerRef, orgRef } from '../platform/columns.ts';

const at = (name: string) => timestamp(name, { withTimezone: true });

/** Ac1: one customer's timeline, every kind of thing that happened, starting with door visits. */
export const activities = pgTable(
  'activities',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    orgId: orgRef(),
    customerId: customerRef(),
    /** visit, order, booking, payment, enquiry, email, note, profile, registration, merge … */
    category: text('category').notNull(),
    /** e.g. door_entry */
    type: text('type').notNull(),
    /** Who or what recorded it, e.g. `edge:<device name>`. */
    source: text('source').notNull(),
    occurredAt: at('occurred_at').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index('activities_customer_idx').on(t.orgId, t.customerId, t.occurredAt.desc(), t.id.desc())],
);
