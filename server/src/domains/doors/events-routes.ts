import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { DoorLogQuerySchema, EdgeEventSchema } from '@foyer/schema/validation';
import { validationHook, type AppEnv } from '../../platform/http/context.ts';
import type { DoorEventService } from './events-service.ts';
import { permit } from '../../platform/permissions.ts';
import { error, json, orgOf, routeDefaults, signedIn } from '../../platform/http/openapi.ts';

/** A page of a growing list: `hasMore` instead of a total. */
export const pageSchemaOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), page: z.number().int(), pageSize: z.number().int(), hasMore: z.boolean() });

/** DoorLogEntry of @foyer/schema/realtime, as the OpenAPI document describes it. */
const DoorLogEntrySchema = z
  .object({
    id: z.number().int(),
    at: z.string(),
    deviceId: z.string(),
    deviceName: z.string(),
    doorId: z.string(),
    doorName: z.string(),
    kind: EdgeEventSchema.shape.kind,
    result: EdgeEventSchema.shape.result,
    reason: z.string(),
    credentialMasked: z.string().nullable(),
    customer: z.object({ id: z.string(), customerNumber: z.string(), name: z.string() }).nullable(),
  })
  .meta({ id: 'DoorLogEntry' });

const log = createRoute({
  ...routeDefaults('door access'),
  ...permit('doors.view'),
  method: 'get',
  path: '/',
  summary: 'The door log: every decision and door alarm devices reported, newest first; new ones arrive live as door:event on /staff',
  description: 'Pages by cursor: the next page is `?before=<id of the last item>`, so entries arriving meanwhile shift nothing.',
  request: { query: DoorLogQuerySchema },
  responses: {
    200: json(
      z.object({ items: z.array(DoorLogEntrySchema), pageSize: z.number().int(), hasMore: z.boolean() }).meta({ id: 'DoorLogPage' }),
      'A page of the log',
    ),
    400: error('Bad paging, or `before` not an entry of this log'),
    ...signedIn,
  },
});

export function doorEventRoutes(events: DoorEventService) {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(log, async (c) => {
    const { before, pageSize } = c.req.valid('query');
    return c.json(await events.page(orgOf(c), before, pageSize), 200);
  });
}
