import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { BookingSchema, CustomerBookingsSchema, CustomerRefParamsSchema } from '@foyer/schema/validation';
import { auth, validationHook, type AppEnv } from '../../platform/http/context.ts';
import type { BookingService } from './service.ts';
import { demand, permit } from '../../platform/permissions.ts';
import { error, json, orgOf, routeDefaults, uuidParams } from '../../platform/http/openapi.ts';

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

export function bookingRoutes(bookings: BookingService) {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(ofCustomer, async (c) => c.json(await bookings.ofCustomer(orgOf(c), c.req.valid('param').ref), 200))
    .openapi(cancel, async (c) => {
      const me = auth(c);
      return c.json(
        await bookings.cancel({ orgId: me.organization.id, userId: me.user.id }, c.req.valid('param').id, (p, what) => demand(me.user, p, what)),
        200,
      );
    });
}
