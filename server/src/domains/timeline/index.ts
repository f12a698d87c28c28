import { OpenAPIHono } from '@hono/zod-openapi';
import type { Domain } from '../../platform/domain.ts';
import { validationHook, type AppEnv } from '../../platform/http/context.ts';
import { activityRoutes } from './routes.ts';
import { ActivityService } from './service.ts';
import { customerData } from './customer-data.ts';

declare module '../../platform/domain.ts' {
  interface Services {
    activities: ActivityService;
  }
}

/** Ac1: one timeline per customer. */
export const timeline: Domain = {
  name: 'timeline',
  customerData,
  services: ({ db }) => ({ activities: new ActivityService(db) }),
  routes: (s) => new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).route('/', activityRoutes(s.activities)),
};
