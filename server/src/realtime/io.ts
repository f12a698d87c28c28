import type { Server as HttpServer } from 'node:http';
import { parse as parseCookie } from 'hono/utils/cookie';
import { Server } from 'socket.io';
import type { StaffClientToServer, StaffServerToClient } from '@foyer/schema/realtime';
import { SESSION_COOKIE } from '../http/context.ts';
import type { Logger } from '../lib/logger.ts';
import type { Auth, AuthService } from '../services/auth.ts';
import { attachEdge, type EdgeDeps } from './edge.ts';
import { attachNotes, type NotesDeps } from './notes.ts';

export type StaffSocketData = { auth: Auth };

/**
 * socket.io on the HTTP server that serves the API and the UI. The /staff namespace admits a
 * socket only with a live session cookie, and puts it in its organization's room; /edge admits
 * paired devices (see edge.ts).
 */
export function attachRealtime(http: HttpServer, services: EdgeDeps & NotesDeps & { auth: AuthService }, logger: Logger) {
  const authService = services.auth;
  const io = new Server(http, {
    transports: ['websocket'],
    // Refuse oversized frames outright instead of buffering them.
    maxHttpBufferSize: 1024 * 1024,
    serveClient: false,
  });
  const staff = io.of('/staff') as unknown as import('socket.io').Namespace<
    StaffClientToServer,
    StaffServerToClient,
    Record<string, never>,
    StaffSocketData
  >;
  staff.use(async (socket, next) => {
    try {
      const token = parseCookie(socket.handshake.headers.cookie ?? '', SESSION_COOKIE)[SESSION_COOKIE];
      const session = await authService.authenticate(token);
      if (!session) return next(new Error('unauthenticated'));
      socket.data.auth = { user: session.user, organization: session.organization };
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
  attachNotes(staff as unknown as Parameters<typeof attachNotes>[0], services, logger);
  const detachEdge = attachEdge(io, services, logger);
  // io.close() closes the HTTP server: the bus must not keep calling into a stopped server.
  http.once('close', detachEdge);
  return io;
}
