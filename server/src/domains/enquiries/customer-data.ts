import { enquiries } from '@foyer/schema/tables';
import { sql } from 'drizzle-orm';
import { countOf, deleteOf, moveAll, type CustomerDataContributor } from '../../platform/customer-data.ts';

/**
 * C8: a customer's enquiries. Erasure keeps that there were enquiries and how they ended (the
 * venue's figures), but not what the person wrote or how to reach them; delete takes them.
 */
export const customerData: CustomerDataContributor = {
  tables: [enquiries],
  impact: async (ctx, id) => [{ what: 'enquiries', count: await countOf(ctx, enquiries, id) }],
  async erase(ctx, id) {
    await ctx.tx.execute(
      sql`update ${enquiries} set message = '', contact_name = null, contact_email = null, contact_phone = null, updated_at = now()
          where org_id = ${ctx.orgId} and customer_id = ${id}`,
    );
  },
  delete: (ctx, id) => deleteOf(ctx, enquiries, id),
  merge: (ctx, from, into) => moveAll(ctx, enquiries, from, into),
};
