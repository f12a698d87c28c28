import { api } from '$lib/api';
import type { PageServerLoad } from './$types';

/** I1: the import page: the history (with running imports to follow), custom fields to map to, saved mappings. */
export const load: PageServerLoad = async ({ fetch, depends }) => {
  depends('foyer:imports');
  const [history, fields, mappings] = await Promise.all([
    api.get('/api/imports', { fetch }).then((r) => r.items),
    api.get('/api/custom-fields', { fetch }).then(
      (r) => r.items,
      () => [],
    ),
    api.get('/api/imports/mappings', { fetch }).then((r) => r.items),
  ]);
  return { history, fields, mappings };
};
