import { sql } from 'drizzle-orm';
import type { credentials, doorPermissions } from '@foyer/schema/tables';
import type { DbOrTx } from '../../platform/db/connect.ts';

/**
 * Revokes a credential or a door permission: sets revoked_at once, keeping the row for the
 * history. False when it was revoked already or is not the organization's.
 */
export async function revokeLive(tx: DbOrTx, table: typeof credentials | typeof doorPermissions, orgId: string, id: string): Promise<boolean> {
  const { rows } = await tx.execute(sql`
    update ${table} set revoked_at = now() where org_id = ${orgId} and id = ${id} and revoked_at is null returning id`);
  return rows.length > 0;
}
