import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { CustomerRefParamsSchema, PageQuerySchema, TimelinePageSchema } from '@foyer/schema/validation';
import { validationHook, type AppEnv } from '../../platform/http/context.ts';
import type { ActivityService } from './service.ts';
import { permit } from '../../platform/permissions.ts';
import { error, json, orgOf, routeDefaults } from '../../platform/http/openapi.ts';

const timeline = createRoute({
  ...routeDefaults('customers'),
  ...permit('customers.view'),
  method: 'get',
  path: '/customers/{ref}/activities',
  summary: "The customer's timeline, newest first (Ac1): visits, bookings, profile changes, notes and files, each a kind of TimelineEntry",
  request: { params: CustomerRefParamsSchema, query: PageQuerySchema },
  responses: {
    200: json(TimelinePageSchema, 'A page of the timeline'),
    400: error('Bad paging'),
    404: error('No such customer'),
  },
});

export function activityRoutes(activities: ActivityService) {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(timeline, async (c) => {
    const { page, pageSize } = c.req.valid('query');
    return c.json(await activities.page(orgOf(c), c.req.valid('param').ref, page, pageSize), 200);
  });
}
