import { z } from 'zod';

/** What the organizations domain says happened. */
export const organizationEvents = {
  /**
   * Some of the organization's settings changed (`fields`: their names, as in Settings). The orders
   * domain recomputes figures when the lifecycle or currency changed; every node drops the sessions
   * of that organization it cached, since a session carries its country and currency
   * (server/src/domains/auth/session-cache.ts).
   */
  'settings.changed': z.object({ fields: z.array(z.string()).min(1) }),
} as const;
