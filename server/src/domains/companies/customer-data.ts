import { sql } from 'drizzle-orm';
import { customerCompanies } from '@foyer/schema/tables';
import { countOf, deleteOf, moveByKey, type CustomerDataContributor } from '../../platform/customer-data.ts';

/** Co1–Co2: which companies a customer belongs to. A link is about the person: erasure takes it. */
export const customerData: CustomerDataContributor = {
  tables: [customerCompanies],
  impact: async (ctx, id) => [{ what: 'company links', count: await countOf(ctx, customerCompanies, id) }],
  erase: (ctx, id) => deleteOf(ctx, customerCompanies, id),
  delete: (ctx, id) => deleteOf(ctx, customerCompanies, id),
  /**
   * Both's links; a company both are linked to stays one link, made by hand if either was (a manual
   * link outlives email changes, a domain link does not), since the earlier of the two.
   */
  merge: (ctx, from, into) =>
    moveByKey(
      ctx,
      customerCompanies,
      'company_id',
      ['org_id', 'company_id', 'linked_by', 'created_at'],
      from,
      into,
      sql`
      linked_by = case when excluded.linked_by = 'manual' then excluded.linked_by else customer_companies.linked_by end,
      created_at = least(excluded.created_at, customer_companies.created_at)`,
    ),
};
