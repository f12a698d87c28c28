import { error, redirect } from '@sveltejs/kit';
import { ApiFailure, api, type ArgsOf, type PathOf, type ResponseOf } from '$lib/api';

/**
 * `api.get` from a server load function, through its `fetch` (answered in-process by the API, see
 * hooks.server.ts). A 401 sends the user to sign in again; other failures become SvelteKit errors.
 */
export async function apiGet<P extends PathOf<'get'>>(
  event: { fetch: typeof fetch; url: URL },
  path: P,
  ...[init]: ArgsOf<'get', P>
): Promise<ResponseOf<'get', P>> {
  try {
    return await api.get(path, ...([{ ...init, fetch: event.fetch }] as ArgsOf<'get', P>));
  } catch (e) {
    if (e instanceof ApiFailure) {
      if (e.status === 401) redirect(303, `/login?next=${encodeURIComponent(event.url.pathname + event.url.search)}`);
      error(e.status === 0 ? 503 : e.status, { message: e.message, code: e.code });
    }
    throw e;
  }
}
