import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import {
  ApiKeyCreatedSchema,
  ApiKeyCreateSchema,
  ApiKeySchema,
  CustomerOrdersSchema,
  CustomerRefParamsSchema,
  OrderCreateSchema,
  OrderListQuerySchema,
  OrderPageSchema,
  OrderSchema,
  PaymentCreateSchema,
  PaymentSchema,
  RefundCreateSchema,
} from '@foyer/schema/validation';
import type { Db } from '../../platform/db/connect.ts';
import { auth, validationHook, type AppEnv } from '../../platform/http/context.ts';
import { actorOf, body, error, itemsOf, json, orgOf, uuidParams } from '../../platform/http/openapi.ts';
import { permit } from '../../platform/permissions.ts';
import type { ApiKeyService } from './api-keys.ts';
import { idempotent } from './idempotency.ts';
import type { OrderService } from './service.ts';

/** Orders are written by staff (cookie) and by integrators (an API key as a bearer token). */
const defaults = (tag: string) => ({ tags: [tag], security: [{ cookieAuth: [] as string[] }, { bearerAuth: [] as string[] }] as Record<string, string[]>[] });

const IdempotencyHeadersSchema = z.object({
  'idempotency-key': z
    .string()
    .optional()
    .meta({ description: 'Retry-safe writes: the same key and body answer the first response again; another body with the key is a 422' }),
});

const writeResponses = {
  400: error('Not valid: the issues name the fields'),
  409: error('A request with this Idempotency-Key is still running'),
  422: error('This Idempotency-Key was used for a different request'),
};

const create = createRoute({
  ...defaults('orders'),
  ...permit('orders.create'),
  method: 'post',
  path: '/orders',
  summary:
    'Record an order (its customer found by ref, email or phone, else created); an external id already recorded for the channel answers that order (200)',
  request: { headers: IdempotencyHeadersSchema, ...body(OrderCreateSchema) },
  responses: { 201: json(OrderSchema, 'The order, recorded'), 200: json(OrderSchema, 'The order recorded before with this external id'), ...writeResponses },
});

const list = createRoute({
  ...defaults('orders'),
  ...permit('orders.view'),
  method: 'get',
  path: '/orders',
  summary: "The organization's orders, newest first, a page at a time",
  request: { query: OrderListQuerySchema },
  responses: { 200: json(OrderPageSchema, 'A page of orders'), 400: error('Not a valid query') },
});

const get = createRoute({
  ...defaults('orders'),
  ...permit('orders.view'),
  method: 'get',
  path: '/orders/{id}',
  summary: 'An order with its lines, payments and refunds',
  request: { params: uuidParams('order') },
  responses: { 200: json(OrderSchema, 'The order'), 404: error('No such order in this organization') },
});

const cancel = createRoute({
  ...defaults('orders'),
  ...permit('orders.cancel'),
  method: 'post',
  path: '/orders/{id}/cancel',
  summary: 'Cancel an order with nothing paid on it (refund first); cancelling twice is once',
  request: { params: uuidParams('order') },
  responses: { 200: json(OrderSchema, 'The order, cancelled'), 404: error('No such order'), 409: error('Money is paid on it') },
});

const ofCustomer = createRoute({
  ...defaults('orders'),
  ...permit('orders.view'),
  method: 'get',
  path: '/customers/{ref}/orders',
  summary: "The customer's latest orders (50) and figures: totals, average order, frequency, lifecycle (A2)",
  request: { params: CustomerRefParamsSchema },
  responses: { 200: json(CustomerOrdersSchema, 'Their orders and figures'), 404: error('No such customer') },
});

const pay = createRoute({
  ...defaults('payments'),
  ...permit('orders.create'),
  method: 'post',
  path: '/payments',
  summary: 'Take a payment for an order or a booking (at most what is outstanding)',
  request: { headers: IdempotencyHeadersSchema, ...body(PaymentCreateSchema) },
  responses: { 201: json(PaymentSchema, 'The payment'), ...writeResponses, 409: error('Cancelled, or the Idempotency-Key is in use') },
});

const refund = createRoute({
  ...defaults('payments'),
  ...permit('payments.refund'),
  method: 'post',
  path: '/refunds',
  summary: 'Refund money paid on an order or a booking (at most what was paid and not yet refunded)',
  request: { headers: IdempotencyHeadersSchema, ...body(RefundCreateSchema) },
  responses: { 201: json(PaymentSchema, 'The refund'), ...writeResponses },
});

const bookingPayments = createRoute({
  ...defaults('payments'),
  ...permit('orders.view'),
  method: 'get',
  path: '/bookings/{id}/payments',
  summary: "A booking's payments and refunds",
  request: { params: uuidParams('booking') },
  responses: { 200: json(itemsOf(PaymentSchema), 'Payments and refunds, oldest first') },
});

const keyList = createRoute({
  ...defaults('api-keys'),
  ...permit('apikeys.manage'),
  method: 'get',
  path: '/api-keys',
  summary: "The organization's API keys (never their secrets), revoked ones too",
  responses: { 200: json(itemsOf(ApiKeySchema), 'API keys, newest first') },
});

const keyCreate = createRoute({
  ...defaults('api-keys'),
  ...permit('apikeys.manage'),
  method: 'post',
  path: '/api-keys',
  summary: 'Make an API key with some of your permissions; its secret is in this answer only',
  request: body(ApiKeyCreateSchema),
  responses: { 201: json(ApiKeyCreatedSchema, 'The key and its secret (shown once)'), 400: error('Not valid') },
});

const keyRevoke = createRoute({
  ...defaults('api-keys'),
  ...permit('apikeys.manage'),
  method: 'post',
  path: '/api-keys/{id}/revoke',
  summary: 'Revoke an API key: requests with it are refused (401) from now on',
  request: { params: uuidParams('API key') },
  responses: { 200: json(ApiKeySchema, 'The key, revoked'), 404: error('No such key') },
});

export function orderRoutes(db: Db, orders: OrderService, keys: ApiKeyService) {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(create, async (c) => {
      const input = c.req.valid('json');
      const result = await idempotent(db, c, input, async () => {
        const { order, created } = await orders.create(actorOf(c), input);
        return { status: created ? 201 : 200, body: order };
      });
      return c.json(result.body, result.status);
    })
    .openapi(list, async (c) => c.json(await orders.list(orgOf(c), c.req.valid('query')), 200))
    .openapi(get, async (c) => c.json(await orders.get(orgOf(c), c.req.valid('param').id), 200))
    .openapi(cancel, async (c) => c.json(await orders.cancel(actorOf(c), c.req.valid('param').id), 200))
    .openapi(ofCustomer, async (c) => c.json(await orders.ofCustomer(orgOf(c), c.req.valid('param').ref), 200))
    .openapi(pay, async (c) => {
      const input = c.req.valid('json');
      const result = await idempotent(db, c, input, async () => ({ status: 201 as const, body: await orders.pay(actorOf(c), input) }));
      return c.json(result.body, 201);
    })
    .openapi(refund, async (c) => {
      const input = c.req.valid('json');
      const result = await idempotent(db, c, input, async () => ({ status: 201 as const, body: await orders.refund(actorOf(c), input) }));
      return c.json(result.body, 201);
    })
    .openapi(bookingPayments, async (c) => c.json({ items: await orders.ofBooking(orgOf(c), c.req.valid('param').id) }, 200))
    .openapi(keyList, async (c) => c.json({ items: await keys.list(orgOf(c)) }, 200))
    .openapi(keyCreate, async (c) => c.json(await keys.create(auth(c), c.req.valid('json')), 201))
    .openapi(keyRevoke, async (c) => c.json(await keys.revoke(orgOf(c), c.req.valid('param').id), 200));
}
