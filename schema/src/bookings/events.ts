import { z } from 'zod';
import { timelineKind } from '../timeline/kind.ts';

/** C8: what the bookings domain says happened (written to the outbox with the change). */
export const bookingEvents = {
  /** A booking was confirmed (the public flow; later staff at the desk). */
  'booking.confirmed': z.object({ bookingId: z.uuid() }),
  /** A booking was cancelled, by a staff member (`userId`) or by the customer. */
  'booking.cancelled': z.object({ bookingId: z.uuid(), by: z.enum(['staff', 'customer']), userId: z.uuid().nullable() }),
} as const;

/** A booking as its timeline entries show it (as it was when the entry was written). */
export const TimelineBookingSchema = z
  .object({
    id: z.string(),
    service: z.object({ id: z.string(), name: z.string() }),
    startsAt: z.iso.datetime({ offset: true }),
    /** The venue's zone, to show startsAt in. */
    timezone: z.string(),
    partySize: z.number().int(),
  })
  .meta({ id: 'TimelineBooking' });

/** Ac1: the bookings domain's kinds of timeline entry. */
export const bookingTimelineKinds = [
  timelineKind('booking_confirmed', 'booking', { booking: TimelineBookingSchema }, 'A booking was confirmed (from booking.confirmed)'),
  timelineKind(
    'booking_cancelled',
    'booking',
    { booking: TimelineBookingSchema, cancelledBy: z.enum(['staff', 'customer']) },
    'A booking was cancelled, by staff (actor says who) or by the customer (from booking.cancelled)',
  ),
] as const;
