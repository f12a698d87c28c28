import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, customerRef, orgRef } from './columns.ts';
import { customers } from './customers.ts';

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
  (t) => [
    index('door_permissions_customer_idx').on(t.orgId, t.customerId),
    index('door_permissions_door_idx').on(t.doorId, t.customerId),
  ],
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
    uniqueIndex('credentials_org_live_hash_idx').on(t.orgId, t.hash).where(sql`${t.revokedAt} is null`),
    index('credentials_customer_idx').on(t.orgId, t.customerId),
  ],
);

/** An edge agent (a Raspberry Pi beside some doors), signed in with its own secret (O1). */
export const edgeDevices = pgTable(
  'edge_devices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: orgRef(),
    name: text('name').notNull(),
    /** SHA-256 of the one-time pairing code; cleared when the code is used. */
    pairingCodeHash: text('pairing_code_hash'),
    pairingExpiresAt: at('pairing_expires_at'),
    /** SHA-256 of the device's secret, set by pairing. */
    secretHash: text('secret_hash'),
    pairedAt: at('paired_at'),
    lastSeenAt: at('last_seen_at'),
    /**
     * The highest seq n such that every event 1..n of this device is stored or was refused for
     * good: what `events` acknowledges, kept here so that it never has to scan the whole log.
     */
    storedThrough: bigint('stored_through', { mode: 'number' }).notNull().default(0),
    revokedAt: at('revoked_at'),
    createdAt: createdAt(),
  },
  (t) => [
    index('edge_devices_org_idx').on(t.orgId),
    uniqueIndex('edge_devices_pairing_code_idx').on(t.pairingCodeHash).where(sql`${t.pairingCodeHash} is not null`),
  ],
);

/** Which doors a device drives; a device hears only about these. */
export const deviceDoors = pgTable(
  'device_doors',
  {
    deviceId: uuid('device_id')
      .notNull()
      .references(() => edgeDevices.id, { onDelete: 'cascade' }),
    doorId: uuid('door_id')
      .notNull()
      .references(() => doors.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.deviceId, t.doorId] }), index('device_doors_door_idx').on(t.doorId)],
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
  (t) => [
    uniqueIndex('door_events_device_seq_idx').on(t.deviceId, t.seq),
    index('door_events_org_occurred_idx').on(t.orgId, t.occurredAt.desc(), t.id.desc()),
  ],
);

/**
 * Sequence numbers of events a device sent that could never be stored (another door, a customer
 * of no organization of its own, a malformed record): remembered so that the acknowledgement moves
 * past them and the device's journal is not stuck resending them forever.
 */
export const doorEventRejects = pgTable(
  'door_event_rejects',
  {
    deviceId: uuid('device_id')
      .notNull()
      .references(() => edgeDevices.id, { onDelete: 'cascade' }),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    reason: text('reason').notNull(),
    receivedAt: at('received_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.deviceId, t.seq] })],
);

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
