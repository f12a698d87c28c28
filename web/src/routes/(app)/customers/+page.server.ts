import { redirect } from '@sveltejs/kit';
import type { CustomerPage } from '@foyer/schema/validation';
import { apiGet } from '$lib/server/api';
import type { PageServerLoad } from './$types';

const PAGE_SIZE = 50;

export const load: PageServerLoad = async ({ fetch, url }) => {
  const raw = url.searchParams.get('page');
  const page = raw && /^\d+$/.test(raw) && Number(raw) >= 1 ? Math.min(Number(raw), 1_000_000) : 1;
  if (raw !== null && String(page) !== raw) redirect(303, page === 1 ? '/customers' : `/customers?page=${page}`);

  const result = await apiGet<CustomerPage>(fetch, `/api/customers?page=${page}&pageSize=${PAGE_SIZE}`, url);

  // Past the last page (e.g. after deletions): go to the last one that has rows.
  const pages = Math.max(1, Math.ceil(result.total / PAGE_SIZE));
  if (page > pages) redirect(303, pages === 1 ? '/customers' : `/customers?page=${pages}`);

  return { customers: result.items, total: result.total, page, pageSize: PAGE_SIZE, pages };
};
