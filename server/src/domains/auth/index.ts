import { OpenAPIHono } from '@hono/zod-openapi';
import type { Domain } from '../../platform/domain.ts';
import { validationHook, type AppEnv } from '../../platform/http/context.ts';
import { localSubscriber } from '../../platform/outbox.ts';
import { StaffSessions } from './realtime.ts';
import { authRoutes } from './routes.ts';
import { AuthService } from './service.ts';

declare module '../../platform/domain.ts' {
  interface Services {
    auth: AuthService;
    /** This node's /staff sockets by session, for the local subscriber below. */
    staffSessions: StaffSessions;
  }
}

/** Staff sign-in, sessions and users. */
export const auth: Domain = {
  name: 'auth',
  services: ({ db }) => ({ auth: new AuthService(db), staffSessions: new StaffSessions() }),
  routes: (s, { secureCookies }) => new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).route('/auth', authRoutes(s.auth, secureCookies)),
  realtime: ({ staff, services }) => ({ close: services.staffSessions.attach(staff) }),
  /** Sign-out ends the session's /staff sockets at once, on every node (each drops its own). */
  subscribers: (s) => [
    localSubscriber({ id: 'auth.end-session-sockets', on: ['auth.session.ended'], handle: (event) => s.staffSessions.ended(event.payload) }),
  ],
};
