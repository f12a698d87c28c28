import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { createdAt, customerRef, orgRef } from '../platform/columns.ts';
import { customers } from '../customers/table.ts';
import { users } from '../organizations/table.ts';
import { bytea } from '../platform/types.ts';

const at = (name: string) => timestamp(name, { withTimezone: true });
const userRef = (name: string) => uuid(name).references(() => users.id, { onDelete: 'set null' });

/**
 * N1/P2: a customer's staff notes, one shared Yjs document per customer. Its state is
 * `snapshot` (every update through `snapshotThrough` folded in) plus the `note_updates` after it.
 * `plainText` is the text projection that search reads; it is never shown to the customer.
 */
export const customerNotes = pgTable(
  'customer_notes',
  {
    customerId: uuid('customer_id')
      .primaryKey()
      .references(() => customers.id, { onDelete: 'cascade' }),
    orgId: orgRef(),
    snapshot: bytea('snapshot'),
    snapshotThrough: bigint('snapshot_through', { mode: 'number' }).notNull().default(0),
    plainText: text('plain_text').notNull().default(''),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [index('customer_notes_text_trgm_idx').using('gin', sql`${t.plainText} gin_trgm_ops`)],
);

/** Each Yjs update, appended (and committed) before it is acknowledged or broadcast. */
export const noteUpdates = pgTable(
  'note_updates',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    orgId: orgRef(),
    customerId: customerRef(),
    update: bytea('update').notNull(),
    userId: userRef('user_id'),
    createdAt: createdAt(),
  },
  (t) => [index('note_updates_doc_idx').on(t.customerId, t.id)],
);

/** N1: a file attached to a customer's notes (type and size checked on upload). */
export const noteAttachments = pgTable(
  'note_attachments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: orgRef(),
    customerId: customerRef(),
    fileName: text('file_name').notNull(),
    contentType: text('content_type').notNull(),
    byteSize: integer('byte_size').notNull(),
    data: bytea('data').notNull(),
    uploadedBy: userRef('uploaded_by'),
    createdAt: createdAt(),
  },
  (t) => [index('note_attachments_customer_idx').on(t.orgId, t.customerId, t.createdAt)],
);

/** In-app notifications for staff, e.g. an @-mention in a customer's notes. */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: orgRef(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** mention */
    kind: text('kind').notNull(),
    customerId: uuid('customer_id').references(() => customers.id, { onDelete: 'cascade' }),
    actorUserId: userRef('actor_user_id'),
    body: text('body').notNull(),
    createdAt: createdAt(),
    readAt: at('read_at'),
  },
  (t) => [index('notifications_user_idx').on(t.userId, t.createdAt.desc())],
);
