import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { IMPORT_MAX_UPLOAD_BYTES } from '@foyer/schema/validation';
import { getCookie, setCookie } from 'hono/cookie';
import type { Logger } from '../logger.ts';
import { AppError } from '../errors.ts';
import { SESSION_TTL_MS, type Auth, type AuthService } from '../../domains/auth/service.ts';

/** Turns an API key's secret into the request's principal, or throws a 401. */
export type BearerAuthenticator = { authenticate(secret: string): Promise<Auth> };
import { SESSION_COOKIE, type AppEnv } from './context.ts';

export const MAX_BODY_BYTES = 1024 * 1024;

/** An id from a proxy or client is kept when it is short and plain: no spaces, quotes or controls. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:+/=-]{1,128}$/;

/**
 * Gives each request an id (a sane incoming X-Request-Id, else a new UUID), answers it in the
 * X-Request-Id header and puts it on `c.var.log`, so every line logged for the request carries it.
 * Error bodies repeat it (`error.requestId`): a person reporting a problem can quote it.
 */
export function requestId(logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const id = incoming && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    c.set('requestId', id);
    c.set('log', logger.child({ requestId: id }));
    await next();
    // After the handler, so that responses it built itself (a stream, a file) get it too.
    c.header('X-Request-Id', id);
  };
}

/** One JSON log line per request, with its duration. */
export function requestLog(logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    (c.get('log') ?? logger).info({
      msg: 'request',
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      userId: c.get('auth')?.user.id,
    });
  };
}

export const MAX_PHOTO_BYTES = 8 * 1024 * 1024;

const tooLarge = (maxSize: number, limit: string) =>
  bodyLimit({
    maxSize,
    // The rest of the body is never read, so the connection cannot carry another request: close it.
    onError: (c) =>
      c.json({ error: { code: 'payload_too_large', message: `The request body is over the ${limit} limit`, requestId: c.get('requestId') } }, 413, {
        connection: 'close',
      }),
  });
const jsonLimit = tooLarge(MAX_BODY_BYTES, '1 MiB');
const photoLimit = tooLarge(MAX_PHOTO_BYTES, '8 MiB');
/** A note attachment may be 10 MB; the multipart envelope around it gets a little room. */
const attachmentLimit = tooLarge(10 * 1024 * 1024 + 64 * 1024, '10 MB');

/** An import's file is streamed into the database as it arrives (ImportService.upload counts it too). */
const importLimit = tooLarge(IMPORT_MAX_UPLOAD_BYTES, `${IMPORT_MAX_UPLOAD_BYTES / 1024 / 1024} MB (larger files: the CLI, pnpm foyer import customers FILE)`);

/**
 * 1 MiB for JSON; photos (PUT …/photo) may be 8 MiB, as phones take them; note attachments 10 MB;
 * import files 200 MB. GET and HEAD are let through untouched: no route reads their body, and
 * asking for it (as bodyLimit does) makes the Node adapter build a full web Request, 4% of a read's CPU.
 */
export const limitBody: MiddlewareHandler<AppEnv> = (c, next) =>
  c.req.method === 'GET' || c.req.method === 'HEAD'
    ? next()
    : c.req.method === 'POST' && c.req.path === '/api/imports/customers'
      ? importLimit(c, next)
      : c.req.method === 'PUT' && c.req.path.endsWith('/photo')
        ? photoLimit(c, next)
        : c.req.method === 'POST' && c.req.path.endsWith('/notes/attachments')
          ? attachmentLimit(c, next)
          : jsonLimit(c, next);

/** No page may frame Foyer (clickjacking): the old header for old browsers, CSP for the rest. */
export const FRAME_HEADERS = { 'x-frame-options': 'DENY', 'content-security-policy': "frame-ancestors 'none'" } as const;

/**
 * Security headers on every API response: no framing (a response's own CSP, e.g. an attachment's
 * sandbox, gets frame-ancestors added) and `Cache-Control: no-store` on JSON, since it carries
 * customer data that must not sit in a shared cache. The UI gets the frame headers in server.ts.
 */
export const securityHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  c.header('x-frame-options', FRAME_HEADERS['x-frame-options']);
  const csp = c.res.headers.get('content-security-policy');
  if (!csp) c.header('content-security-policy', FRAME_HEADERS['content-security-policy']);
  else if (!/frame-ancestors/i.test(csp)) c.header('content-security-policy', `${csp}; ${FRAME_HEADERS['content-security-policy']}`);
  const json = /json/i.test(c.res.headers.get('content-type') ?? '');
  if (json && !/no-store/i.test(c.res.headers.get('cache-control') ?? '')) c.header('cache-control', 'no-store');
};

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses state-changing requests that a browser sent from another site. SameSite=Lax already keeps
 * the cookie off most of them; this closes the rest (same-site subdomains, old browsers).
 */
/**
 * Whether a browser sent this from another site: an Origin that is neither this host nor one of the
 * allowed origins (config.allowedOrigins, from PUBLIC_URL), or Sec-Fetch-Site: cross-site. Shared by
 * the API (sameOriginOnly) and the /staff socket handshake (platform/realtime/io.ts).
 */
export function isForeignOrigin(headers: { origin?: string; host?: string; fetchSite?: string }, allowedOrigins: readonly string[]): boolean {
  const { origin, host, fetchSite } = headers;
  let sameHost = false;
  try {
    sameHost = !!origin && new URL(origin).host === host;
  } catch {
    /* an unparsable Origin is foreign */
  }
  return (origin !== undefined && !sameHost && !allowedOrigins.includes(origin)) || fetchSite === 'cross-site';
}

export function sameOriginOnly(allowedOrigins: string[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!SAFE_METHODS.has(c.req.method)) {
      const foreign = isForeignOrigin(
        { origin: c.req.header('origin'), host: c.req.header('host'), fetchSite: c.req.header('sec-fetch-site') },
        allowedOrigins,
      );
      if (foreign) throw new AppError(403, 'foreign_origin', 'Requests from another site are refused');
    }
    await next();
  };
}

export function setSessionCookie(c: Parameters<MiddlewareHandler>[0], token: string, secure: boolean) {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure,
    path: '/',
    maxAge: Math.floor(SESSION_TTL_MS / 1000),
  });
}

/**
 * Reads the session cookie: a live session becomes the request's `auth` (renewed when due). It
 * refuses nothing: each route's declaration (`permit`, platform/permissions.ts) says whether it
 * needs a session, and a request without one is refused there.
 */
export function readSession(authService: AuthService, secureCookies: boolean, apiKeys?: BearerAuthenticator): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    // An integrator's API key (`Authorization: Bearer fy_…`) stands instead of a session.
    const bearer = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '')?.[1]?.trim();
    if (bearer && apiKeys) {
      c.set('auth', await apiKeys.authenticate(bearer));
      return next();
    }
    const token = getCookie(c, SESSION_COOKIE);
    // The session routes themselves (sign-in, sign-out, who am I: what the app asks as it loads)
    // read the database; every other request may be served by the session cache (SessionCache).
    const session = await authService.authenticate(token, { cached: !c.req.path.startsWith('/api/auth/') });
    if (session) {
      if (session.renewed) setSessionCookie(c, token!, secureCookies);
      c.set('auth', { user: session.user, organization: session.organization });
    }
    await next();
  };
}
