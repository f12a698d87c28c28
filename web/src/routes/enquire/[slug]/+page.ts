import { error } from '@sveltejs/kit';
import { api, ApiFailure } from '$lib/api';
import type { PageLoad } from './$types';

// As the booking flow: it runs in the visitor's browser, so the public API's per-address limits
// count the visitor's own address.
export const ssr = false;

export const load: PageLoad = async ({ params, fetch }) => {
  try {
    return { venue: await api.get('/api/public/enquire/{slug}', { path: { slug: params.slug }, fetch }) };
  } catch (e) {
    if (e instanceof ApiFailure && e.status === 404) error(404, { message: 'There is no venue at this address. Check the link you were given.' });
    if (e instanceof ApiFailure && e.status === 429) error(429, { message: e.message });
    throw e;
  }
};
