import { OpenAPIHono } from '@hono/zod-openapi';
import type { Domain } from '../../platform/domain.ts';
import { validationHook, type AppEnv } from '../../platform/http/context.ts';
import { localSubscriber, onEventWritten, type WrittenEvent } from '../../platform/outbox.ts';
import type { SessionCache } from './session-cache.ts';
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

/** The events after which cached sessions are stale (see SessionCache). */
const sessionChanges = ['auth.session.ended', 'auth.user.changed', 'auth.roles.changed', 'settings.changed'] as const;

function forgetCached(sessions: SessionCache, event: WrittenEvent) {
  if (event.name === 'auth.session.ended') sessions.forgetSession(event.payload.sessionHash);
  else if (event.name === 'auth.user.changed') sessions.forgetUser(event.payload.userId);
  else if (event.name === 'auth.roles.changed' || event.name === 'settings.changed') sessions.forgetOrganization(event.orgId);
}

/**
 * Serves sessions from the cache while this node hears the outbox, and forgets them as this
 * process writes the events that change them (server.ts calls it once the outbox listens).
 */
export function cacheSessionsWhileHearing(auth: AuthService, hearing: () => boolean, onReconnect: (listener: () => void) => () => void): () => void {
  const sessions = auth.sessions;
  const detachWritten = onEventWritten((event) => forgetCached(sessions, event));
  // Whatever was committed while the node was deaf is in the database, not in the cache.
  const detachReconnect = onReconnect(() => sessions.clear());
  sessions.useWhile(hearing);
  return () => {
    detachWritten();
    detachReconnect();
    sessions.useWhile(() => false);
  };
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
   * What ends or changes sessions empties every node's session cache of them.
   */
  subscribers: (s) => [
    localSubscriber({ id: 'auth.end-session-sockets', on: ['auth.session.ended'], handle: (event) => s.staffSessions.ended(event.payload) }),
    localSubscriber({ id: 'auth.user-sockets', on: ['auth.user.changed'], handle: (event) => s.staffSessions.userChanged(event.payload) }),
    localSubscriber({ id: 'auth.role-sockets', on: ['auth.roles.changed'], handle: (event) => s.staffSessions.rolesChanged(event.orgId) }),
    localSubscriber({ id: 'auth.forget-cached-sessions', on: sessionChanges, handle: (event) => forgetCached(s.auth.sessions, event) }),
  ],
};
