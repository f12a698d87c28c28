import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, customerRef, orgRef } from '../platform/columns.ts';
import { customers } from '../customers/table.ts';
import { edgeDevices } from '../edge/table.ts';
import { organizations } from '../organizations/table.ts';

const at = (name: string) => timestamp(name, { withTimezone: true });

export const lockType = pgEnum('lock_type', ['fail_safe', 'fail_secure']);
export const credentialKind = pgEnum('credential_kind', ['rfid', 'qr', 'barcode']);

/** Da2: a door an edge device opens, with how its relay and contact behave. */
export const doors = pgTable(
  'doors',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: orgRef(),
    name: text('name').notNull(),
    location: text('location'),
    pulseMs: integer('pulse_ms').notNull().default(3000),
    lockType: lockType('lock_type').notNull().default('fail_secure'),
    heldOpenAlarmSeconds: integer('held_open_alarm_seconds').notNull().default(30),
    createdAt: createdAt(),
  },
  // Staff pick doors by name on the profile: two doors of one name could not be told apart.
  (t) => [uniqueIndex('doors_org_name_idx').on(t.orgId, sql`lower(${t.name})`)],
);

/**
 * Da1: this customer may open this door from `startsAt` until `endsAt` (null: open-ended).
 * Revoking keeps the row (revoked_at), so the profile's history and the audit log can name it.
 */
export const doorPermissions = pgTable(
  'door_permissions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: orgRef(),
    customerId: customerRef(),
    doorId: uuid('door_id')
      .notNull()
      .references(() => doors.id, { onDelete: 'cascade' }),
    startsAt: at('starts_at').notNull().defaultNow(),
    endsAt: at('ends_at'),
    notes: text('notes'),
    createdAt: createdAt(),
    revokedAt: at('revoked_at'),
  },
  (t) => [index('door_permissions_customer_idx').on(t.orgId, t.customerId), index('door_permissions_door_idx').on(t.doorId, t.customerId)],
);

/**
 * R2: a card, fob, barcode or wallet QR of a customer. Only its HMAC under the organization's
 * key is kept (and the last four characters for staff), never the value itself.
 */
export const credentials = pgTable(
  'credentials',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: orgRef(),
    customerId: customerRef(),
    kind: credentialKind('kind').notNull(),
    /** Hex HMAC-SHA256 of normalizeCredential(kind, value) under organizations.credential_key. */
    hash: text('hash').notNull(),
    masked: text('masked').notNull(),
    label: text('label'),
    createdAt: createdAt(),
    revokedAt: at('revoked_at'),
  },
  (t) => [
    // One live holder per credential: a door must never have to choose whose card it read.
    uniqueIndex('credentials_org_live_hash_idx')
      .on(t.orgId, t.hash)
      .where(sql`${t.revokedAt} is null`),
    index('credentials_customer_idx').on(t.orgId, t.customerId),
  ],
);

/**
 * Da2: every decision and door alarm a device reported, stored once per (device, seq) so that a
 * replay after an outage counts nothing twice. `door_id` has no foreign key: the log outlives a
 * deleted door.
 */
export const doorEvents = pgTable(
  'door_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    orgId: orgRef(),
    deviceId: uuid('device_id')
      .notNull()
      .references(() => edgeDevices.id, { onDelete: 'cascade' }),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    doorId: uuid('door_id').notNull(),
    kind: text('kind', { enum: ['access', 'door'] }).notNull(),
    result: text('result', { enum: ['granted', 'denied', 'held_open', 'forced_open', 'closed'] }).notNull(),
    reason: text('reason').notNull(),
    credentialHash: text('credential_hash'),
    credentialMasked: text('credential_masked'),
    /** A deleted customer's visits stay in the log, anonymous. */
    customerId: uuid('customer_id').references(() => customers.id, { onDelete: 'set null' }),
    occurredAt: at('occurred_at').notNull(),
    receivedAt: at('received_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('door_events_device_seq_idx').on(t.deviceId, t.seq), index('door_events_org_occurred_idx').on(t.orgId, t.occurredAt.desc(), t.id.desc())],
);

/**
 * The quarantine: events a device sent that could never be stored (another door, a customer of no
 * organization of its own, a malformed record, a NUL in a field, a time PostgreSQL cannot hold),
 * each with why. Remembered so that the acknowledgement moves past them and the device's journal
 * is not stuck resending them forever, while the good events of the same batch are stored; staff
 * see them on the device's page (GET /api/edge/devices/{id}/quarantine).
 */
export const doorEventRejects = pgTable(
  'door_event_rejects',
  {
    deviceId: uuid('device_id')
      .notNull()
      .references(() => edgeDevices.id, { onDelete: 'cascade' }),
    /** Null only on rows quarantined before migration 0015, which kept no event and no customer. */
    orgId: uuid('org_id').references(() => organizations.id, { onDelete: 'cascade' }),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    reason: text('reason').notNull(),
    /** The event as the device sent it, made storable (control characters shown as U+FFFD, long text cut). */
    event: jsonb('event'),
    /** The organization's customer the event names, when it names one: erasure and deletion reach the row. */
    customerId: uuid('customer_id').references(() => customers.id, { onDelete: 'set null' }),
    receivedAt: at('received_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.deviceId, t.seq] }), index('door_event_rejects_customer_idx').on(t.customerId)],
);
