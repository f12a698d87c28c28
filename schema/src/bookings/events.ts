import { z } from 'zod';
import { timelineKind } from '../timeline/kind.ts';

/** C8: what the bookings domain says happened (written to the outbox with the change). */
export const bookingEvents = {
  /** A booking was confirmed: in the public flow, or by staff at the desk or on the phone (`userId`). */
  'booking.confirmed': z.object({ bookingId: z.uuid(), userId: z.uuid().nullable().optional() }),
  /** A booking was cancelled, by a staff member (`userId`) or by the customer. */
  'booking.cancelled': z.object({ bookingId: z.uuid(), by: z.enum(['staff', 'customer']), userId: z.uuid().nullable() }),
  /** Staff moved a booking to another slot (or service, or party size); `from` is where it was. */
  'booking.moved': z.object({
    bookingId: z.uuid(),
    userId: z.uuid().nullable(),
    from: z.object({ serviceId: z.uuid(), serviceName: z.string(), startsAt: z.iso.datetime({ offset: true }), partySize: z.number().int() }),
  }),
  /** Staff checked the guest in at the desk. */
  'booking.checkedIn': z.object({ bookingId: z.uuid(), userId: z.uuid().nullable() }),
  /** Staff marked that the guest did not come; `tagged`: the customer got the No-show tag with it. */
  'booking.noShow': z.object({ bookingId: z.uuid(), userId: z.uuid().nullable(), tagged: z.boolean() }),
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
  timelineKind(
    'booking_moved',
    'booking',
    {
      booking: TimelineBookingSchema,
      from: z.object({ service: z.object({ id: z.string(), name: z.string() }), startsAt: z.iso.datetime({ offset: true }), partySize: z.number().int() }),
    },
    'Staff moved a booking to another time, service or party size (from booking.moved)',
  ),
  timelineKind('booking_checked_in', 'booking', { booking: TimelineBookingSchema }, 'Staff checked the guest in at the desk (from booking.checkedIn)'),
  timelineKind(
    'booking_no_show',
    'booking',
    { booking: TimelineBookingSchema, tagged: z.boolean().meta({ description: 'The customer was tagged No-show with it' }) },
    'Staff marked that the guest did not come (from booking.noShow)',
  ),
] as const;
