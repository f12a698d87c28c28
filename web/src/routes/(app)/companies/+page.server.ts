import type { Company } from '@foyer/schema/validation';
import { apiGet } from '$lib/server/api';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ fetch, url, depends }) => {
  depends('foyer:companies');
  const q = url.searchParams.get('q')?.trim() ?? '';
  const { items } = await apiGet<{ items: Company[] }>(fetch, `/api/companies${q ? `?q=${encodeURIComponent(q)}` : ''}`, url);
  return { companies: items, q };
};
