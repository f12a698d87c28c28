import { error } from '@sveltejs/kit';
import { ApiFailure } from '$lib/api';
import { getVenue } from '$lib/booking/flow';
import type { PageLoad } from './$types';

// The flow runs in the customer's browser: its API calls carry the customer's own address, which
// the public API limits per address (rendered on the server, every customer would share one), and
// it lives on sessionStorage.
export const ssr = false;

export const load: PageLoad = async ({ params, fetch }) => {
  try {
    return { venue: await getVenue(params.slug, fetch) };
  } catch (e) {
    if (e instanceof ApiFailure && e.status === 404) error(404, { message: 'There is no venue at this address. Check the link you were given.' });
    if (e instanceof ApiFailure && e.status === 429) error(429, { message: e.message });
    throw e;
  }
};
