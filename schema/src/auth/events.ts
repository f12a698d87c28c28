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
   * What a member may do or how they are shown changed (role, deactivated or reactivated, display
   * name or avatar): their /staff sockets go, and reconnect (if still allowed) with the new state.
   */
  'auth.user.changed': z.object({ userId: z.uuid() }),
  /** A custom role of the event's organization was edited or deleted: its holders' sockets reconnect, and every node drops its cached sessions of that organization. */
  'auth.roles.changed': z.object({}),
} as const;
