import { OpenAPIHono } from '@hono/zod-openapi';
import type { Domain } from '../../platform/domain.ts';
import { validationHook, type AppEnv } from '../../platform/http/context.ts';
import { clvFitJob } from './jobs.ts';
import { analyticsRoutes } from './routes.ts';
import { AnalyticsService } from './service.ts';

declare module '../../platform/domain.ts' {
  interface Services {
    analytics: AnalyticsService;
  }
}

/**
 * A2 (predicted part): the customer-value models (models/: BG/NBD, Pareto/NBD, Gamma-Gamma),
 * fitted per organization by the clv.fit job, and the last fit over HTTP.
 */
export const analytics: Domain = {
  name: 'analytics',
  services: ({ db }) => ({ analytics: new AnalyticsService(db) }),
  routes: (s) => new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).route('/analytics', analyticsRoutes(s.analytics)),
  jobs: () => [clvFitJob],
};
