import { z } from 'zod';

/** What the organizations domain says happened. */
export const organizationEvents = {
  /** Some of the organization's settings changed (`fields`: their names, as in Settings). */
  'settings.changed': z.object({ fields: z.array(z.string()).min(1) }),
} as const;
