import { timestamp, uuid } from 'drizzle-orm/pg-core';
import { customers } from '../customers/table.ts';
import { organizations } from '../organizations/table.ts';

// Columns that most tables of tenant data share, declared once.

/** The organization a row belongs to; the row goes with it. */
export const orgRef = () =>
  uuid('org_id')
    .notNull()
    .references(() => organizations.id, { onDelete: 'cascade' });

/** The customer a row belongs to; the row goes with them. */
export const customerRef = () =>
  uuid('customer_id')
    .notNull()
    .references(() => customers.id, { onDelete: 'cascade' });

export const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
