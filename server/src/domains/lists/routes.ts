import { OpenAPIHono } from '@hono/zod-openapi';
import { MarketingListCreateSchema, MarketingListSchema } from '@foyer/schema/validation';
import { requireRole, validationHook, type AppEnv } from '../../platform/http/context.ts';
import type { MarketingListService } from './service.ts';
import { orgOf, ownerOrManager, resourceRoutes } from '../../platform/http/openapi.ts';

const route = resourceRoutes('marketing lists', 'list');

const list = route.list(MarketingListSchema, 'The marketing lists, by name, with their member counts');

const create = route.create({
  input: MarketingListCreateSchema,
  output: MarketingListSchema,
  summary: 'Create a marketing list (bulk actions add customers to it)',
});

const remove = route.remove('Delete a marketing list; its customers stay (owner or manager)', ownerOrManager);

export function listRoutes(lists: MarketingListService) {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(list, async (c) => c.json(await lists.list(orgOf(c)), 200))
    .openapi(create, async (c) => c.json(await lists.create(orgOf(c), c.req.valid('json').name), 201))
    .openapi(remove, async (c) => {
      requireRole(c, 'owner', 'manager');
      await lists.delete(orgOf(c), c.req.valid('param').id);
      return c.body(null, 204);
    });
}
