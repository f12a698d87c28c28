import { redirect } from '@sveltejs/kit';
import { apiGet } from '$lib/server/api';
import type { PageServerLoad } from './$types';

const PEOPLE_PAGE_SIZE = 50;

export const load: PageServerLoad = async (event) => {
  const { params, url } = event;
  event.depends('foyer:company');
  const id = encodeURIComponent(params.id);
  const raw = url.searchParams.get('page');
  const page = raw && /^\d+$/.test(raw) && Number(raw) >= 1 ? Math.min(Number(raw), 100_000) : 1;
  const [company, people] = await Promise.all([
    apiGet(event, '/api/companies/{id}', { path: { id: params.id } }),
    apiGet(event, '/api/companies/{id}/customers', { path: { id: params.id }, query: { page } }),
  ]);
  const pages = Math.max(1, Math.ceil(people.total / PEOPLE_PAGE_SIZE));
  if (page > pages) redirect(303, pages === 1 ? `/companies/${id}` : `/companies/${id}?page=${pages}`);
  return { company, people, page, pages, pageSize: PEOPLE_PAGE_SIZE };
};
