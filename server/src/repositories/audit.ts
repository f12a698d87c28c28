import { and, desc, eq } from 'drizzle-orm';
import { auditLog, users, type FieldChange } from '@foyer/schema/tables';
import type { DbOrTx } from '../db/connect.ts';

export type AuditEntry = {
  orgId: string;
  actorUserId: string | null;
  entityType: string;
  entityId: string;
  action: 'created' | 'updated' | 'deleted';
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
