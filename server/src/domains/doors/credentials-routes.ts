import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { CredentialCreateSchema, CredentialSchema, CustomerRefParamsSchema, IssuedCredentialSchema } from '@foyer/schema/validation';
import { validationHook, type AppEnv } from '../../platform/http/context.ts';
import type { CredentialService } from './credentials-service.ts';
import { actorOf, body, error, itemsOf, json, orgOf, routeDefaults, uuidParams } from '../../platform/http/openapi.ts';
import { permit } from '../../platform/permissions.ts';

const common = routeDefaults('door access');

const list = createRoute({
  ...common,
  ...permit('doors.view'),
  method: 'get',
  path: '/customers/{ref}/credentials',
  summary: "The customer's live credentials, newest first (R2)",
  request: { params: CustomerRefParamsSchema },
  responses: { 200: json(itemsOf(CredentialSchema), 'Credentials'), 404: error('No such customer') },
});

const issue = createRoute({
  ...common,
  ...permit('credentials.issue'),
  method: 'post',
  path: '/customers/{ref}/credentials',
  summary: 'Issue a card, fob, barcode or wallet QR; a qr without a value gets a generated token, returned once',
  request: { params: CustomerRefParamsSchema, ...body(CredentialCreateSchema) },
  responses: {
    201: json(IssuedCredentialSchema, 'Issued'),
    400: error('Not valid'),
    404: error('No such customer'),
    409: error('This credential is already issued (to whom is not said), or the customer was erased'),
  },
});

const revoke = createRoute({
  ...common,
  ...permit('credentials.revoke'),
  method: 'delete',
  path: '/credentials/{id}',
  summary: 'Revoke a credential; devices drop it within a second',
  request: { params: uuidParams('credential') },
  responses: { 204: { description: 'Revoked' }, 404: error('No such credential in this organization') },
});

export function credentialRoutes(credentials: CredentialService) {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(list, async (c) => c.json(await credentials.list(orgOf(c), c.req.valid('param').ref), 200))
    .openapi(issue, async (c) => c.json(await credentials.issue(actorOf(c), c.req.valid('param').ref, c.req.valid('json')), 201))
    .openapi(revoke, async (c) => {
      await credentials.revoke(actorOf(c), c.req.valid('param').id);
      return c.body(null, 204);
    });
}
