import { and, desc, eq, sql } from 'drizzle-orm';
import { auditLog, users, type FieldChange } from '@foyer/schema/tables';
import type { DbOrTx } from './db/connect.ts';

export type AuditEntry = {
  orgId: string;
  actorUserId: string | null;
  entityType: string;
  entityId: string;
  action: 'created' | 'updated' | 'deleted' | 'erased';
  changes: Record<string, FieldChange>;
};

export async function insertAudit(db: DbOrTx, entry: AuditEntry) {
  await db.insert(auditLog).values(entry);
}

export async function listAudit(db: DbOrTx, orgId: string, entityType: string, entityId: string, limit = 200) {
  return db
    .select({
      id: auditLog.id,
      action: auditLog.action,
      changes: auditLog.changes,
      createdAt: auditLog.createdAt,
      actorId: users.id,
      actorName: users.name,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorUserId))
    .where(and(eq(auditLog.orgId, orgId), eq(auditLog.entityType, entityType), eq(auditLog.entityId, entityId)))
    .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
    .limit(limit);
}

/** How many entries an entity's history has. */
export async function countAudit(db: DbOrTx, orgId: string, entityType: string, entityId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(auditLog)
    .where(and(eq(auditLog.orgId, orgId), eq(auditLog.entityType, entityType), eq(auditLog.entityId, entityId)));
  return row?.n ?? 0;
}

/** C9: blanks the values of these fields in an entity's history; who changed what and when stays. */
export async function redactAudit(db: DbOrTx, orgId: string, entityId: string, fields: string[]) {
  await db.execute(sql`
    update audit_log set changes = (
      select coalesce(jsonb_object_agg(k, case when k = any(${`{${fields.join(',')}}`}::text[])
        then '{"before": "[erased]", "after": "[erased]"}'::jsonb else v end), '{}'::jsonb)
      from jsonb_each(changes) as e(k, v))
    where org_id = ${orgId} and entity_id = ${entityId}`);
}
