import { z } from 'zod';
import { timelineKind } from '../timeline/kind.ts';

/** Da2: what the doors domain says happened (written to the outbox with the change). */
export const doorEvents = {
  /** A device reported a granted entry of a customer, stored as the door log entry `doorEventId`. */
  'door.visited': z.object({ doorEventId: z.number().int().positive(), customerId: z.uuid() }),
} as const;

const named = z.object({ id: z.string(), name: z.string() });

/** Ac1: the doors domain's kinds of timeline entry. */
export const doorTimelineKinds = [
  timelineKind(
    'door_entry',
    'visit',
    { door: named, device: named, doorEventId: z.number().int().meta({ description: 'The door log entry' }) },
    'A visit: a card, fob or pass opened a door (from door.visited)',
  ),
] as const;
