import { sql } from 'drizzle-orm';
import { index, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, customerRef, orgRef } from '../platform/columns.ts';
import { users } from '../organizations/table.ts';

/** L6: a named filter staff reuse; `query` is the list's query string, as in the URL. */
export const segments = pgTable(
  'segments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: orgRef(),
    name: text('name').notNull(),
    query: text('query').notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('segments_org_name_idx').on(t.orgId, sql`lower(${t.name})`)],
);

/** L5: a marketing list, which bulk actions add customers to. */
export const marketingLists = pgTable(
  'marketing_lists',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: orgRef(),
    name: text('name').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('marketing_lists_org_name_idx').on(t.orgId, sql`lower(${t.name})`)],
);

export const marketingListMembers = pgTable(
  'marketing_list_members',
  {
    orgId: orgRef(),
    listId: uuid('list_id')
      .notNull()
      .references(() => marketingLists.id, { onDelete: 'cascade' }),
    customerId: customerRef(),
    addedAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.listId, t.customerId] }), index('marketing_list_members_customer_idx').on(t.customerId)],
);
