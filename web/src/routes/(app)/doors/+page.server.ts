import { apiGet } from '$lib/server/api';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  event.depends('foyer:doors');
  const { items } = await apiGet(event, '/api/doors');
  return { doors: items };
};
