import { OpenAPIHono } from '@hono/zod-openapi';
import type { Domain } from '../../platform/domain.ts';
import { validationHook, type AppEnv } from '../../platform/http/context.ts';
import { attachEdge } from './realtime.ts';
import { edgeDeviceRoutes } from './routes.ts';
import { EdgeDeviceService } from './service.ts';
import { EdgeSyncService } from './sync-service.ts';

declare module '../../platform/domain.ts' {
  interface Services {
    edgeDevices: EdgeDeviceService;
    edgeSync: EdgeSyncService;
  }
}

/** Da2: the edge agents beside the doors — pairing, the permission snapshot and deltas, their reports. */
export const edge: Domain = {
  name: 'edge',
  services: ({ db }) => ({ edgeDevices: new EdgeDeviceService(db), edgeSync: new EdgeSyncService(db) }),
  routes: (s) => new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).route('/edge', edgeDeviceRoutes(s.edgeDevices)),
  realtime: ({ io, services, logger }) => ({ close: attachEdge(io, services, logger) }),
};
