import { sql } from 'drizzle-orm';
import { index, pgEnum, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, customerRef, orgRef } from '../platform/columns.ts';

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
