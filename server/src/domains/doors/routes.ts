import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { DoorCreateSchema, DoorPatchSchema, DoorSchema } from '@foyer/schema/validation';
import { validationHook, type AppEnv } from '../../platform/http/context.ts';
import type { DoorService } from './service.ts';
import { permit } from '../../platform/permissions.ts';
import { error, json, orgOf, resourceRoutes, routeDefaults, uuidParams } from '../../platform/http/openapi.ts';

const route = resourceRoutes('doors', 'door');
const nameTaken = { 409: error('Another door has this name, in some case') };

const list = route.list('doors.view', DoorSchema, 'The doors, by name');
const get = createRoute({
  ...routeDefaults('doors'),
  ...permit('doors.view'),
  method: 'get',
  path: '/{id}',
  summary: 'One door',
  request: { params: uuidParams('door') },
  responses: { 200: json(DoorSchema, 'The door'), 404: error('No such door in this organization') },
});
const create = route.create({ permission: 'doors.manage', input: DoorCreateSchema, output: DoorSchema, summary: 'Add a door', responses: nameTaken });
const patch = route.patch({
  permission: 'doors.manage',
  input: DoorPatchSchema,
  output: DoorSchema,
  summary: 'Change a door; the devices that drive it get it at once',
  responses: nameTaken,
});
const remove = route.remove('doors.manage', 'Delete a door with its permissions; its log stays');

/** A blank location clears it. */
const withLocation = <T extends { location?: string }>(input: T) => ({ ...input, location: input.location === undefined ? undefined : input.location || null });

export function doorRoutes(doors: DoorService) {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(list, async (c) => c.json(await doors.list(orgOf(c)), 200))
    .openapi(get, async (c) => c.json(await doors.get(orgOf(c), c.req.valid('param').id), 200))
    .openapi(create, async (c) => {
      return c.json(await doors.create(orgOf(c), withLocation(c.req.valid('json'))), 201);
    })
    .openapi(patch, async (c) => {
      return c.json(await doors.update(orgOf(c), c.req.valid('param').id, withLocation(c.req.valid('json'))), 200);
    })
    .openapi(remove, async (c) => {
      await doors.delete(orgOf(c), c.req.valid('param').id);
      return c.body(null, 204);
    });
}
