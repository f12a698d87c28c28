import { OpenAPIHono } from '@hono/zod-openapi';
import type { Domain } from '../../platform/domain.ts';
import { validationHook, type AppEnv } from '../../platform/http/context.ts';
import { listRoutes } from './routes.ts';
import { MarketingListService } from './service.ts';
import { customerData } from './customer-data.ts';

declare module '../../platform/domain.ts' {
  interface Services {
    lists: MarketingListService;
  }
}

/** L5: marketing lists. */
export const lists: Domain = {
  name: 'lists',
  customerData,
  services: ({ db }) => ({ lists: new MarketingListService(db) }),
  routes: (s) => new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).route('/lists', listRoutes(s.lists)),
};
