import type { CustomField, Service, SettingsSchema, Tag } from '@foyer/schema/validation';
import { apiGet } from '$lib/server/api';
import type { PageServerLoad } from './$types';

type Settings = ReturnType<typeof SettingsSchema.parse>;

export const load: PageServerLoad = async ({ fetch, url, depends }) => {
  depends('foyer:settings');
  const [tags, fields, settings, services] = await Promise.all([
    apiGet<{ items: Tag[] }>(fetch, '/api/tags', url),
    apiGet<{ items: CustomField[] }>(fetch, '/api/custom-fields', url),
    apiGet<Settings>(fetch, '/api/settings', url),
    apiGet<{ items: Service[] }>(fetch, '/api/services', url),
  ]);
  return { tags: tags.items, fields: fields.items, settings, services: services.items };
};
