import { redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

// Signed-out visitors never get here (hooks.server.ts sends them to /login).
export const load: PageServerLoad = () => redirect(303, '/customers');
