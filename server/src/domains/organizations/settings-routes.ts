import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { SettingsPatchSchema, SettingsSchema } from '@foyer/schema/validation';
import { validationHook, type AppEnv } from '../../platform/http/context.ts';
import type { SettingsService } from './settings-service.ts';
import { body, error, json, orgOf, routeDefaults } from '../../platform/http/openapi.ts';
import { permit } from '../../platform/permissions.ts';

const common = routeDefaults('settings');

const get = createRoute({
  ...common,
  ...permit.signedIn,
  method: 'get',
  path: '/',
  summary: "The organization's settings",
  responses: { 200: json(SettingsSchema, 'Settings') },
});

const patch = createRoute({
  ...common,
  ...permit('settings.manage'),
  method: 'patch',
  path: '/',
  summary: 'Change some settings; maxTagsPerCustomer null removes the cap',
  request: body(SettingsPatchSchema),
  responses: { 200: json(SettingsSchema, 'Settings'), 400: error('Not valid') },
});

export function settingsRoutes(settings: SettingsService) {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(get, async (c) => c.json(await settings.get(orgOf(c)), 200))
    .openapi(patch, async (c) => {
      return c.json(await settings.update(orgOf(c), c.req.valid('json')), 200);
    });
}
