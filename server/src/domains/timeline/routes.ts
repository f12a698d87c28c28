import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { PageQuerySchema } from '@foyer/schema/validation';
import { validationHook, type AppEnv } from '../../platform/http/context.ts';
import type { ActivityService } from './service.ts';
import { permit } from '../../platform/permissions.ts';
import { pageSchemaOf } from '../doors/events-routes.ts';
import { CustomerRefParams } from '../doors/permissions-routes.ts';
import { error, json, orgOf, routeDefaults, signedIn } from '../../platform/http/openapi.ts';

const ActivitySchema = z
  .object({
    id: z.number().int(),
    category: z.string().meta({ description: 'visit, order, booking, …' }),
    type: z.string().meta({ description: 'e.g. door_entry' }),
    source: z.string().meta({ description: 'who or what recorded it, e.g. edge:<device name>' }),
    occurredAt: z.string(),
    data: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'Activity' });

const timeline = createRoute({
  ...routeDefaults('customers'),
  ...permit('customers.view'),
  method: 'get',
  path: '/customers/{ref}/activities',
  summary: "The customer's timeline, newest first (Ac1): door visits so far",
  request: { params: CustomerRefParams, query: PageQuerySchema },
  responses: {
    200: json(pageSchemaOf(ActivitySchema).meta({ id: 'ActivityPage' }), 'A page of the timeline'),
    400: error('Bad paging'),
    ...signedIn,
    404: error('No such customer'),
  },
});

export function activityRoutes(activities: ActivityService) {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(timeline, async (c) => {
    const { page, pageSize } = c.req.valid('query');
    return c.json(await activities.page(orgOf(c), c.req.valid('param').ref, page, pageSize), 200);
  });
}
