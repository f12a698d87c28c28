import { OpenAPIHono } from '@hono/zod-openapi';
import { TagCreateSchema, TagPatchSchema, TagSchema } from '@foyer/schema/validation';
import { validationHook, type AppEnv } from '../../platform/http/context.ts';
import type { TagService } from './service.ts';
import { actorOf, error, orgOf, resourceRoutes } from '../../platform/http/openapi.ts';

const route = resourceRoutes('tags', 'tag');
const nameTaken = { 409: error('A tag has this name, in some case') };

const list = route.list('customers.view', TagSchema, 'The tags with how many customers carry each; built-in first');

const create = route.create({ permission: 'tags.create', input: TagCreateSchema, output: TagSchema, summary: 'Create a custom tag', responses: nameTaken });

const patch = route.patch({
  permission: 'tags.edit',
  input: TagPatchSchema,
  output: TagSchema,
  summary: "Rename or recolor a tag (a built-in tag's name cannot change)",
  responses: { 400: error('Not valid, or renaming a built-in tag'), ...nameTaken },
});

const remove = route.remove('tags.delete', 'Delete a custom tag; customers lose it', { 400: error('A built-in tag') });

export function tagRoutes(tags: TagService) {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(list, async (c) => c.json(await tags.list(orgOf(c)), 200))
    .openapi(create, async (c) => c.json(await tags.create(actorOf(c), c.req.valid('json')), 201))
    .openapi(patch, async (c) => c.json(await tags.update(actorOf(c), c.req.valid('param').id, c.req.valid('json')), 200))
    .openapi(remove, async (c) => {
      await tags.delete(actorOf(c), c.req.valid('param').id);
      return c.body(null, 204);
    });
}
