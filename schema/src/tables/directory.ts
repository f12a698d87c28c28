import { sql } from 'drizzle-orm';
import {
  boolean,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, customerRef, orgRef } from './columns.ts';
import { users } from './orgs.ts';

/** Co1: a company groups customers (employer, tenant, organization). */
export const companies = pgTable(
  'companies',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: orgRef(),
    name: text('name').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('companies_org_name_idx').on(t.orgId, sql`lower(${t.name})`)],
);

/** Co2: corporate email domains; a customer with an email at one is linked to the company. */
export const companyDomains = pgTable(
  'company_domains',
  {
    orgId: orgRef(),
    companyId: uuid('company_id')
      .notNull()
      .references(() => companies.id, { onDelete: 'cascade' }),
    /** Lowercase, without @. */
    domain: text('domain').notNull(),
  },
  // A domain names one company of an organization: otherwise a customer's email would link to both.
  (t) => [primaryKey({ columns: [t.companyId, t.domain] }), uniqueIndex('company_domains_org_domain_idx').on(t.orgId, t.domain)],
);

export const companyLink = pgEnum('company_link', ['domain', 'manual']);

export const customerCompanies = pgTable(
  'customer_companies',
  {
    orgId: orgRef(),
    customerId: customerRef(),
    companyId: uuid('company_id')
      .notNull()
      .references(() => companies.id, { onDelete: 'cascade' }),
    /** How the link came: by an email domain (and goes with it) or by hand. */
    linkedBy: companyLink('linked_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.customerId, t.companyId] }), index('customer_companies_company_idx').on(t.companyId, t.customerId)],
);

/** T1: built-in and custom tags. */
export const tags = pgTable(
  'tags',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: orgRef(),
    name: text('name').notNull(),
    /** #rrggbb */
    color: text('color').notNull(),
    builtin: boolean('builtin').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('tags_org_name_idx').on(t.orgId, sql`lower(${t.name})`)],
);

export const customerTags = pgTable(
  'customer_tags',
  {
    orgId: orgRef(),
    customerId: customerRef(),
    tagId: uuid('tag_id')
      .notNull()
      .references(() => tags.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.customerId, t.tagId] }), index('customer_tags_tag_idx').on(t.tagId, t.customerId)],
);

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
