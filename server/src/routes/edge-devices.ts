import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { DeviceCreateSchema, DevicePairingSchema, DevicePatchSchema, DeviceSchema, PairRequestSchema, PairResponseSchema } from '@foyer/schema/validation';
import { clientAddress, requireRole, validationHook, type AppEnv } from '../http/context.ts';
import type { EdgeDeviceService } from '../services/edge-devices.ts';
import { body, error, json, orgOf, ownerOrManager, resourceRoutes, routeDefaults, signedIn, uuidParams } from './openapi-helpers.ts';

const route = resourceRoutes('edge devices', 'device');
const common = routeDefaults('edge devices');
const pairingCodeResponses = { 400: error('Not valid'), ...signedIn, ...ownerOrManager, 404: error('No such device or door') };

const list = route.list(DeviceSchema, 'The devices that were not revoked, with their doors and whether they are online');

const create = route.create({
  input: DeviceCreateSchema,
  output: DevicePairingSchema,
  summary: 'Add a device: answers its one-time pairing code, good for 15 minutes (owner or manager)',
  responses: pairingCodeResponses,
});

const patch = route.patch({
  input: DevicePatchSchema,
  output: DeviceSchema,
  summary: 'Rename a device or give it other doors (ids replace its doors); an online device gets them at once (owner or manager)',
  responses: pairingCodeResponses,
});

const remove = route.remove('Revoke a device: its secret stops working and it is disconnected now (owner or manager)', ownerOrManager);

const renewCode = createRoute({
  ...common,
  method: 'post',
  path: '/devices/{id}/pairing-code',
  summary: 'A new pairing code for a device set up again; its old secret works until the code is used (owner or manager)',
  request: { params: uuidParams('device') },
  responses: { 200: json(DevicePairingSchema, 'The code'), ...signedIn, ...ownerOrManager, 404: error('No such device in this organization') },
});

const pair = createRoute({
  method: 'post',
  path: '/pair',
  tags: ['edge devices'],
  summary: "Public: a device trades its pairing code for its secret and its organization's credential key",
  request: body(PairRequestSchema),
  responses: {
    200: json(PairResponseSchema, 'Paired: keep the secret, it is not shown again'),
    400: error('Not valid'),
    401: error('The code does not work (unknown, used or expired: not said which)'),
    429: error('Too many failed attempts from this address; see Retry-After'),
  },
});

export function edgeDeviceRoutes(devices: EdgeDeviceService) {
  const devicesApp = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(list, async (c) => c.json(await devices.list(orgOf(c)), 200))
    .openapi(create, async (c) => {
      requireRole(c, 'owner', 'manager');
      return c.json(await devices.create(orgOf(c), c.req.valid('json')), 201);
    })
    .openapi(patch, async (c) => {
      requireRole(c, 'owner', 'manager');
      return c.json(await devices.update(orgOf(c), c.req.valid('param').id, c.req.valid('json')), 200);
    })
    .openapi(remove, async (c) => {
      requireRole(c, 'owner', 'manager');
      await devices.revoke(orgOf(c), c.req.valid('param').id);
      return c.body(null, 204);
    });
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .route('/devices', devicesApp)
    .openapi(renewCode, async (c) => {
      requireRole(c, 'owner', 'manager');
      return c.json(await devices.renewPairingCode(orgOf(c), c.req.valid('param').id), 200);
    })
    .openapi(pair, async (c) => c.json(await devices.pair(c.req.valid('json').code, clientAddress(c)), 200));
}

/** Answers without a session: a device has none until it is paired. */
export const PUBLIC_EDGE_PATHS = ['/api/edge/pair'];
