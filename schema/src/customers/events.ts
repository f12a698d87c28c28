import { z } from 'zod';

/** What the customers domain tells the rest (see ../platform/events.ts). */
export const customerEvents = {
  /**
   * A customer was updated, deleted, erased or merged away or into (status, erasure, deletion and
   * merge decide door access). Written by each of these, in its transaction; once per customer.
   */
  'customer.changed': z.object({ customerId: z.uuid() }),
} as const;
