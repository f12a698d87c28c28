import { sql } from 'drizzle-orm';
import { bigint, integer, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { bytea } from '../platform/types.ts';

export const staffRole = pgEnum('staff_role', ['owner', 'manager', 'staff']);

export const organizations = pgTable('organizations', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  slug: text('slug').notNull().unique(),
  /** ISO 3166 alpha-2 country used to read phone numbers written without a country code. */
  defaultCountry: text('default_country').notNull().default('GB'),
  /** T1: at most this many tags on one customer; null for no cap. */
  maxTagsPerCustomer: integer('max_tags_per_customer'),
  /** C8: how many confirmed future bookings one customer may hold at once (online booking refuses more). */
  maxActiveBookingsPerCustomer: integer('max_active_bookings_per_customer').notNull().default(5),
  /** IANA time zone the venue's opening hours and booking slots are read in. */
  timezone: text('timezone').notNull().default('Europe/London'),
  /**
   * The key credentials are HMAC'd under (R2), shared with the organization's edge devices. The
   * default draws from gen_random_uuid(), which PostgreSQL feeds from its strong random source
   * (no pgcrypto needed): 244 random bits, for every organization however it is inserted.
   */
  credentialKey: bytea('credential_key')
    .notNull()
    .default(sql`decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex')`),
  /** Bumped by every change that alters what some edge device holds; devices sync from it (Da2). */
  edgeVersion: bigint('edge_version', { mode: 'number' }).notNull().default(0),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    name: text('name').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: staffRole('role').notNull().default('staff'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  // Staff sign in with an email alone, so a staff email is unique across all organizations.
  (t) => [uniqueIndex('users_email_lower_idx').on(sql`lower(${t.email})`)],
);

export const sessions = pgTable('sessions', {
  /** SHA-256 of the cookie token: a leaked table does not yield usable cookies. */
  tokenHash: text('token_hash').primaryKey(),
  userId: uuid('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  orgId: uuid('org_id')
    .notNull()
    .references(() => organizations.id, { onDelete: 'cascade' }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
});
