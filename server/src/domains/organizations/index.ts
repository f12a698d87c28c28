import { OpenAPIHono } from '@hono/zod-openapi';
import type { Domain } from '../../platform/domain.ts';
import { validationHook, type AppEnv } from '../../platform/http/context.ts';
import { settingsRoutes } from './settings-routes.ts';
import { SettingsService } from './settings-service.ts';

declare module '../../platform/domain.ts' {
  interface Services {
    settings: SettingsService;
  }
}

/** The organization itself: its settings (time zone, tag limit, country). */
export const organizations: Domain = {
  name: 'organizations',
  services: ({ db }) => ({ settings: new SettingsService(db) }),
  routes: (s) => new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).route('/settings', settingsRoutes(s.settings)),
};
