import { OpenAPIHono } from '@hono/zod-openapi';
import { CustomFieldCreateSchema, CustomFieldPatchSchema, CustomFieldSchema } from '@foyer/schema/validation';
import { validationHook, type AppEnv } from '../../platform/http/context.ts';
import type { CustomFieldService } from './service.ts';
import { actorOf, error, orgOf, resourceRoutes } from '../../platform/http/openapi.ts';

const route = resourceRoutes('custom fields', 'custom field');

const list = route.list('customers.view', CustomFieldSchema, 'The custom field definitions, in position order');

const create = route.create({
  permission: 'fields.define',
  input: CustomFieldCreateSchema,
  output: CustomFieldSchema,
  summary: 'Define a custom field; its key comes from the label when not given',
  responses: { 400: error('Not valid (e.g. a choice field without options)'), 409: error('A field has this key') },
});

const patch = route.patch({
  permission: 'fields.define',
  input: CustomFieldPatchSchema,
  output: CustomFieldSchema,
  summary: "Change a field's label, options (choice fields) or position; its type never changes",
});

const remove = route.remove('fields.delete', "Delete a field and every customer's value of it");

export function customFieldRoutes(fields: CustomFieldService) {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(list, async (c) => c.json(await fields.list(orgOf(c)), 200))
    .openapi(create, async (c) => c.json(await fields.create(actorOf(c), c.req.valid('json')), 201))
    .openapi(patch, async (c) => c.json(await fields.update(actorOf(c), c.req.valid('param').id, c.req.valid('json')), 200))
    .openapi(remove, async (c) => {
      await fields.delete(actorOf(c), c.req.valid('param').id);
      return c.body(null, 204);
    });
}
