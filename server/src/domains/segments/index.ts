import { OpenAPIHono } from '@hono/zod-openapi';
import type { Domain } from '../../platform/domain.ts';
import { validationHook, type AppEnv } from '../../platform/http/context.ts';
import { segmentRoutes } from './routes.ts';
import { SegmentService } from './service.ts';

declare module '../../platform/domain.ts' {
  interface Services {
    segments: SegmentService;
  }
}

/** L6: saved segments. */
export const segments: Domain = {
  name: 'segments',
  services: ({ db }) => ({ segments: new SegmentService(db) }),
  routes: (s) => new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).route('/segments', segmentRoutes(s.segments)),
};
