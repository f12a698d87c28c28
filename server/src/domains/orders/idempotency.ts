import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Context } from 'hono';
import type { Db } from '../../platform/db/connect.ts';
import { AppError } from '../../platform/errors.ts';
import { auth, type AppEnv } from '../../platform/http/context.ts';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** How long a key's response is kept (the nightly job drops older ones). */
export const IDEMPOTENCY_KEEP_HOURS = 24;

/**
 * `Idempotency-Key` on a write: the first request with a key claims it (a row with status 0), runs,
 * and stores its response; the same key with the same body (method, path and parsed body) replays
 * that response, with another body is a 422, and while the first is still running a 409 (retry).
 * A request that fails releases its key, so a corrected retry can use it. Keys are per
 * organization and per sender (an API key or a staff member): two clients never collide.
 */
export async function idempotent<T>(
  db: Db,
  c: Context<AppEnv>,
  input: unknown,
  run: () => Promise<{ status: 200 | 201; body: T }>,
): Promise<{ status: 200 | 201; body: T; replayed: boolean }> {
  const key = c.req.header(IDEMPOTENCY_HEADER);
  if (key === undefined) return { ...(await run()), replayed: false };
  if (!/^[\x21-\x7e]{1,200}$/.test(key))
    throw new AppError(400, 'validation_failed', 'An Idempotency-Key is 1 to 200 printable characters', [
      { field: 'Idempotency-Key', message: '1 to 200 printable ASCII characters' },
    ]);
  const me = auth(c);
  const principal = me.apiKey ? `key:${me.apiKey.id}` : `user:${me.user.id}`;
  const hash = createHash('sha256')
    .update(`${c.req.method} ${c.req.path} ${JSON.stringify(input)}`)
    .digest('hex');
  const orgId = me.organization.id;
  const claimed = await db.execute(sql`
    insert into idempotency_keys (org_id, principal, key, request_hash, status, body)
    values (${orgId}, ${principal}, ${key}, ${hash}, 0, '') on conflict do nothing`);
  if (claimed.rowCount === 0) {
    const { rows } = await db.execute<{ request_hash: string; status: number; body: string }>(
      sql`select request_hash, status, body from idempotency_keys where org_id = ${orgId} and principal = ${principal} and key = ${key}`,
    );
    const first = rows[0];
    if (first && first.request_hash !== hash)
      throw new AppError(422, 'idempotency_key_reused', 'This Idempotency-Key was used with a different request: use a new key for a new request', [
        { field: 'Idempotency-Key', message: 'Already used for a different request' },
      ]);
    if (!first || first.status === 0)
      throw new AppError(409, 'idempotency_in_progress', 'A request with this Idempotency-Key is still being processed: retry shortly', undefined, {
        'retry-after': '1',
      });
    return { status: first.status as 200 | 201, body: JSON.parse(first.body) as T, replayed: true };
  }
  try {
    const result = await run();
    await db.execute(sql`
      update idempotency_keys set status = ${result.status}, body = ${JSON.stringify(result.body)}
       where org_id = ${orgId} and principal = ${principal} and key = ${key}`);
    return { ...result, replayed: false };
  } catch (error) {
    await db.execute(sql`delete from idempotency_keys where org_id = ${orgId} and principal = ${principal} and key = ${key}`);
    throw error;
  }
}
