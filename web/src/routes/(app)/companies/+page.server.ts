import { apiGet } from '$lib/server/api';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  event.depends('foyer:companies');
  const q = event.url.searchParams.get('q')?.trim() ?? '';
  const { items } = await apiGet(event, '/api/companies', { query: { q: q || undefined } });
  return { companies: items, q };
};
