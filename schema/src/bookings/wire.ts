import { z } from 'zod';
import { isoDate, isoDateTime, pathParam } from '../platform/wire.ts';

// C8: services staff offer in the public booking flow, and what the flow sends and receives.

/** "HH:MM", 00:00–23:59. A period may close at "24:00" (midnight at the end of the day). */
const timePattern = /^([01]\d|2[0-3]):[0-5]\d$/;
const TimeOfDaySchema = z.string().regex(timePattern, 'A time is written HH:MM, e.g. 09:30');
const ClosingTimeSchema = z.string().refine((v) => v === '24:00' || timePattern.test(v), 'A time is written HH:MM, e.g. 17:30 (24:00 for midnight)');

/** Minutes since midnight of an "HH:MM" (24:00 is 1440). */
export const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
/** 570 → "09:30". */
export const hhmmOf = (minutes: number): string => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** 0 is Sunday, as in JavaScript's Date.getDay(). */
export const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

export const OpeningPeriodSchema = z
  .object({
    weekday: z
      .number({ error: 'A weekday is a number from 0 (Sunday) to 6 (Saturday)' })
      .int()
      .min(0, 'A weekday is 0 (Sunday) to 6 (Saturday)')
      .max(6, 'A weekday is 0 (Sunday) to 6 (Saturday)'),
    opens: TimeOfDaySchema,
    closes: ClosingTimeSchema,
  })
  .strict()
  .superRefine((p, ctx) => {
    if (timePattern.test(p.opens) && (p.closes === '24:00' || timePattern.test(p.closes)) && minutesOf(p.closes) <= minutesOf(p.opens))
      ctx.addIssue({ code: 'custom', path: ['closes'], message: `Closes after it opens (${p.opens})` });
  });
export type OpeningPeriodInput = z.infer<typeof OpeningPeriodSchema>;

export const MAX_DURATION_MINUTES = 24 * 60;
export const MAX_CAPACITY = 1000;

const minutes = (label: string) =>
  z
    .number({ error: `${label} is a number of minutes` })
    .int(`${label} is a whole number of minutes`)
    .min(5, `${label} is at least 5 minutes`)
    .max(MAX_DURATION_MINUTES, `${label} is at most ${MAX_DURATION_MINUTES} minutes (a day)`);

const serviceFields = {
  name: z.string().trim().min(1, 'A service needs a name').max(100, 'A service name has at most 100 characters'),
  description: z
    .string()
    .trim()
    .max(2000, 'A description has at most 2000 characters')
    .nullable()
    .transform((v) => v || null),
  durationMinutes: minutes('The duration'),
  slotIntervalMinutes: minutes('The slot interval'),
  priceCents: z
    .number({ error: 'A price is a number of cents' })
    .int('A price is a whole number of cents')
    .min(0, 'A price is not negative')
    .max(100_000_000, 'A price is at most 1,000,000.00'),
  currency: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{3}$/, 'A currency is a three-letter code such as GBP or EUR'),
  capacity: z
    .number({ error: 'Capacity is a number of people' })
    .int('Capacity is a whole number of people')
    .min(1, 'Capacity is at least 1')
    .max(MAX_CAPACITY, `Capacity is at most ${MAX_CAPACITY}`),
  openingHours: z.array(OpeningPeriodSchema).max(70, 'At most 70 opening periods (10 a day)'),
  active: z.boolean({ error: 'Active is true or false' }),
};

/**
 * The checks that need several fields: periods of one weekday must not overlap, and each must be
 * long enough for one booking. Run on a whole service (a patch is merged with the stored one first).
 */
function checkHours(s: { durationMinutes?: number; openingHours?: OpeningPeriodInput[] }, ctx: z.RefinementCtx) {
  const periods = s.openingHours ?? [];
  const valid = (p: OpeningPeriodInput) =>
    timePattern.test(p.opens) && (p.closes === '24:00' || timePattern.test(p.closes)) && minutesOf(p.closes) > minutesOf(p.opens);
  periods.forEach((p, i) => {
    if (!valid(p)) return;
    const length = minutesOf(p.closes) - minutesOf(p.opens);
    if (typeof s.durationMinutes === 'number' && s.durationMinutes > length)
      ctx.addIssue({
        code: 'custom',
        path: ['openingHours', i, 'closes'],
        message: `${WEEKDAYS[p.weekday]} ${p.opens}–${p.closes} is shorter than the ${s.durationMinutes}-minute duration`,
      });
    const clash = periods.findIndex(
      (q, j) => j < i && q.weekday === p.weekday && valid(q) && minutesOf(q.opens) < minutesOf(p.closes) && minutesOf(p.opens) < minutesOf(q.closes),
    );
    if (clash >= 0)
      ctx.addIssue({
        code: 'custom',
        path: ['openingHours', i, 'opens'],
        message: `${WEEKDAYS[p.weekday]} ${p.opens}–${p.closes} overlaps ${periods[clash]!.opens}–${periods[clash]!.closes}`,
      });
  });
}

export const ServiceCreateSchema = z
  .object({
    name: serviceFields.name,
    description: serviceFields.description.optional().transform((v) => v ?? null),
    durationMinutes: serviceFields.durationMinutes,
    slotIntervalMinutes: serviceFields.slotIntervalMinutes.optional(),
    priceCents: serviceFields.priceCents.default(0),
    currency: serviceFields.currency.default('GBP'),
    capacity: serviceFields.capacity.default(1),
    openingHours: serviceFields.openingHours.default([]),
    active: serviceFields.active.default(true),
  })
  .strict()
  .superRefine(checkHours)
  // A slot starts every `duration` minutes unless staff say otherwise.
  .transform((s) => ({ ...s, slotIntervalMinutes: s.slotIntervalMinutes ?? s.durationMinutes }))
  .meta({ id: 'ServiceCreate' });
export type ServiceCreate = z.input<typeof ServiceCreateSchema>;
export type ServiceCreateParsed = z.output<typeof ServiceCreateSchema>;

/** Some fields of a service; the server merges it with the stored service and checks the whole. */
export const ServicePatchSchema = z.object(serviceFields).partial().strict().meta({ id: 'ServicePatch' });
export type ServicePatch = z.input<typeof ServicePatchSchema>;

/** A whole service as stored: what a merged patch must satisfy. */
export const ServiceWholeSchema = z.object(serviceFields).superRefine(checkHours);

export const OpeningPeriodOutSchema = z.object({ weekday: z.number().int(), opens: z.string(), closes: z.string() });

export const ServiceSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    durationMinutes: z.number().int(),
    slotIntervalMinutes: z.number().int(),
    priceCents: z.number().int(),
    currency: z.string(),
    capacity: z.number().int(),
    openingHours: z.array(OpeningPeriodOutSchema),
    active: z.boolean(),
    createdAt: z.string(),
  })
  .meta({ id: 'Service' });
export type Service = z.infer<typeof ServiceSchema>;

/** An IANA time zone this runtime knows ("Europe/London", "America/New_York", "UTC"). */
export const TimeZoneSchema = z
  .string()
  .trim()
  .min(1, 'Choose a time zone')
  .max(64)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en-GB', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'Not a time zone: write it like Europe/London');

// ————— The public flow —————

/** How far ahead the public flow offers dates. */
export const BOOKING_HORIZON_DAYS = 90;

export const SlotsQuerySchema = z.object({ date: isoDate() });

export const PublicServiceSchema = ServiceSchema.pick({
  id: true,
  name: true,
  description: true,
  durationMinutes: true,
  priceCents: true,
  currency: true,
  capacity: true,
}).meta({ id: 'PublicService' });
export type PublicService = z.infer<typeof PublicServiceSchema>;

export const PublicVenueSchema = z
  .object({ name: z.string(), slug: z.string(), timezone: z.string(), services: z.array(PublicServiceSchema) })
  .meta({ id: 'PublicVenue' });
export type PublicVenue = z.infer<typeof PublicVenueSchema>;

export const SlotSchema = z
  .object({
    startsAt: z.string(),
    endsAt: z.string(),
    /** The start as the venue's clock shows it, "HH:MM". */
    time: z.string(),
    placesLeft: z.number().int(),
  })
  .meta({ id: 'Slot' });
export type Slot = z.infer<typeof SlotSchema>;

export const SlotsSchema = z.object({ date: z.string(), timezone: z.string(), slots: z.array(SlotSchema) }).meta({ id: 'Slots' });
export type Slots = z.infer<typeof SlotsSchema>;

const personName = (label: string) =>
  z
    .string({ error: `Enter your ${label}` })
    .trim()
    .min(1, `Enter your ${label}`)
    .max(100, `Your ${label} has at most 100 characters`);

/** Who is booking. The phone is read in the venue's country by the server (it names `phone` when invalid). */
export const IdentifySchema = z
  .object({
    firstName: personName('first name'),
    lastName: personName('last name'),
    email: z.email({ error: 'Enter a valid email address, e.g. ada@example.com' }).trim().max(254, 'An email has at most 254 characters'),
    phone: z
      .string()
      .trim()
      .max(40, 'A phone number has at most 40 characters')
      .optional()
      .transform((v) => v || undefined),
  })
  .strict()
  .meta({ id: 'BookingIdentify' });
export type IdentifyInput = z.input<typeof IdentifySchema>;

/** The same answer whoever the customer is: the flow learns nothing about who is on file. */
export const IdentifyResponseSchema = z.object({ flowToken: z.string() }).meta({ id: 'BookingIdentity' });

export const BookingCreateSchema = z
  .object({
    flowToken: z.string({ error: 'Enter your details first' }).min(1, 'Enter your details first').max(512),
    serviceId: z.uuid({ error: 'Not a service id' }),
    startsAt: isoDateTime('A time is an ISO 8601 instant, e.g. 2026-05-01T09:00:00Z'),
    partySize: z
      .number({ error: 'Party size is a number of people' })
      .int('Party size is a whole number of people')
      .min(1, 'Party size is at least 1')
      .max(MAX_CAPACITY, `Party size is at most ${MAX_CAPACITY}`),
    /** The same key sent again (a retry after a lost answer) returns the first booking. */
    idempotencyKey: z
      .string({ error: 'An idempotency key is required' })
      .min(8, 'An idempotency key has 8 to 100 characters')
      .max(100, 'An idempotency key has 8 to 100 characters')
      .regex(/^[A-Za-z0-9_-]+$/, 'An idempotency key uses letters, digits, dash and underscore'),
  })
  .strict()
  .meta({ id: 'BookingCreate' });
export type BookingCreate = z.infer<typeof BookingCreateSchema>;

export const bookingStatuses = ['confirmed', 'cancelled', 'no_show'] as const;

/** One booking as the flow's confirmation and the staff profile show it. */
export const BookingSchema = z
  .object({
    id: z.string(),
    service: z.object({ id: z.string(), name: z.string() }),
    startsAt: z.string(),
    endsAt: z.string(),
    /** The venue's time zone, which the times are shown in. */
    timezone: z.string(),
    partySize: z.number().int(),
    status: z.enum(bookingStatuses),
    priceCents: z.number().int(),
    currency: z.string(),
    source: z.string(),
    createdAt: z.string(),
    cancelledAt: z.string().nullable(),
    /** Checked in at the desk (a door visit that day shows in the day view as arrived too). */
    checkedInAt: z.string().nullable(),
  })
  .meta({ id: 'Booking' });
export type Booking = z.infer<typeof BookingSchema>;

/** What the flow's confirmation screen says: the booking and the venue. */
export const BookingConfirmationSchema = BookingSchema.extend({ venue: z.object({ name: z.string() }) }).meta({ id: 'BookingConfirmation' });
export type BookingConfirmation = z.infer<typeof BookingConfirmationSchema>;

export const CustomerBookingsSchema = z
  .object({
    /** From the soonest. */
    upcoming: z.array(BookingSchema),
    /** From the latest; at most 50. */
    past: z.array(BookingSchema),
  })
  .meta({ id: 'CustomerBookings' });
export type CustomerBookings = z.infer<typeof CustomerBookingsSchema>;

// ————— Staff bookings and the day (C8) —————

/** How a staff member took a booking. */
export const staffBookingChannels = ['desk', 'phone'] as const;
export const StaffBookingChannelSchema = z.enum(staffBookingChannels, { error: 'A channel is desk or phone' });

const partySize = z
  .number({ error: 'Party size is a number of people' })
  .int('Party size is a whole number of people')
  .min(1, 'Party size is at least 1')
  .max(MAX_CAPACITY, `Party size is at most ${MAX_CAPACITY}`);
const slotStart = z.iso.datetime({ offset: true, error: 'A time is an ISO 8601 instant, e.g. 2026-05-01T09:00:00Z' });

/** Staff take a booking for a customer (by system id or customer number), at the desk or on the phone. */
export const StaffBookingCreateSchema = z
  .object({
    customer: z.string({ error: 'Choose a customer' }).trim().min(1, 'Choose a customer').max(64),
    serviceId: z.uuid({ error: 'Choose a service' }),
    startsAt: slotStart,
    partySize: partySize.default(1),
    channel: StaffBookingChannelSchema.default('desk'),
  })
  .strict()
  .meta({ id: 'StaffBookingCreate' });
export type StaffBookingCreate = z.input<typeof StaffBookingCreateSchema>;

/** Move a booking: another start, and/or another service or party size. Capacity is checked as for a new one. */
export const BookingMoveSchema = z
  .object({ startsAt: slotStart, serviceId: z.uuid({ error: 'Choose a service' }).optional(), partySize: partySize.optional() })
  .strict()
  .meta({ id: 'BookingMove' });
export type BookingMove = z.infer<typeof BookingMoveSchema>;

export const BookingNoShowSchema = z
  .object({ tagCustomer: z.boolean({ error: 'tagCustomer is true or false' }).default(true) })
  .strict()
  .meta({ id: 'BookingNoShow' });

export const DayQuerySchema = z.object({ date: isoDate().optional() });

/** How the guest of a booking arrived: checked in at the desk, or through a door that day. */
export const ArrivalSchema = z.object({ how: z.enum(['desk', 'door']), at: z.string() }).meta({ id: 'Arrival' });

export const DayBookingSchema = BookingSchema.extend({
  customer: z.object({ id: z.string(), customerNumber: z.string(), name: z.string() }),
  arrival: ArrivalSchema.nullable(),
}).meta({ id: 'DayBooking' });
export type DayBooking = z.infer<typeof DayBookingSchema>;

export const DaySlotSchema = z
  .object({
    startsAt: z.string(),
    endsAt: z.string(),
    time: z.string(),
    /** People booked (confirmed) and the capacity of the slot. */
    booked: z.number().int(),
    capacity: z.number().int(),
    bookings: z.array(DayBookingSchema),
  })
  .meta({ id: 'DaySlot' });

export const BookingDaySchema = z
  .object({
    date: z.string(),
    timezone: z.string(),
    services: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        capacity: z.number().int(),
        durationMinutes: z.number().int(),
        active: z.boolean(),
        /** The service's slots that day, with every booking in each (bookings off the grid get a slot of their own). */
        slots: z.array(DaySlotSchema),
      }),
    ),
    summary: z.object({
      bookings: z.number().int(),
      people: z.number().int(),
      arrived: z.number().int(),
      noShows: z.number().int(),
      cancelled: z.number().int(),
    }),
  })
  .meta({ id: 'BookingDay' });
export type BookingDay = z.infer<typeof BookingDaySchema>;

// ————— Wall-clock time in a time zone (no library: Intl knows every zone's rules) —————

export type LocalDateTime = { year: number; month: number; day: number; hour: number; minute: number; weekday: number };

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string) {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}
const weekdayIndex: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** What a clock in `timeZone` shows at `instant`. */
export function wallClock(instant: Date, timeZone: string): LocalDateTime {
  const parts = Object.fromEntries(
    formatterFor(timeZone)
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    weekday: weekdayIndex[parts.weekday!]!,
  };
}

/** "YYYY-MM-DD" of `instant` in `timeZone`. */
export function localDateOf(instant: Date, timeZone: string): string {
  const w = wallClock(instant, timeZone);
  return `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

/** "YYYY-MM-DD" plus `days` calendar days. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** 0 (Sunday) to 6 of a calendar date. */
export const weekdayOf = (date: string): number => new Date(`${date}T00:00:00Z`).getUTCDay();

/**
 * The instant a clock in `timeZone` shows `date` at `minutes` past midnight, or null when that
 * wall time does not exist (skipped when the clocks go forward). When it exists twice (the clocks
 * go back), the earlier instant.
 */
export function instantAt(date: string, minutes: number, timeZone: string): Date | null {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const asUtc = Date.UTC(y, m - 1, d, Math.floor(minutes / 60), minutes % 60);
  const offsetAt = (t: number) => {
    const w = wallClock(new Date(t), timeZone);
    return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute) - Math.floor(t / 60_000) * 60_000;
  };
  // The zone's offset is one of the offsets a few hours either side; try the earlier one first.
  const candidates = [...new Set([offsetAt(asUtc - 12 * 3600_000), offsetAt(asUtc), offsetAt(asUtc + 12 * 3600_000)])]
    .map((offset) => asUtc - offset)
    .sort((a, b) => a - b);
  for (const t of candidates) if (offsetAt(t) === asUtc - t) return new Date(t);
  return null;
}

/** `/api/public/book/{slug}[/services/{id}]`: a venue by its slug, and one of its services. */
export const VenueParamsSchema = z.object({
  slug: pathParam(
    'slug',
    z
      .string()
      .min(1)
      .max(64)
      .regex(/^[a-z0-9-]+$/, 'Not a venue'),
  ),
});
export const VenueServiceParamsSchema = VenueParamsSchema.extend({ id: pathParam('id', z.uuid({ error: 'Not a service id' })) });
