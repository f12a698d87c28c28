import { OpenAPIHono } from '@hono/zod-openapi';
import { MarketingListCreateSchema, MarketingListSchema } from '@foyer/schema/validation';
import { validationHook, type AppEnv } from '../../platform/http/context.ts';
import type { MarketingListService } from './service.ts';
import { orgOf, resourceRoutes } from '../../platform/http/openapi.ts';

const route = resourceRoutes('marketing lists', 'list');

const list = route.list('customers.view', MarketingListSchema, 'The marketing lists, by name, with their member counts');

const create = route.create({
  permission: 'lists.create',
  input: MarketingListCreateSchema,
  output: MarketingListSchema,
  summary: 'Create a marketing list (bulk actions add customers to it)',
});

const remove = route.remove('lists.delete', 'Delete a marketing list; its customers stay');

export function listRoutes(lists: MarketingListService) {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(list, async (c) => c.json(await lists.list(orgOf(c)), 200))
    .openapi(create, async (c) => c.json(await lists.create(orgOf(c), c.req.valid('json').name), 201))
    .openapi(remove, async (c) => {
      await lists.delete(orgOf(c), c.req.valid('param').id);
      return c.body(null, 204);
    });
}
