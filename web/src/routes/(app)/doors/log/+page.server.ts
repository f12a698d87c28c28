import type { DoorLogEntry, GrowingPage } from '$lib/api';
import { LOG_PAGE_SIZE } from '$lib/components/doors/doors';
import { apiGet } from '$lib/server/api';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ fetch, url }) => {
  return { log: await apiGet<GrowingPage<DoorLogEntry>>(fetch, `/api/door-events?page=1&pageSize=${LOG_PAGE_SIZE}`, url) };
};
