import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import {
  BookingDaySchema,
  BookingMoveSchema,
  BookingNoShowSchema,
  BookingSchema,
  CustomerBookingsSchema,
  CustomerRefParamsSchema,
  DayQuerySchema,
  StaffBookingCreateSchema,
} from '@foyer/schema/validation';
import { auth, validationHook, type AppEnv } from '../../platform/http/context.ts';
import type { BookingService } from './service.ts';
import type { DeskBookings } from './desk-service.ts';
import { demand, permit } from '../../platform/permissions.ts';
import { body, error, json, orgOf, routeDefaults, uuidParams } from '../../platform/http/openapi.ts';

const ofCustomer = createRoute({
  ...routeDefaults('bookings'),
  ...permit('bookings.view'),
  method: 'get',
  path: '/customers/{ref}/bookings',
  summary: "The customer's bookings: upcoming (soonest first) and past (latest 50), with the venue's time zone",
  request: { params: CustomerRefParamsSchema },
  responses: { 200: json(CustomerBookingsSchema, 'Their bookings'), 404: error('No such customer') },
});

const cancel = createRoute({
  ...routeDefaults('bookings'),
  ...permit('bookings.cancel'),
  method: 'post',
  path: '/bookings/{id}/cancel',
  summary: 'Cancel a booking: its places free up; cancelling twice is once',
  request: { params: uuidParams('booking') },
  responses: { 200: json(BookingSchema, 'The booking, cancelled'), 404: error('No such booking in this organization') },
});

const slotRules = '400: the field is named (a time off the slot grid or past, a party larger than the service takes, an inactive service)';

const create = createRoute({
  ...routeDefaults('bookings'),
  ...permit('bookings.take'),
  method: 'post',
  path: '/bookings',
  summary: 'Take a booking for a customer (system id or customer number) at the desk or on the phone. Capacity holds as in the public flow',
  request: { ...body(StaffBookingCreateSchema) },
  responses: {
    201: json(BookingSchema, 'Booked'),
    400: error(slotRules),
    409: error('That time is full: the places left are said'),
  },
});

const move = createRoute({
  ...routeDefaults('bookings'),
  ...permit('bookings.take'),
  method: 'post',
  path: '/bookings/{id}/move',
  summary: 'Move a confirmed booking to another slot (or service, or party size); the new slot must have the places',
  request: { params: uuidParams('booking'), ...body(BookingMoveSchema) },
  responses: {
    200: json(BookingSchema, 'The booking, moved'),
    400: error(slotRules),
    404: error('No such booking in this organization'),
    409: error('That time is full, or the booking is cancelled or a no-show'),
  },
});

const checkIn = createRoute({
  ...routeDefaults('bookings'),
  ...permit('bookings.take'),
  method: 'post',
  path: '/bookings/{id}/check-in',
  summary: 'Check the guest in at the desk; twice is once',
  request: { params: uuidParams('booking') },
  responses: {
    200: json(BookingSchema, 'The booking, checked in'),
    404: error('No such booking in this organization'),
    409: error('The booking is cancelled'),
  },
});

const NoShowResultSchema = z.object({ booking: BookingSchema, tagged: z.boolean() }).meta({ id: 'BookingNoShowResult' });

const noShow = createRoute({
  ...routeDefaults('bookings'),
  ...permit('bookings.take'),
  method: 'post',
  path: '/bookings/{id}/no-show',
  summary:
    'Mark that the guest did not come (once the booking has begun); with tagCustomer (the default) the customer gets the No-show tag, unless at the tag cap (tagged says)',
  request: { params: uuidParams('booking'), ...body(BookingNoShowSchema) },
  responses: {
    200: json(NoShowResultSchema, 'The booking, a no-show'),
    400: error('The booking has not begun'),
    404: error('No such booking in this organization'),
    409: error('The booking is cancelled, or the guest was checked in'),
  },
});

const day = createRoute({
  ...routeDefaults('bookings'),
  ...permit('bookings.view'),
  method: 'get',
  path: '/bookings/day',
  summary: "A day's bookings (YYYY-MM-DD in the venue's time zone, today when absent) by service and slot, with capacity used, arrivals and no-shows",
  request: { query: DayQuerySchema },
  responses: { 200: json(BookingDaySchema, 'The day'), 400: error('Not a date') },
});

export function bookingRoutes(bookings: BookingService, desk: DeskBookings) {
  const staffActor = (c: Parameters<typeof auth>[0]) => {
    const me = auth(c);
    return { orgId: me.organization.id, userId: me.user.id };
  };
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(day, async (c) => c.json(await desk.day(orgOf(c), c.req.valid('query').date), 200))
    .openapi(create, async (c) => c.json(await desk.create(staffActor(c), c.req.valid('json')), 201))
    .openapi(move, async (c) => c.json(await desk.move(staffActor(c), c.req.valid('param').id, c.req.valid('json')), 200))
    .openapi(checkIn, async (c) => c.json(await desk.checkIn(staffActor(c), c.req.valid('param').id), 200))
    .openapi(noShow, async (c) => c.json(await desk.noShow(staffActor(c), c.req.valid('param').id, c.req.valid('json')), 200))
    .openapi(ofCustomer, async (c) => c.json(await bookings.ofCustomer(orgOf(c), c.req.valid('param').ref), 200))
    .openapi(cancel, async (c) => {
      const me = auth(c);
      return c.json(
        await bookings.cancel({ orgId: me.organization.id, userId: me.user.id }, c.req.valid('param').id, (p, what) => demand(me.user, p, what)),
        200,
      );
    });
}
