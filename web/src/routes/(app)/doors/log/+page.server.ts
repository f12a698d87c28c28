import type { DoorLogPage } from '$lib/api';
import { LOG_PAGE_SIZE } from '$lib/components/doors/doors';
import { apiGet } from '$lib/server/api';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ fetch, url }) => {
  return { log: await apiGet<DoorLogPage>(fetch, `/api/door-events?pageSize=${LOG_PAGE_SIZE}`, url) };
};
