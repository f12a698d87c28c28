import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { DoorCreateSchema, DoorPatchSchema, DoorSchema } from '@foyer/schema/validation';
import { requireRole, validationHook, type AppEnv } from '../http/context.ts';
import type { DoorService } from '../services/doors.ts';
import { error, json, orgOf, ownerOrManager, resourceRoutes, routeDefaults, signedIn, uuidParams } from './openapi-helpers.ts';

const route = resourceRoutes('doors', 'door');
const nameTaken = { 409: error('Another door has this name, in some case') };

const list = route.list(DoorSchema, 'The doors, by name');
const get = createRoute({
  ...routeDefaults('doors'),
  method: 'get',
  path: '/{id}',
  summary: 'One door',
  request: { params: uuidParams('door') },
  responses: { 200: json(DoorSchema, 'The door'), ...signedIn, 404: error('No such door in this organization') },
});
const create = route.create({ input: DoorCreateSchema, output: DoorSchema, summary: 'Add a door (owner or manager)', responses: { ...ownerOrManager, ...nameTaken } });
const patch = route.patch({
  input: DoorPatchSchema,
  output: DoorSchema,
  summary: 'Change a door; the devices that drive it get it at once (owner or manager)',
  responses: { ...ownerOrManager, ...nameTaken },
});
const remove = route.remove('Delete a door with its permissions; its log stays (owner or manager)', ownerOrManager);

/** A blank location clears it. */
const withLocation = <T extends { location?: string }>(input: T) => ({ ...input, location: input.location === undefined ? undefined : input.location || null });

export function doorRoutes(doors: DoorService) {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(list, async (c) => c.json(await doors.list(orgOf(c)), 200))
    .openapi(get, async (c) => c.json(await doors.get(orgOf(c), c.req.valid('param').id), 200))
    .openapi(create, async (c) => {
      requireRole(c, 'owner', 'manager');
      return c.json(await doors.create(orgOf(c), withLocation(c.req.valid('json'))), 201);
    })
    .openapi(patch, async (c) => {
      requireRole(c, 'owner', 'manager');
      return c.json(await doors.update(orgOf(c), c.req.valid('param').id, withLocation(c.req.valid('json'))), 200);
    })
    .openapi(remove, async (c) => {
      requireRole(c, 'owner', 'manager');
      await doors.delete(orgOf(c), c.req.valid('param').id);
      return c.body(null, 204);
    });
}
