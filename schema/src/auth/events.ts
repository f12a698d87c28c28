import { z } from 'zod';

/** What the auth domain tells every node (see ../platform/events.ts and server/src/domains/auth/index.ts). */
export const authEvents = {
  /**
   * A staff session ended (sign-out): the /staff sockets admitted with it must go at once, on
   * whichever node they are. `sessionHash` is the session's token hash (sessions.token_hash), not
   * the cookie token: it cannot be used to sign in.
   */
  'auth.session.ended': z.object({ sessionHash: z.string().min(1), userId: z.uuid() }),
  /**
   * A staff member's account changed in a way their sessions carry (role, deactivation, name,
   * email): every node drops the sessions it cached for them (auth/session-cache.ts).
   */
  'auth.user.changed': z.object({ userId: z.uuid() }),
  /** The organization's roles or their permissions changed (orgId on the envelope): every node drops its cached sessions of that organization. */
  'auth.roles.changed': z.object({}),
} as const;
