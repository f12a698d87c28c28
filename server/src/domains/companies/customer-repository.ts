import { sql, type Column, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/connect.ts';

/**
 * The companies the customer whose id is `customerId` (a column of the query it goes in) is linked
 * to, by name, as a JSON array: a column of a profile query, so that a profile is one statement.
 */
export const companiesJsonOf = (customerId: SQL | Column) =>
  sql<{ id: string; name: string; linkedBy: 'domain' | 'manual' }[]>`coalesce((
    select json_agg(json_build_object('id', co.id, 'name', co.name, 'linkedBy', cc.linked_by) order by co.name)
    from customer_companies cc join companies co on co.id = cc.company_id where cc.customer_id = ${customerId}), '[]'::json)`;

/** Which links to bring up to date: some customers' (their emails changed) or a company's (its domains changed). */
export type LinkScope = { customerIds: string[] } | { companyId: string };

/**
 * Co2, both ways: a customer with an email at one of a company's domains is linked to it, and a
 * link made by a domain goes when no email of the customer matches any domain of that company.
 * Manual links are never touched. Set-based, so a domain added to a company links a million
 * customers in one statement (customer_emails_org_domain_idx serves the join).
 */
export async function syncDomainLinks(db: DbOrTx, orgId: string, scope: LinkScope): Promise<{ linked: number; unlinked: number }> {
  const emailScope: SQL = 'customerIds' in scope ? sql`e.customer_id = any(${toUuidArray(scope.customerIds)})` : sql`d.company_id = ${scope.companyId}`;
  const linkScope: SQL = 'customerIds' in scope ? sql`cc.customer_id = any(${toUuidArray(scope.customerIds)})` : sql`cc.company_id = ${scope.companyId}`;
  if ('customerIds' in scope && scope.customerIds.length === 0) return { linked: 0, unlinked: 0 };

  const linked = await db.execute(sql`
    insert into customer_companies (org_id, customer_id, company_id, linked_by)
    select distinct e.org_id, e.customer_id, d.company_id, 'domain'::company_link
    from customer_emails e
    join company_domains d on d.org_id = e.org_id and d.domain = lower(split_part(e.address, '@', 2))
    where e.org_id = ${orgId} and ${emailScope}
    on conflict (customer_id, company_id) do nothing`);
  const unlinked = await db.execute(sql`
    delete from customer_companies cc
    where cc.org_id = ${orgId} and cc.linked_by = 'domain' and ${linkScope}
      and not exists (
        select 1 from customer_emails e
        join company_domains d on d.org_id = e.org_id and d.domain = lower(split_part(e.address, '@', 2))
        where e.org_id = ${orgId} and e.customer_id = cc.customer_id and d.company_id = cc.company_id)`);
  return { linked: linked.rowCount ?? 0, unlinked: unlinked.rowCount ?? 0 };
}

const toUuidArray = (ids: string[]) => sql`${`{${ids.join(',')}}`}::uuid[]`;

/**
 * How each of these customers is linked to a company and, for a domain link, the domain that made it:
 * the primary email's when it matches, else the first other email's (a link by a second email).
 */
export async function linksOf(db: DbOrTx, orgId: string, companyId: string, customerIds: string[]) {
  const map = new Map<string, { linkedBy: 'domain' | 'manual'; domain: string | null }>();
  if (customerIds.length === 0) return map;
  const rows = await db.execute<{ customer_id: string; linked_by: 'domain' | 'manual'; domain: string | null }>(sql`
    select cc.customer_id, cc.linked_by, (
      select d.domain from customer_emails e
      join company_domains d on d.org_id = e.org_id and d.domain = lower(split_part(e.address, '@', 2))
      where e.org_id = cc.org_id and e.customer_id = cc.customer_id and d.company_id = cc.company_id
      order by e.position limit 1) as domain
    from customer_companies cc
    where cc.org_id = ${orgId} and cc.company_id = ${companyId} and cc.customer_id = any(${toUuidArray(customerIds)})`);
  for (const r of rows.rows) map.set(r.customer_id, { linkedBy: r.linked_by, domain: r.linked_by === 'domain' ? r.domain : null });
  return map;
}
