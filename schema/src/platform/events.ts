import type { z } from 'zod';
import { authEvents } from '../auth/events.ts';
import { bookingEvents } from '../bookings/events.ts';
import { customerEvents } from '../customers/events.ts';
import { doorEvents } from '../doors/events.ts';
import { edgeEvents } from '../edge/events.ts';
import { enquiryEvents } from '../enquiries/events.ts';
import { importEvents } from '../imports/events.ts';
import { noteEvents } from '../notes/events.ts';
import { orderEvents } from '../orders/events.ts';
import { organizationEvents } from '../organizations/events.ts';
import { timelineEvents } from '../timeline/events.ts';

/**
 * Domain events: what a service says happened, written to the outbox in the transaction that made
 * it happen (server/src/platform/outbox.ts). One zod schema per event name types `writeEvent` and
 * every subscriber; the payload is validated when written.
 *
 * The organization is not part of a payload: every event carries `orgId` beside it.
 *
 * Adding events: a domain declares its own map in `schema/src/<domain>/events.ts`
 * (`export const bookingEvents = { 'booking.confirmed': z.object({ bookingId: z.uuid() }) }`)
 * and spreads it into `eventSchemas` below: one line per domain. Names are `<domain>.<what>`,
 * in the past tense; a payload says what changed, not the whole record (subscribers read the
 * current state when they need it, since an event may arrive late, twice or out of order).
 * Never change an existing event's payload incompatibly: events already in the outbox were
 * written with the old one. Add an optional field, or a new event name.
 */

/** Every event the outbox carries, by name. */
export const eventSchemas = {
  ...authEvents,
  ...organizationEvents,
  ...customerEvents,
  ...edgeEvents,
  ...doorEvents,
  ...bookingEvents,
  ...enquiryEvents,
  ...noteEvents,
  ...orderEvents,
  ...organizationEvents,
  ...timelineEvents,
  ...importEvents,
} as const;

export type EventName = keyof typeof eventSchemas;
export type EventPayload<N extends EventName> = z.infer<(typeof eventSchemas)[N]>;

export const isEventName = (name: string): name is EventName => Object.hasOwn(eventSchemas, name);
