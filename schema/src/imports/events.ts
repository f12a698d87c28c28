import { z } from 'zod';

/** I1: what the import tells the rest (see ../platform/events.ts). */
export const importEvents = {
  /**
   * A batch of an import committed: the customers it created are those of
   * customer_import_effects with action 'created' on lines fromLine…toLine. One event per batch,
   * not per customer: the timeline writes the batch's entries in one statement.
   */
  'customers.imported': z.object({ importId: z.uuid(), fromLine: z.number().int(), toLine: z.number().int(), actorUserId: z.uuid().nullable() }),
} as const;
