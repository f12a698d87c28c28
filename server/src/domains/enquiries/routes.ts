import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import {
  EnquiryCreateSchema,
  EnquiryIdentifySchema,
  EnquiryListQuerySchema,
  EnquiryPageSchema,
  EnquiryPatchSchema,
  EnquiryReceivedSchema,
  EnquirySchema,
  EnquiryVenueParamsSchema,
  IdentifyResponseSchema,
  PublicEnquiryVenueSchema,
} from '@foyer/schema/validation';
import { auth, validationHook, type AppEnv } from '../../platform/http/context.ts';
import { limitPerAddressAndVenue } from '../../platform/http/public-limits.ts';
import { permit } from '../../platform/permissions.ts';
import { body, error, json, orgOf, routeDefaults, uuidParams } from '../../platform/http/openapi.ts';
import type { EnquiryService } from './service.ts';

// ————— The public form —————

const common = { tags: ['public enquiry form'] };
const tooMany = { 429: error('Too many requests from this address; see Retry-After') };
const noVenue = { 404: error('No such venue') };

const venue = createRoute({
  ...common,
  ...permit.public,
  method: 'get',
  path: '/{slug}',
  summary: "Public: the venue's name and time zone, for its enquiry form",
  request: { params: EnquiryVenueParamsSchema },
  responses: { 200: json(PublicEnquiryVenueSchema, 'The venue'), ...noVenue, ...tooMany },
});

const identify = createRoute({
  ...common,
  ...permit.public,
  method: 'post',
  path: '/{slug}/identify',
  summary:
    'Public: who is enquiring (a first name and an email or phone). Matches a customer by email or phone, or creates one with source enquiry; answers only a flow token, the same whoever it is',
  request: { params: EnquiryVenueParamsSchema, ...body(EnquiryIdentifySchema) },
  responses: { 200: json(IdentifyResponseSchema, 'The flow token'), 400: error('Not valid: the field is named'), ...noVenue, ...tooMany },
});

const submit = createRoute({
  ...common,
  ...permit.public,
  method: 'post',
  path: '/{slug}/enquiries',
  summary: 'Public: send the enquiry (message, optionally a date and a party size). The answer says only that the venue received it',
  request: { params: EnquiryVenueParamsSchema, ...body(EnquiryCreateSchema) },
  responses: {
    201: json(EnquiryReceivedSchema, 'Received'),
    400: error('Not valid: the field is named'),
    401: error('The flow token is missing, forged or expired'),
    ...noVenue,
    ...tooMany,
  },
});

export function publicEnquiryRoutes(enquiries: EnquiryService) {
  // Per address and venue: 120 requests in 5 minutes, of which 20 identifications or submissions.
  const limit = limitPerAddressAndVenue({ all: 120, writes: 20, windowMs: 5 * 60_000 });
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.use('*', limit.all);
  app.on('POST', '*', limit.writes);
  return app
    .openapi(venue, async (c) => c.json(await enquiries.venue(c.req.valid('param').slug), 200))
    .openapi(identify, async (c) => c.json(await enquiries.identify(c.req.valid('param').slug, c.req.valid('json')), 200))
    .openapi(submit, async (c) => c.json(await enquiries.submit(c.req.valid('param').slug, c.req.valid('json')), 201));
}

// ————— The staff's inbox —————

const list = createRoute({
  ...routeDefaults('enquiries'),
  ...permit('enquiries.view'),
  method: 'get',
  path: '/',
  summary:
    "The enquiries inbox, newest first: by status, assignee (a staff id, or none) and customer (a profile's own), with the count of each status in the organization",
  request: { query: EnquiryListQuerySchema },
  responses: { 200: json(EnquiryPageSchema, 'A page of enquiries'), 400: error('Not a status or assignee'), 404: error('No such customer') },
});

const get = createRoute({
  ...routeDefaults('enquiries'),
  ...permit('enquiries.view'),
  method: 'get',
  path: '/{id}',
  summary: 'One enquiry',
  request: { params: uuidParams('enquiry') },
  responses: { 200: json(EnquirySchema, 'The enquiry'), 404: error('No such enquiry in this organization') },
});

const patch = createRoute({
  ...routeDefaults('enquiries'),
  ...permit('enquiries.manage'),
  method: 'patch',
  path: '/{id}',
  summary: 'Move an enquiry on (new, in_progress, won, lost) or assign it to a staff member (null: nobody)',
  request: { params: uuidParams('enquiry'), ...body(EnquiryPatchSchema) },
  responses: {
    200: json(EnquirySchema, 'The enquiry'),
    400: error('Not a status, or not a staff member of this organization'),
    404: error('No such enquiry in this organization'),
  },
});

export function enquiryRoutes(enquiries: EnquiryService) {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(list, async (c) => c.json(await enquiries.list(orgOf(c), c.req.valid('query')), 200))
    .openapi(get, async (c) => c.json(await enquiries.get(orgOf(c), c.req.valid('param').id), 200))
    .openapi(patch, async (c) => {
      const me = auth(c);
      return c.json(await enquiries.update({ orgId: me.organization.id, userId: me.user.id }, c.req.valid('param').id, c.req.valid('json')), 200);
    });
}
