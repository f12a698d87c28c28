import { sql } from 'drizzle-orm';
import { activities } from '@foyer/schema/tables';
import { countOf, deleteOf, moveAll, type CustomerDataContributor } from '../../platform/customer-data.ts';

const visit = sql`category = 'visit'`;

/**
 * Ac1: the customer's timeline. What happened (visits, bookings, profile changes) stays after
 * erasure, anonymous; the entries about their notes go with the notes (a file's name may be personal).
 */
export const customerData: CustomerDataContributor = {
  tables: [activities],
  async impact(ctx, id) {
    const visits = await countOf(ctx, activities, id, visit);
    return [
      { what: 'visits on the timeline', count: visits },
      { what: 'other timeline entries', count: (await countOf(ctx, activities, id)) - visits },
    ];
  },
  async erase(ctx, id) {
    await ctx.tx.execute(sql`delete from ${activities} where org_id = ${ctx.orgId} and customer_id = ${id} and category = 'note'`);
  },
  delete: (ctx, id) => deleteOf(ctx, activities, id),
  /** One timeline with the entries of both. */
  merge: (ctx, from, into) => moveAll(ctx, activities, from, into),
};
