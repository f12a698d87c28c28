import type { Door } from '$lib/api';
import { apiGet } from '$lib/server/api';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ fetch, url, depends }) => {
  depends('foyer:doors');
  const { items } = await apiGet<{ items: Door[] }>(fetch, '/api/doors', url);
  return { doors: items };
};
