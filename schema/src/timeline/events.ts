import { z } from 'zod';

/** Ac1: what the timeline domain says happened. */
export const timelineEvents = {
  /**
   * An entry was written to the customer's timeline, or an entry changed (a note's editing session
   * went on): staff with the profile open get it live (`timeline:entry`).
   */
  'timeline.recorded': z.object({ customerId: z.uuid(), entryId: z.number().int().positive() }),
} as const;
