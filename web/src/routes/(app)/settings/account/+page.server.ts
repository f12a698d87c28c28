import { apiGet } from '$lib/server/api';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  event.depends('foyer:account');
  return { sessions: (await apiGet(event, '/api/auth/sessions')).items };
};
