import type { Hook } from '@hono/zod-openapi';
import { fieldIssues } from '@foyer/schema/validation';
import type { Context, Env as HonoEnv } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { Auth } from '../../domains/auth/service.ts';

/**
 * What middleware puts on the request context for the routes: the request's id and a logger whose
 * every line carries it (middleware.ts requestId), and the signed-in staff member.
 */
export type AppEnv = HonoEnv & { Variables: { auth: Auth; requestId: string; log: Logger; clientAddress: string } };

export const SESSION_COOKIE = 'foyer_session';

/** The signed-in staff member; every route declared with `permit` (platform/permissions.ts) has one. */
export function auth(c: Context<AppEnv>): Auth {
  const value = c.get('auth');
  if (!value) throw new AppError(401, 'unauthenticated', 'Sign in first');
  return value;
}

/**
 * The client's address, as the rate limits see it: the peer's, or behind trusted proxies the one
 * they forward (client-address.ts, TRUST_PROXY).
 */
export function clientAddress(c: Context): string {
  return (c.get('clientAddress') as string | undefined) ?? peerAddress(c);
}

/** The peer's address; requests made in-process by the UI's server rendering have none. */
export function peerAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'in-process';
  }
}

/** Every zod failure answers 400 with one issue per field, in the API's error shape. */
export const validationHook: Hook<unknown, AppEnv, string, unknown> = (result, c) => {
  if (result.success) return;
  const issues = fieldIssues(result.error);
  const whole = issues.find((i) => i.field === '(body)');
  const message = whole?.message ?? `Some fields are not valid: ${[...new Set(issues.map((i) => i.field))].join(', ')}`;
  return c.json({ error: { code: 'validation_failed', message, issues, requestId: c.get('requestId') } }, 400);
};
