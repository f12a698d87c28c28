import { and, eq, sql, type SQL } from 'drizzle-orm';
import { companies, companyDomains, customerCompanies } from '@foyer/schema/tables';
import type { DbOrTx } from '../../platform/db/connect.ts';

export type CompanyRow = { id: string; name: string; domains: string[]; customerCount: number; createdAt: Date };

/** A company with its domains and how many customers it has, by correlated subqueries (both indexed). */
function selectCompanies(db: DbOrTx, where: SQL) {
  return db
    .select({
      id: companies.id,
      name: companies.name,
      createdAt: companies.createdAt,
      domains: sql<string[]>`coalesce((select array_agg(d.domain order by d.domain) from ${companyDomains} d where d.company_id = ${companies.id}), '{}')`,
      customerCount: sql<number>`(select count(*)::int from ${customerCompanies} cc where cc.company_id = ${companies.id})`,
    })
    .from(companies)
    .where(where);
}

/** A picker, not a report: at most this many companies per answer, the closest names first. */
const LIST_LIMIT = 500;

/** The organization's companies by name; `q` matches part of a name or of a domain, any case. */
export async function listCompanies(db: DbOrTx, orgId: string, q?: string): Promise<CompanyRow[]> {
  const pattern = q ? `%${q.toLowerCase().replace(/[\\%_]/g, '\\$&')}%` : undefined;
  const matches = pattern
    ? sql`(lower(${companies.name}) like ${pattern} or exists (select 1 from ${companyDomains} d where d.company_id = ${companies.id} and d.domain like ${pattern}))`
    : undefined;
  return selectCompanies(db, and(eq(companies.orgId, orgId), matches)!)
    .orderBy(sql`lower(${companies.name})`)
    .limit(LIST_LIMIT);
}

export async function findCompany(db: DbOrTx, orgId: string, id: string): Promise<CompanyRow | undefined> {
  const [row] = await selectCompanies(db, and(eq(companies.orgId, orgId), eq(companies.id, id))!);
  return row;
}

/** Locks the company's row for the rest of the transaction, so domain changes to it queue. */
export async function lockCompany(tx: DbOrTx, orgId: string, id: string): Promise<boolean> {
  const rows = await tx
    .select({ id: companies.id })
    .from(companies)
    .where(and(eq(companies.orgId, orgId), eq(companies.id, id)))
    .for('update');
  return rows.length > 0;
}

export async function insertCompany(tx: DbOrTx, orgId: string, name: string): Promise<string> {
  const [row] = await tx.insert(companies).values({ orgId, name }).returning({ id: companies.id });
  return row!.id;
}

export async function renameCompany(tx: DbOrTx, orgId: string, id: string, name: string) {
  await tx
    .update(companies)
    .set({ name })
    .where(and(eq(companies.orgId, orgId), eq(companies.id, id)));
}

/** Its domains and customer links go with it (foreign keys cascade). */
export async function deleteCompany(tx: DbOrTx, orgId: string, id: string) {
  await tx.delete(companies).where(and(eq(companies.orgId, orgId), eq(companies.id, id)));
}

/**
 * A domain belongs to one company per organization, but the table only keys (company, domain).
 * This lock, held to the end of the transaction, makes "is it free? then add it" atomic between
 * two requests adding one domain to two companies at once.
 */
export async function lockDomain(tx: DbOrTx, orgId: string, domain: string) {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`company-domain:${orgId}:${domain}`}, 0))`);
}

/** The company of the organization that lists this domain, if any. */
export async function findDomainHolder(db: DbOrTx, orgId: string, domain: string) {
  const [row] = await db
    .select({ id: companies.id, name: companies.name })
    .from(companyDomains)
    .innerJoin(companies, eq(companies.id, companyDomains.companyId))
    .where(and(eq(companyDomains.orgId, orgId), eq(companyDomains.domain, domain)));
  return row;
}

export async function insertDomain(tx: DbOrTx, orgId: string, companyId: string, domain: string) {
  await tx.insert(companyDomains).values({ orgId, companyId, domain }).onConflictDoNothing();
}

/** Whether the company listed the domain. */
export async function deleteDomain(tx: DbOrTx, orgId: string, companyId: string, domain: string): Promise<boolean> {
  const rows = await tx
    .delete(companyDomains)
    .where(and(eq(companyDomains.orgId, orgId), eq(companyDomains.companyId, companyId), eq(companyDomains.domain, domain)))
    .returning({ domain: companyDomains.domain });
  return rows.length > 0;
}

/**
 * A link made by hand. A link the customer already had by a domain becomes manual: staff said so,
 * and it must now stay when the domain goes.
 */
export async function linkManually(tx: DbOrTx, orgId: string, companyId: string, customerId: string) {
  await tx
    .insert(customerCompanies)
    .values({ orgId, companyId, customerId, linkedBy: 'manual' })
    .onConflictDoUpdate({ target: [customerCompanies.customerId, customerCompanies.companyId], set: { linkedBy: 'manual' } });
}

/** Removes the link whatever made it; whether there was one. */
export async function unlink(tx: DbOrTx, orgId: string, companyId: string, customerId: string): Promise<boolean> {
  const rows = await tx
    .delete(customerCompanies)
    .where(and(eq(customerCompanies.orgId, orgId), eq(customerCompanies.companyId, companyId), eq(customerCompanies.customerId, customerId)))
    .returning({ customerId: customerCompanies.customerId });
  return rows.length > 0;
}
