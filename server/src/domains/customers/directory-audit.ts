import type { FieldChange } from '@foyer/schema/tables';
import type { DbOrTx } from '../../platform/db/connect.ts';
import { AppError, notFound, uniqueViolation } from '../../platform/errors.ts';
import { insertAudit } from '../../platform/audit.ts';
import type { Actor } from './service.ts';

// What the directory services (companies, tags, custom fields, segments, lists) share.

/** Who changes the organization's directory. */
export type DirectoryActor = Pick<Actor, 'orgId' | 'userId'>;

type Snapshot = Record<string, unknown>;

/**
 * C10 for directory records: one audit row with the fields that differ between the two snapshots.
 * No `before` is a creation, no `after` a deletion; an update that changes nothing writes nothing.
 */
export async function recordChange(
  tx: DbOrTx,
  actor: DirectoryActor,
  entity: { type: 'company' | 'tag' | 'custom_field'; id: string },
  before: Snapshot | null,
  after: Snapshot | null,
) {
  const changes: Record<string, FieldChange> = {};
  for (const key of Object.keys({ ...before, ...after })) {
    const change = { before: before?.[key] ?? null, after: after?.[key] ?? null };
    if (JSON.stringify(change.before) !== JSON.stringify(change.after)) changes[key] = change;
  }
  if (Object.keys(changes).length === 0) return;
  const action = !before ? 'created' : !after ? 'deleted' : 'updated';
  await insertAudit(tx, { orgId: actor.orgId, actorUserId: actor.userId, entityType: entity.type, entityId: entity.id, action, changes });
}

/** The record looked up, or a 404 naming what was looked for (another organization's id is just as absent). */
export async function found<T>(lookup: Promise<T | undefined>, what: string): Promise<T> {
  const row = await lookup;
  if (!row) throw notFound(what);
  return row;
}

/**
 * The error to throw when a write failed: a 409 naming the name when it was `constraint` (a unique
 * name index) that fired, the error itself otherwise. The index, not a prior look-up, decides, so
 * two concurrent creates cannot both win.
 */
export function nameConflict(error: unknown, constraint: string, what: string, name: string): unknown {
  if (uniqueViolation(error) !== constraint) return error;
  const message = `A ${what} named "${name}" already exists`;
  return new AppError(409, 'name_taken', message, [{ field: 'name', message }]);
}
