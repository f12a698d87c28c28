import { sql } from 'drizzle-orm';
import { customerImportEffects } from '@foyer/schema/tables';
import { deleteOf, type CustomerDataContributor } from '../../platform/customer-data.ts';

/**
 * I1: what imports remember about a customer, for undo (the values an import overwrote). Not the
 * customer's own story: a delete or an erasure takes it (an undo then finds nothing of them to
 * revert); a merge moves it to the customer kept, so undoing the import reverts that one.
 */
export const customerData: CustomerDataContributor = {
  tables: [customerImportEffects],
  impact: async () => [],
  erase: (ctx, id) => deleteOf(ctx, customerImportEffects, id),
  delete: (ctx, id) => deleteOf(ctx, customerImportEffects, id),
  merge: async (ctx, from, into) => {
    await ctx.tx.execute(sql`
      update customer_import_effects f set customer_id = ${into}
       where f.org_id = ${ctx.orgId} and f.customer_id = ${from}
         and not exists (select 1 from customer_import_effects g where g.import_id = f.import_id and g.customer_id = ${into})`);
    await deleteOf(ctx, customerImportEffects, from);
  },
};
