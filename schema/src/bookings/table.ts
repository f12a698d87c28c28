import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, customerRef, orgRef } from '../platform/columns.ts';
import { users } from '../organizations/table.ts';

const at = (name: string) => timestamp(name, { withTimezone: true });

/** One opening period of a weekday, in the organization's time zone ("09:00"–"17:30"). */
export type OpeningPeriod = { weekday: 0 | 1 | 2 | 3 | 4 | 5 | 6; opens: string; closes: string };

/**
 * C8: what the public booking flow offers. A slot starts every `slotIntervalMinutes` inside the
 * opening hours and lasts `durationMinutes`; at most `capacity` people are booked into one slot.
 */
export const services = pgTable(
  'services',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: orgRef(),
    name: text('name').notNull(),
    description: text('description'),
    durationMinutes: integer('duration_minutes').notNull(),
    slotIntervalMinutes: integer('slot_interval_minutes').notNull(),
    priceCents: integer('price_cents').notNull().default(0),
    currency: text('currency').notNull().default('GBP'),
    capacity: integer('capacity').notNull().default(1),
    openingHours: jsonb('opening_hours').$type<OpeningPeriod[]>().notNull().default([]),
    /** Offered in the public flow; an inactive service keeps its bookings. */
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('services_org_name_idx').on(t.orgId, sql`lower(${t.name})`),
    check('services_capacity_positive', sql`${t.capacity} > 0`),
    check('services_duration_positive', sql`${t.durationMinutes} > 0 and ${t.slotIntervalMinutes} > 0`),
  ],
);

/** `no_show`: staff marked that the guest did not come (the place is no longer counted as taken). */
export const bookingStatus = pgEnum('booking_status', ['confirmed', 'cancelled', 'no_show']);

/** A customer's place in one slot of a service (C8); `partySize` places count against capacity. */
export const bookings = pgTable(
  'bookings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: orgRef(),
    serviceId: uuid('service_id')
      .notNull()
      .references(() => services.id, { onDelete: 'cascade' }),
    customerId: customerRef(),
    startsAt: at('starts_at').notNull(),
    endsAt: at('ends_at').notNull(),
    partySize: integer('party_size').notNull().default(1),
    status: bookingStatus('status').notNull().default('confirmed'),
    priceCents: integer('price_cents').notNull().default(0),
    currency: text('currency').notNull().default('GBP'),
    /** The channel: online (the public flow), desk or phone (staff took it). */
    source: text('source').notNull().default('online'),
    /** The staff member who took it (desk, phone; null online): they may cancel it without bookings.manage. */
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    /** A retried confirmation with the same key returns the first booking instead of a second. */
    idempotencyKey: text('idempotency_key'),
    createdAt: createdAt(),
    cancelledAt: at('cancelled_at'),
    /** Checked in at the desk (a door visit that day counts as arrived too, without this). */
    checkedInAt: at('checked_in_at'),
    checkedInBy: uuid('checked_in_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [
    index('bookings_slot_idx').on(t.serviceId, t.startsAt),
    index('bookings_customer_idx').on(t.orgId, t.customerId, t.startsAt.desc()),
    // The day view: an organization's bookings between two instants.
    index('bookings_org_day_idx').on(t.orgId, t.startsAt),
    uniqueIndex('bookings_idempotency_idx').on(t.orgId, t.idempotencyKey),
    check('bookings_party_positive', sql`${t.partySize} > 0`),
  ],
);
