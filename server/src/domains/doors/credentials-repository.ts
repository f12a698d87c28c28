import { and, desc, eq, isNull } from 'drizzle-orm';
import { credentials } from '@foyer/schema/tables';
import type { CredentialKind } from '@foyer/schema/validation';
import type { DbOrTx } from '../../platform/db/connect.ts';

export type CredentialRow = {
  id: string;
  customerId: string;
  kind: CredentialKind;
  masked: string;
  label: string | null;
  createdAt: Date;
  revokedAt: Date | null;
};

// The hash never leaves this module except to a device: staff see kind, masked and label.
const columns = {
  id: credentials.id,
  customerId: credentials.customerId,
  kind: credentials.kind,
  masked: credentials.masked,
  label: credentials.label,
  createdAt: credentials.createdAt,
  revokedAt: credentials.revokedAt,
};

/** The customer's live credentials, newest first. */
export async function listCredentials(db: DbOrTx, orgId: string, customerId: string): Promise<CredentialRow[]> {
  return db
    .select(columns)
    .from(credentials)
    .where(and(eq(credentials.orgId, orgId), eq(credentials.customerId, customerId), isNull(credentials.revokedAt)))
    .orderBy(desc(credentials.createdAt));
}

export async function findCredential(db: DbOrTx, orgId: string, id: string): Promise<CredentialRow | undefined> {
  const [row] = await db
    .select(columns)
    .from(credentials)
    .where(and(eq(credentials.orgId, orgId), eq(credentials.id, id)));
  return row;
}

/** Fails on credentials_org_live_hash_idx when the value is live in the organization already. */
export async function insertCredential(
  tx: DbOrTx,
  orgId: string,
  values: { customerId: string; kind: CredentialKind; hash: string; masked: string; label: string | null },
): Promise<CredentialRow> {
  const [row] = await tx
    .insert(credentials)
    .values({ orgId, ...values })
    .returning(columns);
  return row!;
}
