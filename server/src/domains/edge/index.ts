import { OpenAPIHono } from '@hono/zod-openapi';
import type { Domain } from '../../platform/domain.ts';
import { validationHook, type AppEnv } from '../../platform/http/context.ts';
import { localSubscriber, subscriber } from '../../platform/outbox.ts';
import { attachEdge, EdgeConnections } from './realtime.ts';
import { edgeDeviceRoutes } from './routes.ts';
import { EdgeDeviceService } from './service.ts';
import { EdgeSyncService } from './sync-service.ts';

declare module '../../platform/domain.ts' {
  interface Services {
    edgeDevices: EdgeDeviceService;
    edgeSync: EdgeSyncService;
    /** This node's /edge sockets, for the local subscribers below. */
    edgeConnections: EdgeConnections;
  }
}

/** Da2: the edge agents beside the doors — pairing, the permission snapshot and deltas, their reports. */
export const edge: Domain = {
  name: 'edge',
  services: ({ db }) => ({ edgeDevices: new EdgeDeviceService(db), edgeSync: new EdgeSyncService(db), edgeConnections: new EdgeConnections() }),
  routes: (s) => new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).route('/edge', edgeDeviceRoutes(s.edgeDevices, s.doorEvents)),
  realtime: ({ io, services, logger }) => ({ close: services.edgeConnections.attach(attachEdge(io, services, logger)) }),
  /**
   * What must happen once goes in a durable subscriber: a customer's change becomes a new edge
   * version and an `edge.changed` naming them, in the delivery's transaction (so a retry or a
   * second node does not bump it again). Pushing to sockets is local: every node runs it for the
   * devices connected to it, right after the commit; a device that missed it (its node died, it
   * was offline) catches up by version when it says hello again.
   */
  subscribers: (s) => [
    subscriber({
      id: 'edge.customer-changed', // stable: deliveries are keyed by it
      on: ['customer.changed'],
      handle: (event, tx) => s.edgeSync.customerChanged(tx, event.orgId, event.payload.customerId),
    }),
    localSubscriber({ id: 'edge.push-deltas', on: ['edge.changed'], handle: (event) => s.edgeConnections.changed({ orgId: event.orgId, ...event.payload }) }),
    localSubscriber({ id: 'edge.sign-out', on: ['edge.device.signedOut'], handle: (event) => s.edgeConnections.signedOut(event.payload) }),
  ],
};
