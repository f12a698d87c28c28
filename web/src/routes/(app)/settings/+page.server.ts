import { can } from '$lib/permissions';
import { apiGet } from '$lib/server/api';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  event.depends('foyer:settings');
  const [tags, fields, settings, services] = await Promise.all([
    apiGet(event, '/api/tags'),
    apiGet(event, '/api/custom-fields'),
    apiGet(event, '/api/settings'),
    apiGet(event, '/api/services'),
  ]);
  // Only those who may manage API keys (owners, by default) get the list and the section.
  const apiKeys = event.locals.me && can(event.locals.me, 'apikeys.manage') ? (await apiGet(event, '/api/api-keys')).items : null;
  return { tags: tags.items, fields: fields.items, settings, services: services.items, apiKeys };
};
