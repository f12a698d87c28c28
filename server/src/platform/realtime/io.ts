import type { Server as HttpServer } from 'node:http';
import { parse as parseCookie } from 'hono/utils/cookie';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Redis } from 'ioredis';
import { Server, type Namespace, type Socket } from 'socket.io';
import type { StaffClientToServer, StaffServerToClient } from '@foyer/schema/realtime';
import { SESSION_COOKIE } from '../http/context.ts';
import { isForeignOrigin } from '../http/middleware.ts';
import type { Logger } from '../logger.ts';
import { hashToken, type Auth } from '../../domains/auth/service.ts';
import type { NoteApplied } from '../../domains/notes/realtime.ts';
import type { PresenceBatch } from '../../domains/presence/realtime.ts';
import type { DbOrTx } from '../db/connect.ts';
import type { Domain, Services } from '../domain.ts';
import { undeclaredSocketHandlers } from '../permissions.ts';

/** `sessionHash`: the session the socket was admitted with (its token hash), so sign-out can end it. */
export type StaffSocketData = { auth: Auth; sessionHash: string };

/** What the nodes tell each other on /staff (through the adapter, when several share Redis). */
export type StaffNodeEvents = {
  'presence:batch': (batch: PresenceBatch) => void;
  'note:applied': (info: NoteApplied) => void;
};
export type StaffNamespace = Namespace<StaffClientToServer, StaffServerToClient, StaffNodeEvents, StaffSocketData>;
export type StaffSocket = Socket<StaffClientToServer, StaffServerToClient, StaffNodeEvents, StaffSocketData>;

/** The /staff namespace with its typed events (socket.io's `of` knows only the default maps). */
export const staffNamespace = (io: Server) => io.of('/staff') as unknown as StaffNamespace;

export type RealtimeOptions = {
  db: DbOrTx;
  /** With several nodes: broadcasts and presence go through this Redis (see README, "Several server nodes"). */
  redisUrl?: string;
  /** Prefixes every Redis key and stream, so installations (or test runs) can share one Redis. */
  redisPrefix?: string;
  /** After `flow:done` the customer stays online this long (domains/presence/flow-realtime.ts's FLOW_DONE_LINGER_MS when unset). */
  flowDoneLingerMs?: number;
  /** Origins besides this host that may open /staff sockets (config.allowedOrigins, as the API's sameOriginOnly). */
  allowedOrigins?: readonly string[];
};

export type Realtime = { io: Server; close: () => Promise<void> };

/**
 * A browser that vanishes without closing (battery, tunnel) is noticed after at most
 * pingInterval + pingTimeout = 20 s; with the presence grace it is offline well within 30 s.
 * (socket.io's defaults, 25 s + 20 s, would take 45 s.)
 */
const PING_INTERVAL_MS = 10_000;
const PING_TIMEOUT_MS = 10_000;

/**
 * socket.io on the HTTP server that serves the API and the UI. The /staff namespace admits a
 * socket only with a live session cookie, and puts it in its organization's room. The rest is the
 * domains' own `realtime` part: the public booking flow (/flow) and customer presence in
 * domains/presence, paired devices (/edge) in domains/edge, notes in domains/notes.
 */
export function attachRealtime(http: HttpServer, domains: readonly Domain[], services: Services, logger: Logger, options: RealtimeOptions): Realtime {
  const authService = services.auth;
  const io = new Server(http, {
    transports: ['websocket'],
    // Refuse oversized frames outright instead of buffering them.
    maxHttpBufferSize: 1024 * 1024,
    serveClient: false,
    pingInterval: PING_INTERVAL_MS,
    pingTimeout: PING_TIMEOUT_MS,
  });
  const prefix = options.redisPrefix ?? 'foyer:';
  // Several nodes: room broadcasts (presence, notes, door events) and fetchSockets cross through a
  // Redis stream. One client is enough: the adapter duplicates it for its blocking reads.
  const redis = options.redisUrl ? new Redis(options.redisUrl, { enableAutoPipelining: true }) : undefined;
  redis?.on('error', (err) => logger.warn({ err }, 'redis error'));
  if (redis) io.adapter(createAdapter(redis, { streamName: `${prefix}socket.io` }));
  const staff = staffNamespace(io);
  staff.use(async (socket, next) => {
    // A page on another site must not ride the session cookie into /staff (it could edit notes):
    // the same Origin check as the API's sameOriginOnly. Browsers always send Origin on a WebSocket.
    const { origin, host } = socket.handshake.headers;
    const fetchSite = socket.handshake.headers['sec-fetch-site'];
    if (isForeignOrigin({ origin, host, fetchSite: typeof fetchSite === 'string' ? fetchSite : undefined }, options.allowedOrigins ?? []))
      return next(new Error('foreign_origin'));
    try {
      const token = parseCookie(socket.handshake.headers.cookie ?? '', SESSION_COOKIE)[SESSION_COOKIE];
      const session = await authService.authenticate(token);
      if (!session) return next(new Error('unauthenticated'));
      socket.data.auth = { user: session.user, organization: session.organization };
      socket.data.sessionHash = hashToken(token!);
      next();
    } catch (err) {
      logger.error({ err }, 'staff socket authentication failed');
      next(new Error('unavailable'));
    }
  });
  staff.on('connection', (socket) => {
    const { user, organization } = socket.data.auth;
    void socket.join(`org:${organization.id}`);
    socket.emit('welcome', { userId: user.id, orgId: organization.id });
  });
  const context = { io, staff, services, db: options.db, logger, redis, redisPrefix: prefix, flowDoneLingerMs: options.flowDoneLingerMs };
  const attached = domains.map((domain) => domain.realtime?.(context) ?? undefined);
  // Last, after every domain's handlers: a handler that declares no permission never runs.
  staff.on('connection', (socket) => {
    const undeclared = undeclaredSocketHandlers(socket);
    if (!undeclared.length) return;
    logger.error({ events: undeclared }, '/staff handlers that declare no permission (use onPermitted): the socket is refused');
    socket.disconnect(true);
  });
  // io.close() closes the HTTP server first: handlers must stop calling into a stopped server.
  let detached: Promise<unknown> | undefined;
  const detach = () => (detached ??= Promise.all(attached.map((a) => a?.close?.())));
  http.once('close', () => void detach());
  return {
    io,
    close: async () => {
      await io.close();
      await detach();
      await redis?.quit().catch(() => redis.disconnect());
    },
  };
}
