import { z } from 'zod';

/** What the organizations domain tells every node (see ../platform/events.ts). */
export const organizationEvents = {
  /**
   * The organization's settings changed (orgId on the envelope): what a signed-in session carries
   * of it (the default country phones are read in) is stale, so every node drops the sessions of
   * that organization it cached (server/src/domains/auth/session-cache.ts).
   */
  'organization.settings.changed': z.object({}),
} as const;
