import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import {
  ApiErrorSchema,
  CustomerCreateSchema,
  CustomerPageSchema,
  CustomerPatchSchema,
  CustomerRefSchema,
  CustomerSchema,
  PageQuerySchema,
} from '@foyer/schema/validation';
import { auth, requireRole, validationHook, type AppEnv } from '../http/context.ts';
import type { Actor, CustomerService } from '../services/customers.ts';

const error = (description: string) => ({ content: { 'application/json': { schema: ApiErrorSchema } }, description });
const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });
const RefParams = z.object({ ref: CustomerRefSchema.meta({ description: 'The 32-hex system id or the customer number', param: { name: 'ref', in: 'path' } }) });

const HistorySchema = z
  .object({
    items: z.array(
      z.object({
        id: z.number(),
        action: z.enum(['created', 'updated', 'deleted']),
        actor: z.object({ id: z.string(), name: z.string() }).nullable(),
        changes: z.record(z.string(), z.object({ before: z.unknown(), after: z.unknown() })),
        createdAt: z.string(),
      }),
    ),
  })
  .meta({ id: 'CustomerHistory' });

const common = { tags: ['customers'], security: [{ cookieAuth: [] }] };

const list = createRoute({
  ...common,
  method: 'get',
  path: '/',
  summary: 'A page of customers, newest first',
  request: { query: PageQuerySchema },
  responses: { 200: json(CustomerPageSchema, 'A page of customers'), 400: error('Bad paging'), 401: error('Not signed in') },
});

const create = createRoute({
  ...common,
  method: 'post',
  path: '/',
  summary: 'Create a customer (C4: a first + last name, an email, or a first name + a valid phone)',
  request: { body: { content: { 'application/json': { schema: CustomerCreateSchema } }, required: true } },
  responses: {
    201: json(CustomerSchema, 'Created'),
    400: error('Not a valid customer; issues name the fields'),
    401: error('Not signed in'),
    409: error('An email or the customer number belongs to another customer'),
  },
});

const get = createRoute({
  ...common,
  method: 'get',
  path: '/{ref}',
  summary: 'One customer by system id or customer number',
  request: { params: RefParams },
  responses: { 200: json(CustomerSchema, 'The customer'), 401: error('Not signed in'), 404: error('No such customer') },
});

const patch = createRoute({
  ...common,
  method: 'patch',
  path: '/{ref}',
  summary: 'Change some fields; lists replace the old list; null clears',
  request: { params: RefParams, body: { content: { 'application/json': { schema: CustomerPatchSchema } }, required: true } },
  responses: {
    200: json(CustomerSchema, 'The updated customer'),
    400: error('Not valid'),
    401: error('Not signed in'),
    404: error('No such customer'),
    409: error('An email or the customer number belongs to another customer'),
  },
});

const remove = createRoute({
  ...common,
  method: 'delete',
  path: '/{ref}',
  summary: 'Delete a customer (owner or manager)',
  request: { params: RefParams },
  responses: { 204: { description: 'Deleted' }, 401: error('Not signed in'), 403: error('Role may not delete'), 404: error('No such customer') },
});

const history = createRoute({
  ...common,
  method: 'get',
  path: '/{ref}/history',
  summary: 'Who changed what and when (C10), newest first',
  request: { params: RefParams },
  responses: { 200: json(HistorySchema, 'Audit entries'), 401: error('Not signed in'), 404: error('No such customer') },
});

const actorOf = (c: Parameters<typeof auth>[0]): Actor => {
  const me = auth(c);
  return { orgId: me.organization.id, userId: me.user.id, defaultCountry: me.organization.defaultCountry };
};

export function customerRoutes(customers: CustomerService) {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(list, async (c) => {
      const { page, pageSize } = c.req.valid('query');
      return c.json(await customers.list(auth(c).organization.id, page, pageSize), 200);
    })
    .openapi(create, async (c) => c.json(await customers.create(actorOf(c), c.req.valid('json')), 201))
    .openapi(get, async (c) => c.json(await customers.get(auth(c).organization.id, c.req.valid('param').ref), 200))
    .openapi(patch, async (c) =>
      c.json(await customers.update(actorOf(c), c.req.valid('param').ref, c.req.valid('json')), 200),
    )
    .openapi(remove, async (c) => {
      requireRole(c, 'owner', 'manager');
      await customers.delete(actorOf(c), c.req.valid('param').ref);
      return c.body(null, 204);
    })
    .openapi(history, async (c) => c.json(await customers.history(auth(c).organization.id, c.req.valid('param').ref), 200));
}
