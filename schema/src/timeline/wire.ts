import { z } from 'zod';
import { pageSchemaOf } from '../platform/wire.ts';

/** Ac1: one entry of a customer's timeline; door visits carry `data.doorName`, `data.deviceName`. */
export const ActivitySchema = z
  .object({
    id: z.number().int(),
    category: z.string().meta({ description: 'visit, order, booking, …' }),
    type: z.string().meta({ description: 'e.g. door_entry' }),
    source: z.string().meta({ description: 'who or what recorded it, e.g. edge:<device name>' }),
    occurredAt: z.string(),
    data: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'Activity' });
export type Activity = z.infer<typeof ActivitySchema>;

export const ActivityPageSchema = pageSchemaOf(ActivitySchema).meta({ id: 'ActivityPage' });
export type ActivityPage = z.infer<typeof ActivityPageSchema>;
