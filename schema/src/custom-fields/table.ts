import { sql } from 'drizzle-orm';
import { boolean, date, doublePrecision, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, customerRef, orgRef } from '../platform/columns.ts';

export const customFieldType = pgEnum('custom_field_type', ['text', 'number', 'date', 'choice', 'boolean']);

/** T2: an organization's own customer fields. */
export const customFields = pgTable(
  'custom_fields',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: orgRef(),
    /** Stable identifier used in the API and in filters (`cf.<key>`): lowercase, digits, underscore. */
    key: text('key').notNull(),
    label: text('label').notNull(),
    type: customFieldType('type').notNull(),
    /** The allowed values of a `choice` field. */
    options: jsonb('options').$type<string[]>(),
    position: integer('position').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('custom_fields_org_key_idx').on(t.orgId, t.key)],
);

/**
 * One customer's value of one custom field, typed into the column its field's type uses, so that
 * filters compare numbers as numbers and dates as dates, and search finds text values by index.
 */
export const customFieldValues = pgTable(
  'custom_field_values',
  {
    orgId: orgRef(),
    customerId: customerRef(),
    fieldId: uuid('field_id')
      .notNull()
      .references(() => customFields.id, { onDelete: 'cascade' }),
    /** Text and choice values, and every value as text (search). */
    valueText: text('value_text').notNull(),
    valueNumber: doublePrecision('value_number'),
    valueDate: date('value_date'),
    valueBool: boolean('value_bool'),
  },
  (t) => [
    primaryKey({ columns: [t.customerId, t.fieldId] }),
    index('custom_field_values_field_text_idx').on(t.fieldId, sql`lower(${t.valueText})`),
    index('custom_field_values_field_number_idx').on(t.fieldId, t.valueNumber),
    index('custom_field_values_field_date_idx').on(t.fieldId, t.valueDate),
    index('custom_field_values_org_text_idx').on(t.orgId, sql`lower(${t.valueText})`),
  ],
);
