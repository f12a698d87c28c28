import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import {
  BookingConfirmationSchema,
  BookingCreateSchema,
  IdentifyResponseSchema,
  IdentifySchema,
  PublicVenueSchema,
  SlotsQuerySchema,
  SlotsSchema,
  VenueParamsSchema,
  VenueServiceParamsSchema,
} from '@foyer/schema/validation';
import { validationHook, type AppEnv } from '../../platform/http/context.ts';
import { limitPerAddressAndVenue } from '../../platform/http/public-limits.ts';
import type { BookingService } from './service.ts';
import { permit } from '../../platform/permissions.ts';
import { body, error, json } from '../../platform/http/openapi.ts';

/** No session: anyone may use the booking flow, so every route is limited per client address. */
const common = { tags: ['public booking flow'] };
const tooMany = { 429: error('Too many requests from this address; see Retry-After') };
const noVenue = { 404: error('No such venue (or service)') };

const SlugParams = VenueParamsSchema;
const ServiceParams = VenueServiceParamsSchema;

const venue = createRoute({
  ...common,
  ...permit.public,
  method: 'get',
  path: '/{slug}',
  summary: "Public: the venue's name, time zone and active services",
  request: { params: SlugParams },
  responses: { 200: json(PublicVenueSchema, 'The venue'), ...noVenue, ...tooMany },
});

const slots = createRoute({
  ...common,
  ...permit.public,
  method: 'get',
  path: '/{slug}/services/{id}/slots',
  summary: "Public: the slots of one day (YYYY-MM-DD in the venue's time zone) with the places left in each; slots already begun are left out",
  request: { params: ServiceParams, query: SlotsQuerySchema },
  responses: { 200: json(SlotsSchema, 'The slots'), 400: error('Not a date, or past the booking horizon'), ...noVenue, ...tooMany },
});

const identify = createRoute({
  ...common,
  ...permit.public,
  method: 'post',
  path: '/{slug}/identify',
  summary: 'Public: who is booking. Matches a customer by email or phone, or creates one with source online; answers only a flow token, the same whoever it is',
  request: { params: SlugParams, ...body(IdentifySchema) },
  responses: { 200: json(IdentifyResponseSchema, 'The flow token'), 400: error('Not valid'), ...noVenue, ...tooMany },
});

const book = createRoute({
  ...common,
  ...permit.public,
  method: 'post',
  path: '/{slug}/bookings',
  summary: 'Public: confirm a booking. The same idempotency key again returns the first booking',
  request: { params: SlugParams, ...body(BookingCreateSchema) },
  responses: {
    201: json(BookingConfirmationSchema, 'Booked (or the booking this key made before)'),
    400: error('Not valid: the field is named (an inactive service, a time outside the hours or off the slot grid, a party too large)'),
    401: error('The flow token is missing, forged or expired'),
    403: error('This customer cannot book online'),
    ...noVenue,
    409: error('That time is full (the places left are said), or the key was used for another booking'),
    ...tooMany,
  },
});

export function publicBookingRoutes(bookings: BookingService) {
  // Per address and venue: 240 requests in 5 minutes, of which 40 identifications or submissions.
  const limit = limitPerAddressAndVenue({ all: 240, writes: 40, windowMs: 5 * 60_000 });
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.use('*', limit.all);
  app.on('POST', '*', limit.writes);
  return app
    .openapi(venue, async (c) => c.json(await bookings.venue(c.req.valid('param').slug), 200))
    .openapi(slots, async (c) => {
      const { slug, id } = c.req.valid('param');
      return c.json(await bookings.slots(slug, id, c.req.valid('query').date), 200);
    })
    .openapi(identify, async (c) => c.json(await bookings.identify(c.req.valid('param').slug, c.req.valid('json')), 200))
    .openapi(book, async (c) => {
      const result = await bookings.book(c.req.valid('param').slug, c.req.valid('json'));
      if (result.replayed) c.header('idempotent-replayed', 'true');
      return c.json(result.booking, 201);
    });
}
