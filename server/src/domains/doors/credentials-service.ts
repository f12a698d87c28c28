import { createHmac, randomBytes } from 'node:crypto';
import { credentials } from '@foyer/schema/tables';
import { maskCredential, normalizeCredential, type CredentialKind } from '@foyer/schema/validation';
import type { Db } from '../../platform/db/connect.ts';
import { AppError, uniqueViolation } from '../../platform/errors.ts';
import * as repo from './credentials-repository.ts';
import { credentialKeyOf } from '../edge/repository.ts';
import type { Actor } from '../customers/service.ts';
import { customerIdOf, lockCustomerForAccess, recordAccessChange, revokeAccess } from './customer-access.ts';
import { withEdgeChange } from '../edge/sync-service.ts';

export type Credential = { id: string; kind: CredentialKind; masked: string; label: string | null; createdAt: string };
export type CredentialInput = { kind: CredentialKind; value?: string; label?: string };

/** R2: the hex HMAC-SHA256 a credential is known by, here and on the devices (same key, same text). */
export const hashCredential = (key: Buffer, kind: CredentialKind, value: string) =>
  createHmac('sha256', key).update(normalizeCredential(kind, value)).digest('hex');

/** M3: a wallet pass's QR payload: 18 random bytes, 24 url-safe characters. */
const walletToken = () => randomBytes(18).toString('base64url');

const toCredentialDto = (c: repo.CredentialRow): Credential => ({
  id: c.id,
  kind: c.kind,
  masked: c.masked,
  label: c.label,
  createdAt: c.createdAt.toISOString(),
});

const kindNames: Record<CredentialKind, string> = { rfid: 'RFID', qr: 'QR', barcode: 'Barcode' };
/** How the history shows a credential: "RFID ••••2C3D (Blue fob)", never its value. */
const describe = (c: repo.CredentialRow) => `${kindNames[c.kind]} ${c.masked}${c.label ? ` (${c.label})` : ''}`;

const LIVE_HASH_INDEX = 'credentials_org_live_hash_idx';
// Whose it is stays unsaid: the desk must not learn other customers' cards by trying them.
const taken = () =>
  new AppError(409, 'credential_taken', 'This credential is already issued', [{ field: 'value', message: 'This credential is already issued' }]);

/** R2: cards, fobs, barcodes and wallet QR codes; stored only as a hash under the organization's key. */
export class CredentialService {
  constructor(private readonly db: Db) {}

  async list(orgId: string, ref: string): Promise<{ items: Credential[] }> {
    const customerId = await customerIdOf(this.db, orgId, ref);
    return { items: (await repo.listCredentials(this.db, orgId, customerId)).map(toCredentialDto) };
  }

  /** A QR without a value gets a generated wallet token, returned this once (the server keeps only its hash). */
  async issue(actor: Actor, ref: string, input: CredentialInput): Promise<Credential & { walletToken?: string }> {
    const generated = input.kind === 'qr' && !input.value ? walletToken() : undefined;
    const value = input.value ?? generated!;
    try {
      const created = await withEdgeChange(this.db, actor.orgId, async (tx, touched) => {
        const customerId = await lockCustomerForAccess(tx, actor.orgId, ref);
        const key = await credentialKeyOf(tx, actor.orgId);
        const row = await repo.insertCredential(tx, actor.orgId, {
          customerId,
          kind: input.kind,
          hash: hashCredential(key, input.kind, value),
          masked: maskCredential(normalizeCredential(input.kind, value)),
          label: input.label || null,
        });
        await recordAccessChange(tx, actor, customerId, 'credentials', null, describe(row));
        touched.customerIds = [customerId];
        return row;
      });
      return { ...toCredentialDto(created), ...(generated && { walletToken: generated }) };
    } catch (error) {
      throw uniqueViolation(error) === LIVE_HASH_INDEX ? taken() : error;
    }
  }

  /** The value may then be issued again, to anyone. */
  revoke(actor: Actor, id: string): Promise<void> {
    return revokeAccess(this.db, actor, id, { table: credentials, what: 'Credential', field: 'credentials', find: repo.findCredential, describe });
  }
}
