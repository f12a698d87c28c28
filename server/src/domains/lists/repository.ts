import { and, eq, sql } from 'drizzle-orm';
import { marketingListMembers, marketingLists } from '@foyer/schema/tables';
import type { DbOrTx } from '../../platform/db/connect.ts';

export type MarketingListRow = { id: string; name: string; memberCount: number; createdAt: Date };

/** The organization's marketing lists by name, with their sizes from one grouped count. */
export async function listMarketingLists(db: DbOrTx, orgId: string): Promise<MarketingListRow[]> {
  const sizes = db
    .select({ listId: marketingListMembers.listId, n: sql<number>`count(*)::int`.as('n') })
    .from(marketingListMembers)
    .where(eq(marketingListMembers.orgId, orgId))
    .groupBy(marketingListMembers.listId)
    .as('sizes');
  return db
    .select({
      id: marketingLists.id,
      name: marketingLists.name,
      memberCount: sql<number>`coalesce(${sizes.n}, 0)`.mapWith(Number),
      createdAt: marketingLists.createdAt,
    })
    .from(marketingLists)
    .leftJoin(sizes, eq(sizes.listId, marketingLists.id))
    .where(eq(marketingLists.orgId, orgId))
    .orderBy(sql`lower(${marketingLists.name})`);
}

export async function insertMarketingList(db: DbOrTx, orgId: string, name: string): Promise<MarketingListRow> {
  const [row] = await db
    .insert(marketingLists)
    .values({ orgId, name })
    .returning({ id: marketingLists.id, name: marketingLists.name, createdAt: marketingLists.createdAt });
  return { ...row!, memberCount: 0 };
}

/** Whether the organization had the list; its members go with it, the customers stay. */
export async function deleteMarketingList(db: DbOrTx, orgId: string, id: string): Promise<boolean> {
  const deleted = await db
    .delete(marketingLists)
    .where(and(eq(marketingLists.orgId, orgId), eq(marketingLists.id, id)))
    .returning();
  return deleted.length > 0;
}
