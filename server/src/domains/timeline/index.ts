import { OpenAPIHono } from '@hono/zod-openapi';
import type { Domain } from '../../platform/domain.ts';
import { validationHook, type AppEnv } from '../../platform/http/context.ts';
import { activityRoutes } from './routes.ts';
import { ActivityService } from './service.ts';
import { customerData } from './customer-data.ts';
import { timelineSubscribers } from './subscribers.ts';

declare module '../../platform/domain.ts' {
  interface Services {
    activities: ActivityService;
  }
}

/**
 * Ac1: one timeline per customer, typed (TimelineEntry in @foyer/schema), written by outbox
 * subscribers from the events the other domains write, and pushed live to the profiles open.
 */
export const timeline: Domain = {
  name: 'timeline',
  customerData,
  services: ({ db, logger }) => ({ activities: new ActivityService(db, logger.child({ module: 'timeline' })) }),
  routes: (s) => new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).route('/', activityRoutes(s.activities)),
  realtime: ({ staff, services }) => services.activities.attach(staff),
  subscribers: timelineSubscribers,
};
