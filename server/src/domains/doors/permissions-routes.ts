import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { CustomerRefParamsSchema, PermissionCreateSchema, PermissionPatchSchema, PermissionSchema } from '@foyer/schema/validation';
import { validationHook, type AppEnv } from '../../platform/http/context.ts';
import type { DoorPermissionService } from './permissions-service.ts';
import { actorOf, body, error, itemsOf, json, orgOf, routeDefaults, uuidParams } from '../../platform/http/openapi.ts';
import { permit } from '../../platform/permissions.ts';

const common = routeDefaults('door access');
const noCustomer = { 404: error('No such customer') };
const missing = { 404: error('No such door permission in this organization') };

const list = createRoute({
  ...common,
  ...permit('doors.view'),
  method: 'get',
  path: '/customers/{ref}/door-permissions',
  summary: "The customer's door permissions that were not revoked (Da1)",
  request: { params: CustomerRefParamsSchema },
  responses: { 200: json(itemsOf(PermissionSchema), 'Permissions by door'), ...noCustomer },
});

const grant = createRoute({
  ...common,
  ...permit('access.grant'),
  method: 'post',
  path: '/customers/{ref}/door-permissions',
  summary: 'Let the customer open a door from startsAt (default now) until endsAt (none: open-ended); devices get it within a second',
  request: { params: CustomerRefParamsSchema, ...body(PermissionCreateSchema) },
  responses: {
    201: json(PermissionSchema, 'Granted'),
    400: error('Not valid'),
    404: error('No such customer or door'),
    409: error('The customer was erased'),
  },
});

const patch = createRoute({
  ...common,
  ...permit('access.grant'),
  method: 'patch',
  path: '/door-permissions/{id}',
  summary: "Change a permission's window or notes",
  request: { params: uuidParams('door permission'), ...body(PermissionPatchSchema) },
  responses: { 200: json(PermissionSchema, 'The permission'), 400: error('Not valid'), ...missing, 409: error('It was revoked') },
});

const revoke = createRoute({
  ...common,
  ...permit('access.revoke'),
  method: 'delete',
  path: '/door-permissions/{id}',
  summary: 'Revoke a permission; devices drop it within a second',
  request: { params: uuidParams('door permission') },
  responses: { 204: { description: 'Revoked' }, ...missing },
});

export function doorPermissionRoutes(permissions: DoorPermissionService) {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(list, async (c) => c.json(await permissions.list(orgOf(c), c.req.valid('param').ref), 200))
    .openapi(grant, async (c) => c.json(await permissions.grant(actorOf(c), c.req.valid('param').ref, c.req.valid('json')), 201))
    .openapi(patch, async (c) => c.json(await permissions.update(actorOf(c), c.req.valid('param').id, c.req.valid('json')), 200))
    .openapi(revoke, async (c) => {
      await permissions.revoke(actorOf(c), c.req.valid('param').id);
      return c.body(null, 204);
    });
}
