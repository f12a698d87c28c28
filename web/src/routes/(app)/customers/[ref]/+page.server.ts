import type { Customer } from '@foyer/schema/validation';
import { api } from '$lib/api';
import type { HistoryEntry } from '$lib/history';
import { apiGet } from '$lib/server/api';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ fetch, params, url, depends }) => {
  depends('foyer:customer');
  const ref = encodeURIComponent(params.ref);
  const [customer, history] = await Promise.all([
    apiGet<Customer>(fetch, `/api/customers/${ref}`, url),
    // History is a side panel: the profile still works when it cannot be read.
    api<{ items: HistoryEntry[] }>(`/api/customers/${ref}/history`, { fetch }).then(
      (h) => h.items,
      () => null,
    ),
  ]);
  return { customer, history };
};
