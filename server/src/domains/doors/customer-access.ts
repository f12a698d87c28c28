import type { credentials, doorPermissions } from '@foyer/schema/tables';
import type { Db, DbOrTx } from '../../platform/db/connect.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { revokeLive } from './revoke.ts';
import { insertAudit } from '../../platform/audit.ts';
import { findCustomerIdByRef, lockCustomer } from '../customers/repository.ts';
import type { Actor } from '../customers/service.ts';
import { withEdgeChange } from '../edge/sync-service.ts';

// What door permissions and credentials share: both are part of a customer's record.

/**
 * The customer behind `ref`, locked for the transaction (a ban or erasure running at once queues
 * behind it). An erased customer takes no new access: their record can no longer change.
 */
export async function lockCustomerForAccess(tx: DbOrTx, orgId: string, ref: string): Promise<string> {
  const id = await findCustomerIdByRef(tx, orgId, ref);
  const row = id && (await lockCustomer(tx, orgId, id));
  if (!row) throw notFound();
  if (row.erasedAt) throw new AppError(409, 'erased', 'This customer was erased; their record can no longer change');
  return row.id;
}

export async function customerIdOf(db: DbOrTx, orgId: string, ref: string): Promise<string> {
  const id = await findCustomerIdByRef(db, orgId, ref);
  if (!id) throw notFound();
  return id;
}

/**
 * C10: a change of the customer's door access or credentials in their history, as one line of
 * text before and after (never a credential's value: only what staff see of it).
 */
export async function recordAccessChange(
  tx: DbOrTx,
  actor: Pick<Actor, 'orgId' | 'userId'>,
  customerId: string,
  field: 'doorAccess' | 'credentials',
  before: string | null,
  after: string | null,
) {
  await insertAudit(tx, {
    orgId: actor.orgId,
    actorUserId: actor.userId,
    entityType: 'customer',
    entityId: customerId,
    action: 'updated',
    changes: { [field]: { before, after } },
  });
}

/** How to revoke one kind of access: its table, its name in messages and history, and how to read one. */
export type AccessKind<R extends { customerId: string }> = {
  table: typeof credentials | typeof doorPermissions;
  what: string;
  field: 'doorAccess' | 'credentials';
  find: (db: DbOrTx, orgId: string, id: string) => Promise<R | undefined>;
  describe: (row: R) => string;
};

/** Revokes a credential or permission (twice is once), with its line in the customer's history; devices drop it. */
export async function revokeAccess<R extends { customerId: string }>(db: Db, actor: Pick<Actor, 'orgId' | 'userId'>, id: string, kind: AccessKind<R>) {
  await withEdgeChange(db, actor.orgId, async (tx, touched) => {
    const before = await kind.find(tx, actor.orgId, id);
    if (!before) throw notFound(kind.what);
    if (await revokeLive(tx, kind.table, actor.orgId, id)) await recordAccessChange(tx, actor, before.customerId, kind.field, kind.describe(before), null);
    touched.customerIds = [before.customerId];
  });
}
