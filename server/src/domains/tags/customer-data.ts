import { sql } from 'drizzle-orm';
import { customerTags } from '@foyer/schema/tables';
import { countOf, deleteOf, moveByKey, type CustomerDataContributor } from '../../platform/customer-data.ts';

/**
 * T1: a customer's tags. Tags are how the venue groups its customers, not the person's own data:
 * erasure keeps them on the anonymous record (the figures by tag still add up); delete takes them.
 */
export const customerData: CustomerDataContributor = {
  tables: [customerTags],
  impact: async (ctx, id) => [{ what: 'tags', count: await countOf(ctx, customerTags, id) }],
  erase: async () => {},
  delete: (ctx, id) => deleteOf(ctx, customerTags, id),
  /** Both's tags; a tag on both stays once, tagged since the earlier. (Insert and delete keep customers.tag_ids in step.) */
  merge: (ctx, from, into) =>
    moveByKey(
      ctx,
      customerTags,
      'tag_id',
      ['org_id', 'tag_id', 'created_at'],
      from,
      into,
      sql`created_at = least(excluded.created_at, customer_tags.created_at)`,
    ),
};
