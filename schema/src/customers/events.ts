import { z } from 'zod';
import { TimelineSourceSchema, timelineKind } from '../timeline/kind.ts';

/**
 * What the customers domain tells the rest (see ../platform/events.ts), written to the outbox with
 * the change. `actorUserId` is the staff member who did it, null for the customer or the system.
 */
export const customerEvents = {
  /**
   * A customer was updated, deleted, erased or merged away or into (status, erasure, deletion and
   * merge decide door access). Written by each of these, in its transaction; once per customer.
   */
  'customer.changed': z.object({ customerId: z.uuid() }),
  /** C10, Ac1: a customer was added (by staff, a public flow, an import or the system). */
  'customer.created': z.object({ customerId: z.uuid(), actorUserId: z.uuid().nullable(), source: TimelineSourceSchema }),
  /** `fields`: the names of the fields that changed, as the history names them (firstName, emails, tags, photo …). */
  'customer.updated': z.object({ customerId: z.uuid(), actorUserId: z.uuid().nullable(), fields: z.array(z.string()).min(1) }),
  'customer.erased': z.object({ customerId: z.uuid(), actorUserId: z.uuid().nullable() }),
  /** D2: `fromId` (customer number `fromCustomerNumber`) is gone, merged into `intoId`. */
  'customer.merged': z.object({ fromId: z.uuid(), intoId: z.uuid(), fromCustomerNumber: z.string(), actorUserId: z.uuid().nullable() }),
} as const;

/** Ac1, C10: the customers domain's kinds of timeline entry (the history keeps the values; the timeline says that it happened). */
export const customerTimelineKinds = [
  timelineKind('profile_created', 'profile', {}, 'The customer was added (from customer.created)'),
  timelineKind(
    'profile_updated',
    'profile',
    { fields: z.array(z.string()).meta({ description: 'The fields that changed, as the history names them' }) },
    'Details of the profile changed (from customer.updated)',
  ),
  timelineKind('profile_erased', 'profile', {}, "The customer's personal data was erased on request (from customer.erased)"),
  timelineKind(
    'profile_merged',
    'profile',
    { from: z.object({ customerNumber: z.string() }) },
    'Another customer record was merged into this one; its entries are here too (from customer.merged)',
  ),
] as const;
