import { sql } from 'drizzle-orm';
import { activities } from '@foyer/schema/tables';
import { countOf, deleteOf, moveAll, type CustomerDataContributor } from '../../platform/customer-data.ts';

const visit = sql`category = 'visit'`;

/** Ac1: the customer's timeline. What happened (visits, later orders) stays after erasure, anonymous. */
export const customerData: CustomerDataContributor = {
  tables: [activities],
  async impact(ctx, id) {
    const visits = await countOf(ctx, activities, id, visit);
    return [
      { what: 'visits on the timeline', count: visits },
      { what: 'other timeline entries', count: (await countOf(ctx, activities, id)) - visits },
    ];
  },
  erase: async () => {},
  delete: (ctx, id) => deleteOf(ctx, activities, id),
  /** One timeline with the entries of both. */
  merge: (ctx, from, into) => moveAll(ctx, activities, from, into),
};
