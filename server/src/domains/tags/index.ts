import { OpenAPIHono } from '@hono/zod-openapi';
import type { Domain } from '../../platform/domain.ts';
import { validationHook, type AppEnv } from '../../platform/http/context.ts';
import { tagRoutes } from './routes.ts';
import { TagService } from './service.ts';
import { customerData } from './customer-data.ts';

declare module '../../platform/domain.ts' {
  interface Services {
    tags: TagService;
  }
}

/** T1: built-in and custom tags. */
export const tags: Domain = {
  name: 'tags',
  customerData,
  services: ({ db }) => ({ tags: new TagService(db) }),
  routes: (s) => new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).route('/tags', tagRoutes(s.tags)),
};
