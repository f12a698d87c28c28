import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import {
  DeviceCreateSchema,
  DevicePairingSchema,
  DevicePatchSchema,
  DeviceSchema,
  PairRequestSchema,
  PairResponseSchema,
  QuarantinedEventSchema,
} from '@foyer/schema/validation';
import { clientAddress, validationHook, type AppEnv } from '../../platform/http/context.ts';
import type { EdgeDeviceService } from './service.ts';
import type { DoorEventService } from '../doors/events-service.ts';
import { permit } from '../../platform/permissions.ts';
import { body, error, itemsOf, json, orgOf, resourceRoutes, routeDefaults, uuidParams } from '../../platform/http/openapi.ts';

const route = resourceRoutes('edge devices', 'device');
const common = routeDefaults('edge devices');
const pairingCodeResponses = { 400: error('Not valid'), 404: error('No such device or door') };

const list = route.list('doors.view', DeviceSchema, 'The devices that were not revoked, with their doors and whether they are online');

const create = route.create({
  permission: 'devices.manage',
  input: DeviceCreateSchema,
  output: DevicePairingSchema,
  summary: 'Add a device: answers its one-time pairing code, good for 15 minutes',
  responses: pairingCodeResponses,
});

const patch = route.patch({
  permission: 'devices.manage',
  input: DevicePatchSchema,
  output: DeviceSchema,
  summary: 'Rename a device or give it other doors (ids replace its doors); an online device gets them at once',
  responses: pairingCodeResponses,
});

const remove = route.remove('devices.manage', 'Revoke a device: its secret stops working and it is disconnected now');

const renewCode = createRoute({
  ...common,
  ...permit('devices.manage'),
  method: 'post',
  path: '/devices/{id}/pairing-code',
  summary: 'A new pairing code for a device set up again; its old secret works until the code is used',
  request: { params: uuidParams('device') },
  responses: { 200: json(DevicePairingSchema, 'The code'), 404: error('No such device in this organization') },
});

const quarantine = createRoute({
  ...common,
  ...permit('doors.view'),
  method: 'get',
  path: '/devices/{id}/quarantine',
  summary: "The device's last 100 events that could never be stored, each with why (the rest of their batch was stored)",
  request: { params: uuidParams('device') },
  responses: { 200: json(itemsOf(QuarantinedEventSchema), 'Quarantined events, newest first'), 404: error('No such device in this organization') },
});

const pair = createRoute({
  ...permit.public,
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

export function edgeDeviceRoutes(devices: EdgeDeviceService, doorEvents: DoorEventService) {
  const devicesApp = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(list, async (c) => c.json(await devices.list(orgOf(c)), 200))
    .openapi(create, async (c) => {
      return c.json(await devices.create(orgOf(c), c.req.valid('json')), 201);
    })
    .openapi(patch, async (c) => {
      return c.json(await devices.update(orgOf(c), c.req.valid('param').id, c.req.valid('json')), 200);
    })
    .openapi(remove, async (c) => {
      await devices.revoke(orgOf(c), c.req.valid('param').id);
      return c.body(null, 204);
    });
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .route('/devices', devicesApp)
    .openapi(renewCode, async (c) => {
      return c.json(await devices.renewPairingCode(orgOf(c), c.req.valid('param').id), 200);
    })
    .openapi(quarantine, async (c) => {
      const device = await devices.get(orgOf(c), c.req.valid('param').id);
      return c.json(await doorEvents.quarantine(device.id), 200);
    })
    .openapi(pair, async (c) => c.json(await devices.pair(c.req.valid('json').code, clientAddress(c)), 200));
}
