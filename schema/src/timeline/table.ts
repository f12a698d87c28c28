import { bigint, bigserial, index, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { customerRef, orgRef } from '../platform/columns.ts';

const at = (name: string) => timestamp(name, { withTimezone: true });

/**
 * Ac1: one customer's timeline. Each row is one entry of the TimelineEntry union
 * (timeline/wire.ts): `type` says which, `category`, `source` and `occurred_at` are columns, and
 * `data` holds the kind's own fields and its actor. Rows are written only by the timeline domain's
 * outbox subscribers, each from one event (`event_id`, once: a redelivered event finds its entry).
 */
export const activities = pgTable(
  'activities',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    orgId: orgRef(),
    customerId: customerRef(),
    /** visit, booking, profile, note … (later order, payment, enquiry, email, registration) */
    category: text('category').notNull(),
    /** The entry's kind, e.g. door_entry, booking_confirmed: the union's discriminator. */
    type: text('type').notNull(),
    /** dashboard, online, edge, import, system (TimelineSource). */
    source: text('source').notNull(),
    occurredAt: at('occurred_at').notNull(),
    /** The kind's own fields and `actor`, as the union declares them (never id, type, category, source or occurredAt). */
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    /** The outbox event that wrote the entry (null for entries from before the outbox). */
    eventId: bigint('event_id', { mode: 'number' }),
  },
  (t) => [index('activities_customer_idx').on(t.orgId, t.customerId, t.occurredAt.desc(), t.id.desc()), uniqueIndex('activities_event_idx').on(t.eventId)],
);
