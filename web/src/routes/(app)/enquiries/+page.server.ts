import { enquiryStatuses, type EnquiryStatus } from '@foyer/schema/validation';
import { api } from '$lib/api';
import { apiGet } from '$lib/server/api';
import type { PageServerLoad } from './$types';

/** C8: the enquiries inbox, `?status=` one of the statuses (all without), `?mine=1` for the user's own. */
export const load: PageServerLoad = async (event) => {
  event.depends('foyer:enquiries');
  const raw = event.url.searchParams.get('status');
  const status = (enquiryStatuses as readonly string[]).includes(raw ?? '') ? (raw as EnquiryStatus) : undefined;
  const [page, staff] = await Promise.all([
    apiGet(event, '/api/enquiries', { query: { status, pageSize: 100 } }),
    api
      .get('/api/staff', { fetch: event.fetch })
      .then((s) => s.items)
      .catch(() => []),
  ]);
  return { page, status: status ?? null, staff };
};
