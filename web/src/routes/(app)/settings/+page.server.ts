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
  // Owners alone manage API keys: others get no list (and no section).
  const apiKeys = event.locals.me?.user.role === 'owner' ? (await apiGet(event, '/api/api-keys')).items : null;
  return { tags: tags.items, fields: fields.items, settings, services: services.items, apiKeys };
};
