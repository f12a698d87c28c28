import { sql } from 'drizzle-orm';
import { marketingListMembers } from '@foyer/schema/tables';
import { countOf, deleteOf, moveByKey, type CustomerDataContributor } from '../../platform/customer-data.ts';

/** L5: marketing list memberships: the person's own (erasure takes them). */
export const customerData: CustomerDataContributor = {
  tables: [marketingListMembers],
  impact: async (ctx, id) => [{ what: 'marketing list memberships', count: await countOf(ctx, marketingListMembers, id) }],
  erase: (ctx, id) => deleteOf(ctx, marketingListMembers, id),
  delete: (ctx, id) => deleteOf(ctx, marketingListMembers, id),
  /** Both's memberships; a list both are on keeps one membership, since the earlier. */
  merge: (ctx, from, into) =>
    moveByKey(
      ctx,
      marketingListMembers,
      'list_id',
      ['org_id', 'list_id', 'created_at'],
      from,
      into,
      sql`created_at = least(excluded.created_at, marketing_list_members.created_at)`,
    ),
};
