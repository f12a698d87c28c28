import { apiGet } from '$lib/server/api';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  event.depends('foyer:team');
  return { team: await apiGet(event, '/api/team') };
};
