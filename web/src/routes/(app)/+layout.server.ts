import { redirect } from '@sveltejs/kit';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals, url }) => {
  // hooks.server.ts already redirects signed-out visitors; this keeps the type honest.
  if (!locals.me) redirect(303, `/login?next=${encodeURIComponent(url.pathname + url.search)}`);
  return { me: locals.me };
};
