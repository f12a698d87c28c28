import { createHmac } from 'node:crypto';

/**
 * The same HMAC-SHA256 the server computes, under the organization's credential key from pairing
 * (base64): a credential is never kept in clear on the device, only this hash (lowercase hex).
 */
export function credentialHasher(credentialKeyBase64: string): (normalized: string) => string {
  const key = Buffer.from(credentialKeyBase64, 'base64');
  return (normalized) => createHmac('sha256', key).update(normalized, 'utf8').digest('hex');
}
