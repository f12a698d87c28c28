import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { ClvModelSchema } from '@foyer/schema/validation';
import { validationHook, type AppEnv } from '../../platform/http/context.ts';
import { json, orgOf, routeDefaults } from '../../platform/http/openapi.ts';
import { permit } from '../../platform/permissions.ts';
import type { AnalyticsService } from './service.ts';

const model = createRoute({
  ...routeDefaults('analytics'),
  ...permit('analytics.view'),
  method: 'get',
  path: '/model',
  summary:
    "The organization's last customer-value fit: each model's parameters, standard errors and log-likelihood, the one chosen, or why it could not be fitted",
  responses: { 200: json(ClvModelSchema, 'The last fit, or null before the first') },
});

export function analyticsRoutes(analytics: AnalyticsService) {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(model, async (c) => c.json(await analytics.lastModel(orgOf(c)), 200));
}
