import { bigserial, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { organizations, users } from '../organizations/table.ts';

/** One field's change: the value before and after, as the API shows it. */
export type FieldChange = { before: unknown; after: unknown };

/** C10: every change to a record, with who made it and what changed. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    /** Null when the change came from the system itself (import, seed, CLI). */
    actorUserId: uuid('actor_user_id').references(() => users.id, { onDelete: 'set null' }),
    entityType: text('entity_type').notNull(),
    entityId: uuid('entity_id').notNull(),
    action: text('action', { enum: ['created', 'updated', 'deleted', 'erased'] }).notNull(),
    changes: jsonb('changes').$type<Record<string, FieldChange>>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('audit_log_entity_idx').on(t.orgId, t.entityType, t.entityId, t.createdAt)],
);
