import { OpenAPIHono } from '@hono/zod-openapi';
import { SegmentCreateSchema, SegmentSchema } from '@foyer/schema/validation';
import { validationHook, type AppEnv } from '../../platform/http/context.ts';
import type { SegmentService } from './service.ts';
import { actorOf, error, orgOf, resourceRoutes } from '../../platform/http/openapi.ts';

const route = resourceRoutes('segments', 'segment');

const list = route.list('customers.view', SegmentSchema, 'The saved segments, by name');

const create = route.create({
  permission: 'segments.manage',
  input: SegmentCreateSchema,
  output: SegmentSchema,
  summary: "Save a segment: a name and the customer list's query string (paging is dropped)",
  responses: { 400: error('Not valid, or a query the customer list would refuse; the issues name the parameters') },
});

// Any staff member: a segment is a shared shortcut, and deleting one loses no customer data.
const remove = route.remove('segments.manage', 'Delete a segment');

export function segmentRoutes(segments: SegmentService) {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(list, async (c) => c.json(await segments.list(orgOf(c)), 200))
    .openapi(create, async (c) => c.json(await segments.create(actorOf(c), c.req.valid('json')), 201))
    .openapi(remove, async (c) => {
      await segments.delete(orgOf(c), c.req.valid('param').id);
      return c.body(null, 204);
    });
}
