import { and, eq, sql } from 'drizzle-orm';
import { segments } from '@foyer/schema/tables';
import type { DbOrTx } from '../../platform/db/connect.ts';

const segmentColumns = { id: segments.id, name: segments.name, query: segments.query, createdAt: segments.createdAt };
export type SegmentRow = { id: string; name: string; query: string; createdAt: Date };

export async function listSegments(db: DbOrTx, orgId: string): Promise<SegmentRow[]> {
  return db
    .select(segmentColumns)
    .from(segments)
    .where(eq(segments.orgId, orgId))
    .orderBy(sql`lower(${segments.name})`);
}

export async function insertSegment(db: DbOrTx, orgId: string, values: { name: string; query: string; createdBy: string | null }): Promise<SegmentRow> {
  const [row] = await db
    .insert(segments)
    .values({ orgId, ...values })
    .returning(segmentColumns);
  return row!;
}

/** Whether the organization had the segment. */
export async function deleteSegment(db: DbOrTx, orgId: string, id: string): Promise<boolean> {
  const deleted = await db
    .delete(segments)
    .where(and(eq(segments.orgId, orgId), eq(segments.id, id)))
    .returning();
  return deleted.length > 0;
}
