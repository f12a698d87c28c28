import { OpenAPIHono } from '@hono/zod-openapi';
import type { Domain } from '../../platform/domain.ts';
import { validationHook, type AppEnv } from '../../platform/http/context.ts';
import { authRoutes } from './routes.ts';
import { AuthService } from './service.ts';

declare module '../../platform/domain.ts' {
  interface Services {
    auth: AuthService;
  }
}

/** Staff sign-in, sessions and users. */
export const auth: Domain = {
  name: 'auth',
  services: ({ db }) => ({ auth: new AuthService(db) }),
  routes: (s, { secureCookies }) => new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).route('/auth', authRoutes(s.auth, secureCookies)),
};
