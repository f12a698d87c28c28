import { sql } from 'drizzle-orm';
import { customerFigures, orders, payments } from '@foyer/schema/tables';
import { countOf, deleteOf, moveAll, type CustomerDataContributor } from '../../platform/customer-data.ts';

/**
 * Ac2: orders and payments are transactions: erasure keeps them (attached to the anonymous
 * customer row), delete takes them, merge moves them (the figures of the kept customer are
 * computed again by the figures subscriber on customer.merged).
 */
export const customerData: CustomerDataContributor = {
  tables: [orders, payments, customerFigures],
  async impact(ctx, id) {
    return [
      { what: 'orders', count: await countOf(ctx, orders, id) },
      { what: 'payments and refunds', count: await countOf(ctx, payments, id) },
    ];
  },
  erase: async () => {},
  async delete(ctx, id) {
    await deleteOf(ctx, payments, id);
    await deleteOf(ctx, orders, id);
    await deleteOf(ctx, customerFigures, id);
  },
  async merge(ctx, from, into) {
    await moveAll(ctx, orders, from, into);
    await moveAll(ctx, payments, from, into);
    await ctx.tx.execute(sql`delete from customer_figures where org_id = ${ctx.orgId} and customer_id = ${from}`);
  },
};
