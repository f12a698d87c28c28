import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { ServiceCreateSchema, ServicePatchSchema, ServiceSchema } from '@foyer/schema/validation';
import { validationHook, type AppEnv } from '../../platform/http/context.ts';
import type { BookableServices } from './catalog-service.ts';
import { permit } from '../../platform/permissions.ts';
import { error, json, orgOf, resourceRoutes, routeDefaults, uuidParams } from '../../platform/http/openapi.ts';

const route = resourceRoutes('services', 'service');
const nameTaken = { 409: error('Another service has this name, in some case') };

const list = route.list('bookings.view', ServiceSchema, 'The services the booking flow can offer, active or not, by name');
const get = createRoute({
  ...routeDefaults('services'),
  ...permit('bookings.view'),
  method: 'get',
  path: '/{id}',
  summary: 'One service',
  request: { params: uuidParams('service') },
  responses: { 200: json(ServiceSchema, 'The service'), 404: error('No such service in this organization') },
});
const create = route.create({
  permission: 'services.manage',
  input: ServiceCreateSchema,
  output: ServiceSchema,
  summary:
    'Offer a service: duration, slot interval (the duration when absent), price in cents, capacity per slot, opening hours per weekday (0 = Sunday) in the venue time zone',
  responses: nameTaken,
});
const patch = route.patch({
  permission: 'services.manage',
  input: ServicePatchSchema,
  output: ServiceSchema,
  summary: 'Change a service, checked with the fields it leaves as they are; `active: false` takes it out of the booking flow and keeps its bookings',
  responses: nameTaken,
});
const remove = route.remove('services.manage', 'Delete a service nobody has booked; one with bookings answers 409: deactivate it', {
  409: error('The service has bookings'),
});

export function serviceRoutes(services: BookableServices) {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(list, async (c) => c.json(await services.list(orgOf(c)), 200))
    .openapi(get, async (c) => c.json(await services.get(orgOf(c), c.req.valid('param').id), 200))
    .openapi(create, async (c) => {
      return c.json(await services.create(orgOf(c), c.req.valid('json')), 201);
    })
    .openapi(patch, async (c) => {
      return c.json(await services.update(orgOf(c), c.req.valid('param').id, c.req.valid('json')), 200);
    })
    .openapi(remove, async (c) => {
      await services.delete(orgOf(c), c.req.valid('param').id);
      return c.body(null, 204);
    });
}
