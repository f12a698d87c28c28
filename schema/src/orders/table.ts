import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, numeric, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { bookings, services } from '../bookings/table.ts';
import { customers } from '../customers/table.ts';
import { users } from '../organizations/table.ts';
import { createdAt, customerRef, orgRef } from '../platform/columns.ts';

const at = (name: string) => timestamp(name, { withTimezone: true });
const money = (name: string) => bigint(name, { mode: 'number' });

export const orderStatus = pgEnum('order_status', ['open', 'paid', 'part_refunded', 'refunded', 'cancelled']);
/** Where an order came from (C8): the till, the website, staff at the desk, an import, an integrator's API call. */
export const orderChannel = pgEnum('order_channel', ['pos', 'online', 'desk', 'import', 'api']);

/**
 * Ac2: an order of its own, linked to its customer. Amounts are minor units of `currency`;
 * `paidCents` and `refundedCents` are kept by the payment writer in the transaction that writes
 * the payment (the order row is locked for it), so the status and what is outstanding are read
 * off the row.
 */
export const orders = pgTable(
  'orders',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: orgRef(),
    customerId: customerRef(),
    channel: orderChannel('channel').notNull(),
    /** The till's or the website's own id: unique per organization and channel, so a resend finds the first. */
    externalId: text('external_id'),
    status: orderStatus('status').notNull().default('open'),
    currency: text('currency').notNull(),
    subtotalCents: money('subtotal_cents').notNull(),
    taxCents: money('tax_cents').notNull(),
    totalCents: money('total_cents').notNull(),
    paidCents: money('paid_cents').notNull().default(0),
    refundedCents: money('refunded_cents').notNull().default(0),
    note: text('note'),
    /** When the customer ordered (an import or a till may send an earlier time than createdAt). */
    placedAt: at('placed_at').notNull().defaultNow(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    cancelledAt: at('cancelled_at'),
  },
  (t) => [
    uniqueIndex('orders_org_channel_external_idx').on(t.orgId, t.channel, t.externalId),
    index('orders_customer_idx').on(t.orgId, t.customerId, t.placedAt.desc()),
    index('orders_org_placed_idx').on(t.orgId, t.placedAt.desc(), t.id),
    check('orders_amounts_sane', sql`${t.totalCents} >= 0 and ${t.paidCents} >= 0 and ${t.refundedCents} >= 0 and ${t.refundedCents} <= ${t.paidCents}`),
  ],
);

/** One line of an order: a product or service, how many, at what unit price, with its tax. */
export const orderLines = pgTable(
  'order_lines',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: orgRef(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    /** The service sold, when it is one of the venue's (its name is copied: a later rename does not rewrite history). */
    serviceId: uuid('service_id').references(() => services.id, { onDelete: 'set null' }),
    name: text('name').notNull(),
    quantity: integer('quantity').notNull(),
    unitPriceCents: money('unit_price_cents').notNull(),
    /** Basis points: 2000 is 20 %. Tax is added to the net amount. */
    taxRateBp: integer('tax_rate_bp').notNull().default(0),
    taxCents: money('tax_cents').notNull(),
    totalCents: money('total_cents').notNull(),
  },
  (t) => [uniqueIndex('order_lines_order_position_idx').on(t.orderId, t.position), check('order_lines_quantity_positive', sql`${t.quantity} > 0`)],
);

export const paymentKind = pgEnum('payment_kind', ['payment', 'refund']);
export const paymentMethod = pgEnum('payment_method', ['card', 'cash', 'bank_transfer', 'voucher', 'online', 'other']);
export const paymentStatus = pgEnum('payment_status', ['succeeded', 'pending', 'failed']);

/**
 * Money in and out: a payment or a refund, for an order or for a booking (exactly one). Its
 * customer is the order's or booking's, copied so a customer's money is one index away.
 */
export const payments = pgTable(
  'payments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: orgRef(),
    customerId: customerRef(),
    orderId: uuid('order_id').references(() => orders.id, { onDelete: 'cascade' }),
    bookingId: uuid('booking_id').references(() => bookings.id, { onDelete: 'cascade' }),
    kind: paymentKind('kind').notNull(),
    method: paymentMethod('method').notNull(),
    status: paymentStatus('status').notNull().default('succeeded'),
    amountCents: money('amount_cents').notNull(),
    currency: text('currency').notNull(),
    reason: text('reason'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    index('payments_order_idx').on(t.orderId),
    index('payments_booking_idx').on(t.bookingId),
    index('payments_customer_idx').on(t.orgId, t.customerId, t.createdAt),
    check('payments_one_target', sql`(${t.orderId} is null) <> (${t.bookingId} is null)`),
    check('payments_amount_positive', sql`${t.amountCents} > 0`),
  ],
);

/**
 * A2: a customer's figures, kept by the figures subscriber within a second of a change and
 * recomputed nightly (time alone moves people from Active to At-Risk). The list's columns
 * (lifecycle, total spent, CLV, last order) are copied onto the customer row by the same writer.
 */
export const customerFigures = pgTable(
  'customer_figures',
  {
    customerId: uuid('customer_id')
      .primaryKey()
      .references(() => customers.id, { onDelete: 'cascade' }),
    orgId: orgRef(),
    currency: text('currency').notNull(),
    totalOrders: integer('total_orders').notNull().default(0),
    totalBookings: integer('total_bookings').notNull().default(0),
    /** Net of refunds, orders and bookings, in `currency` (the organization's default). */
    totalSpentCents: money('total_spent_cents').notNull().default(0),
    averageOrderCents: money('average_order_cents'),
    /** Mean days between orders; null before the second. */
    orderFrequencyDays: numeric('order_frequency_days', { precision: 10, scale: 2, mode: 'number' }),
    firstOrderAt: at('first_order_at'),
    lastOrderAt: at('last_order_at'),
    lastContactAt: at('last_contact_at'),
    computedAt: at('computed_at').notNull().defaultNow(),
  },
  (t) => [index('customer_figures_org_idx').on(t.orgId)],
);

/**
 * Integrators (issue 13): an organization's API keys. Only a SHA-256 of the secret is stored; the
 * secret is shown once. A key acts as the owner who made it, narrowed to its permissions.
 */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: orgRef(),
    name: text('name').notNull(),
    /** The first characters of the secret, to tell keys apart ("fy_3kQ9…"). */
    prefix: text('prefix').notNull(),
    secretHash: text('secret_hash').notNull(),
    permissions: text('permissions').array().notNull(),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    lastUsedAt: at('last_used_at'),
    revokedAt: at('revoked_at'),
  },
  (t) => [uniqueIndex('api_keys_secret_hash_idx').on(t.secretHash), index('api_keys_org_idx').on(t.orgId)],
);

/**
 * `Idempotency-Key` on write endpoints: the first response to a key is kept with a hash of its
 * request, and a retry with the same key and body gets it again (a different body: 422).
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    orgId: orgRef(),
    /** Who sent it: an API key or a staff member (keys of two clients never collide). */
    principal: text('principal').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    status: integer('status').notNull(),
    body: text('body').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.principal, t.key] }), index('idempotency_keys_created_idx').on(t.createdAt)],
);
