import { LOG_PAGE_SIZE } from '$lib/components/doors/doors';
import { apiGet } from '$lib/server/api';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  return { log: await apiGet(event, '/api/door-events', { query: { pageSize: LOG_PAGE_SIZE } }) };
};
