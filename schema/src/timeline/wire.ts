import { z } from 'zod';
import { pageSchemaOf } from '../platform/wire.ts';
import { bookingTimelineKinds } from '../bookings/events.ts';
import { customerTimelineKinds } from '../customers/events.ts';
import { doorTimelineKinds } from '../doors/events.ts';
import { enquiryTimelineKinds } from '../enquiries/events.ts';
import { noteTimelineKinds } from '../notes/events.ts';
import { orderTimelineKinds } from '../orders/events.ts';

export { TIMELINE_SOURCES, TimelineSourceSchema, StaffRefSchema, type TimelineSource, type StaffRef } from './kind.ts';

/**
 * Ac1: one entry of a customer's timeline, typed by `type`. Every kind has `id`, `type`,
 * `category`, `source`, `occurredAt` and `actor`, plus its own fields.
 *
 * Adding a kind: declare it with `timelineKind(…)` in its domain's events.ts list (a new domain
 * adds its list here, one line), write it from an outbox subscriber of the timeline domain
 * (server/src/domains/timeline/subscribers.ts), and give it a component in web/src/lib/timeline/
 * (the web's map of components is exhaustive: a kind without one does not compile).
 */
export const TimelineEntrySchema = z
  .discriminatedUnion('type', [
    ...doorTimelineKinds,
    ...bookingTimelineKinds,
    ...customerTimelineKinds,
    ...noteTimelineKinds,
    ...orderTimelineKinds,
    ...enquiryTimelineKinds,
  ])
  .meta({ id: 'TimelineEntry' });
export type TimelineEntry = z.infer<typeof TimelineEntrySchema>;
export type TimelineType = TimelineEntry['type'];
export type TimelineCategory = TimelineEntry['category'];
/** The entry of one type. */
export type TimelineEntryOf<T extends TimelineType> = Extract<TimelineEntry, { type: T }>;

/** Every type, in the order of the union. */
export const TIMELINE_TYPES = TimelineEntrySchema.options.map((o) => o.shape.type.value) as TimelineType[];

/** A page of the timeline, newest first; `hasMore` instead of a total. */
export const TimelinePageSchema = pageSchemaOf(TimelineEntrySchema).meta({ id: 'TimelinePage' });
export type TimelinePage = z.infer<typeof TimelinePageSchema>;

/** `timeline:entry` on /staff: an entry of the customer (32-hex id) written, or written again (same id). */
export type TimelineLiveEntry = { customerId: string; entry: TimelineEntry };
