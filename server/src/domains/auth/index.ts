import { OpenAPIHono } from '@hono/zod-openapi';
import type { Domain } from '../../platform/domain.ts';
import { validationHook, type AppEnv } from '../../platform/http/context.ts';
import { localSubscriber } from '../../platform/outbox.ts';
import { StaffSessions } from './realtime.ts';
import { authRoutes } from './routes.ts';
import { AuthService } from './service.ts';
import { teamRoutes } from './team-routes.ts';
import { TeamService } from './team-service.ts';

declare module '../../platform/domain.ts' {
  interface Services {
    auth: AuthService;
    team: TeamService;
    /** This node's /staff sockets by session, for the local subscriber below. */
    staffSessions: StaffSessions;
  }
}

/** Staff sign-in, sessions, the team (members, invitations, custom roles) and each member's own profile. */
export const auth: Domain = {
  name: 'auth',
  services: ({ db }) => {
    const auth = new AuthService(db);
    return { auth, team: new TeamService(db, auth), staffSessions: new StaffSessions() };
  },
  routes: (s, { secureCookies }) =>
    new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).route('/auth', authRoutes(s.auth, s.team, secureCookies)).route('/team', teamRoutes(s.team)),
  realtime: ({ staff, services }) => ({ close: services.staffSessions.attach(staff) }),
  /**
   * Sign-out, deactivation, a reset password end the session's /staff sockets at once, on every node
   * (each drops its own); a changed role or member makes theirs reconnect with what they may do now.
   */
  subscribers: (s) => [
    localSubscriber({ id: 'auth.end-session-sockets', on: ['auth.session.ended'], handle: (event) => s.staffSessions.ended(event.payload) }),
    localSubscriber({ id: 'auth.user-sockets', on: ['auth.user.changed'], handle: (event) => s.staffSessions.userChanged(event.payload) }),
    localSubscriber({ id: 'auth.role-sockets', on: ['auth.roles.changed'], handle: (event) => s.staffSessions.rolesChanged(event.orgId) }),
  ],
};
