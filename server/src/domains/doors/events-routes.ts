import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { DoorLogPageSchema, DoorLogQuerySchema } from '@foyer/schema/validation';
import { validationHook, type AppEnv } from '../../platform/http/context.ts';
import type { DoorEventService } from './events-service.ts';
import { permit } from '../../platform/permissions.ts';
import { error, json, orgOf, routeDefaults } from '../../platform/http/openapi.ts';

const log = createRoute({
  ...routeDefaults('door access'),
  ...permit('doors.view'),
  method: 'get',
  path: '/',
  summary: 'The door log: every decision and door alarm devices reported, newest first; new ones arrive live as door:event on /staff',
  description: 'Pages by cursor: the next page is `?before=<id of the last item>`, so entries arriving meanwhile shift nothing.',
  request: { query: DoorLogQuerySchema },
  responses: {
    200: json(DoorLogPageSchema, 'A page of the log'),
    400: error('Bad paging, or `before` not an entry of this log'),
  },
});

export function doorEventRoutes(events: DoorEventService) {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(log, async (c) => {
    const { before, pageSize } = c.req.valid('query');
    return c.json(await events.page(orgOf(c), before, pageSize), 200);
  });
}
