import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { SettingsPatchSchema, SettingsSchema } from '@foyer/schema/validation';
import { requireRole, validationHook, type AppEnv } from '../../platform/http/context.ts';
import type { SettingsService } from './settings-service.ts';
import { body, error, json, orgOf, ownerOrManager, routeDefaults, signedIn } from '../../platform/http/openapi.ts';

const common = routeDefaults('settings');

const get = createRoute({
  ...common,
  method: 'get',
  path: '/',
  summary: "The organization's settings",
  responses: { 200: json(SettingsSchema, 'Settings'), ...signedIn },
});

const patch = createRoute({
  ...common,
  method: 'patch',
  path: '/',
  summary: 'Change some settings (owner or manager); maxTagsPerCustomer null removes the cap',
  request: body(SettingsPatchSchema),
  responses: { 200: json(SettingsSchema, 'Settings'), 400: error('Not valid'), ...signedIn, ...ownerOrManager },
});

export function settingsRoutes(settings: SettingsService) {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(get, async (c) => c.json(await settings.get(orgOf(c)), 200))
    .openapi(patch, async (c) => {
      requireRole(c, 'owner', 'manager');
      return c.json(await settings.update(orgOf(c), c.req.valid('json')), 200);
    });
}
