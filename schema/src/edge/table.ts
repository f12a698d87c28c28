import { sql } from 'drizzle-orm';
import { bigint, index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, orgRef } from '../platform/columns.ts';
import { doors } from '../doors/table.ts';

const at = (name: string) => timestamp(name, { withTimezone: true });

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
    uniqueIndex('edge_devices_pairing_code_idx')
      .on(t.pairingCodeHash)
      .where(sql`${t.pairingCodeHash} is not null`),
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
