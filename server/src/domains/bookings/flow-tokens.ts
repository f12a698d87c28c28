import { createHmac, timingSafeEqual } from 'node:crypto';
import type { DbOrTx } from '../../platform/db/connect.ts';
import { credentialKeyOf } from '../edge/repository.ts';

/**
 * A flow token says "this public booking flow is customer C of organization O, until E". The
 * booking flow receives one once it knows who the customer is and shows it to the /flow socket,
 * which then holds that customer's presence. It is signed, not stored, so any server node can
 * check it: the key is derived from the organization's secret key (shared through PostgreSQL),
 * under a label of its own so it can never be confused with a credential HMAC.
 */
export type FlowIdentity = { orgId: string; customerId: string; expiresAt: number };

const LABEL = 'foyer flow token v1';
const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64url');

/**
 * Signing keys recently used, per organization: every customer entering a booking flow presents a
 * token, and a rush of them (hundreds a second) should not each wait for PostgreSQL on the way to
 * going online. An organization's secret key is never rotated today; if it ever is, a node keeps
 * the old one at most KEY_CACHE_MS. Only keys found are kept, so made-up organization ids in
 * forged tokens cannot fill the cache, and it holds at most KEY_CACHE_SIZE organizations.
 */
const KEY_CACHE_MS = 10 * 60_000;
const KEY_CACHE_SIZE = 1000;
const signingKeys = new Map<string, { key: Buffer; until: number }>();

async function signingKey(db: DbOrTx, orgId: string): Promise<Buffer> {
  const cached = signingKeys.get(orgId);
  if (cached && cached.until > Date.now()) return cached.key;
  const key = createHmac('sha256', await credentialKeyOf(db, orgId))
    .update(LABEL)
    .digest();
  signingKeys.delete(orgId);
  if (signingKeys.size >= KEY_CACHE_SIZE) signingKeys.delete(signingKeys.keys().next().value!);
  signingKeys.set(orgId, { key, until: Date.now() + KEY_CACHE_MS });
  return key;
}

export async function issueFlowToken(db: DbOrTx, orgId: string, customerId: string, ttlSeconds = 2 * 3600): Promise<string> {
  const payload = b64(JSON.stringify({ o: orgId, c: customerId, e: Math.floor(Date.now() / 1000) + ttlSeconds }));
  const mac = createHmac('sha256', await signingKey(db, orgId))
    .update(payload)
    .digest();
  return `${payload}.${b64(mac)}`;
}

/** The identity a token carries, or null when it is malformed, forged or expired. */
export async function verifyFlowToken(db: DbOrTx, token: unknown): Promise<FlowIdentity | null> {
  if (typeof token !== 'string' || token.length > 512) return null;
  const [payload, mac] = token.split('.');
  if (!payload || !mac) return null;
  let claims: { o?: unknown; c?: unknown; e?: unknown };
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
  if (typeof claims.o !== 'string' || !uuid.test(claims.o) || typeof claims.c !== 'string' || typeof claims.e !== 'number') return null;
  if (claims.e * 1000 < Date.now()) return null;
  let key: Buffer;
  try {
    key = await signingKey(db, claims.o);
  } catch {
    return null; // no such organization
  }
  const expected = createHmac('sha256', key).update(payload).digest();
  const given = Buffer.from(mac, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return { orgId: claims.o, customerId: claims.c, expiresAt: claims.e * 1000 };
}
