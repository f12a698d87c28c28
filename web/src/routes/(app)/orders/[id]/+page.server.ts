import { apiGet } from '$lib/server/api';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  event.depends('foyer:order');
  const order = await apiGet(event, '/api/orders/{id}', { path: { id: event.params.id } });
  return { order };
};
