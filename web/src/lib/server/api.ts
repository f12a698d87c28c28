import { error, redirect } from '@sveltejs/kit';
import { ApiFailure, api } from '$lib/api';

/**
 * A GET from a server load function through `event.fetch` (answered in-process by the API, see
 * hooks.server.ts). A 401 sends the user to sign in again; other failures become SvelteKit errors.
 */
export async function apiGet<T>(fetch: typeof globalThis.fetch, path: string, url: URL): Promise<T> {
  try {
    return await api<T>(path, { fetch });
  } catch (e) {
    if (e instanceof ApiFailure) {
      if (e.status === 401) redirect(303, `/login?next=${encodeURIComponent(url.pathname + url.search)}`);
      error(e.status === 0 ? 503 : e.status, { message: e.message, code: e.code });
    }
    throw e;
  }
}
