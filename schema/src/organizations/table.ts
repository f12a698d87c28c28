import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
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
  /** ISO 4217: the currency money is kept and totalled in (figures, CLV); set from the country when the organization is made. */
  defaultCurrency: text('default_currency').notNull().default('GBP'),
  /** Other ISO 4217 currencies orders and payments may be in (the default one always is). */
  acceptedCurrencies: text('accepted_currencies')
    .array()
    .notNull()
    .default(sql`'{}'::text[]`),
  /** A1: no order for this many days makes an active customer At-Risk … */
  lifecycleAtRiskDays: integer('lifecycle_at_risk_days').notNull().default(90),
  /** … and this many, Churned. */
  lifecycleChurnedDays: integer('lifecycle_churned_days').notNull().default(365),
  /** A1's re-activation rule: after a gap longer than the churn days, this many new orders make a customer Active again. */
  lifecycleReactivationOrders: integer('lifecycle_reactivation_orders').notNull().default(1),
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
    /**
     * A custom role of the organization (roles below): when set, its permissions are the member's
     * and `role` is only the built-in fallback ('staff'). Deleting a role some member holds is refused.
     */
    customRoleId: uuid('custom_role_id').references((): AnyPgColumn => roles.id, { onDelete: 'restrict' }),
    /** A deactivated member cannot sign in; their sessions ended when they were deactivated. */
    active: boolean('active').notNull().default(true),
    lastSignInAt: timestamp('last_sign_in_at', { withTimezone: true }),
    /** A small picture the member chose (mentions, presence); null shows their initials. */
    avatar: bytea('avatar'),
    avatarContentType: text('avatar_content_type'),
    /** Changes with the picture, so its URL can be cached for good. */
    avatarVersion: integer('avatar_version').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  // Staff sign in with an email alone, so a staff email is unique across all organizations.
  (t) => [uniqueIndex('users_email_lower_idx').on(sql`lower(${t.email})`)],
);

/**
 * An organization's custom roles ("door manager", "marketing"): a name and a set of permissions
 * (schema/src/organizations/permissions.ts). The built-in owner, manager and staff are constants there.
 */
export const roles = pgTable(
  'roles',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    permissions: text('permissions').array().notNull().default([]),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('roles_org_name_idx').on(t.orgId, sql`lower(${t.name})`)],
);

export const userTokenKind = pgEnum('user_token_kind', ['invite', 'reset']);

/**
 * One-time links: an invitation to join (email and role, the member is created on acceptance) or a
 * password reset (for `userId`). Only the SHA-256 of the token is kept; `usedAt` makes it single use.
 */
export const userTokens = pgTable(
  'user_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tokenHash: text('token_hash').notNull().unique(),
    kind: userTokenKind('kind').notNull(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    role: staffRole('role').notNull().default('staff'),
    customRoleId: uuid('custom_role_id').references(() => roles.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('user_tokens_org_idx').on(t.orgId, t.kind)],
);

export const sessions = pgTable('sessions', {
  /** SHA-256 of the cookie token: a leaked table does not yield usable cookies. */
  tokenHash: text('token_hash').primaryKey(),
  /** How the member's own sessions list names it (the hash stays on the server). */
  id: uuid('id').notNull().unique().defaultRandom(),
  userAgent: text('user_agent'),
  userId: uuid('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  orgId: uuid('org_id')
    .notNull()
    .references(() => organizations.id, { onDelete: 'cascade' }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
});
