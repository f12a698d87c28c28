import { redirect, type Handle, type HandleFetch, type RequestEvent } from '@sveltejs/kit';
import { env } from '$env/dynamic/private';
import type { Me } from '@foyer/schema/validation';
import { api } from '$lib/api';

const isApiPath = (pathname: string) => pathname === '/api' || pathname.startsWith('/api/');

/** The paths a signed-out visitor may see. */
const isPublicPath = (pathname: string) => pathname === '/login' || pathname === '/join' || pathname === '/reset-password' || isBookingFlow(pathname);

/** The public booking flow and enquiry form (C8): for the venue's customers, never behind a staff session. */
const isBookingFlow = (pathname: string) => pathname.startsWith('/book/') || pathname.startsWith('/enquire/');

/**
 * Copies the API's Set-Cookie headers (a refreshed or cleared session) onto the page response.
 * SvelteKit does this itself for its own in-process fetches but not for a response we return.
 */
function forwardSetCookies(event: RequestEvent, response: Response) {
  for (const header of response.headers.getSetCookie()) {
    const [pair = '', ...attributes] = header.split(';');
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const options: Parameters<RequestEvent['cookies']['set']>[2] = { path: '/', encode: (v) => v };
    for (const attribute of attributes) {
      const [rawKey = '', ...rest] = attribute.split('=');
      const key = rawKey.trim().toLowerCase();
      const val = rest.join('=').trim();
      if (key === 'path') options.path = val || '/';
      else if (key === 'domain') options.domain = val;
      else if (key === 'max-age') options.maxAge = Number(val);
      else if (key === 'expires') options.expires = new Date(val);
      else if (key === 'httponly') options.httpOnly = true;
      else if (key === 'secure') options.secure = true;
      else if (key === 'samesite') options.sameSite = val.toLowerCase() as 'lax' | 'strict' | 'none';
    }
    if (!attributes.some((a) => a.trim().toLowerCase() === 'secure')) options.secure = false;
    try {
      event.cookies.set(name, value, options);
    } catch {
      // a header SvelteKit will not re-serialize: the next API call will sort the session out
    }
  }
}

/**
 * SSR calls to `/api/…` go to the API in-process when the Node server has installed
 * `globalThis.__foyerApi`, with the visitor's cookies on them. Without it (e.g. `vite dev`),
 * FOYER_API_ORIGIN names a running server to call instead; otherwise plain fetch.
 */
export const handleFetch: HandleFetch = async ({ event, request, fetch }) => {
  const url = new URL(request.url);
  if (url.origin !== event.url.origin || !isApiPath(url.pathname)) return fetch(request);

  const cookie = event.request.headers.get('cookie');
  if (cookie && !request.headers.has('cookie')) request.headers.set('cookie', cookie);

  const inProcess = globalThis.__foyerApi;
  if (typeof inProcess === 'function') {
    const response = await inProcess(request);
    forwardSetCookies(event, response);
    return response;
  }

  const origin = env.FOYER_API_ORIGIN;
  if (origin) {
    const target = new URL(url.pathname + url.search, origin);
    const response = await globalThis.fetch(new Request(target, request));
    forwardSetCookies(event, response);
    return response;
  }
  return fetch(request);
};

async function loadMe(event: RequestEvent): Promise<Me | null> {
  try {
    return await api.get('/api/auth/me', { fetch: event.fetch });
  } catch {
    return null;
  }
}

export const handle: Handle = async ({ event, resolve }) => {
  const { pathname, search } = event.url;
  // Without an API mounted, /api/* falls through to SvelteKit: answer 404 rather than looping.
  if (isApiPath(pathname)) {
    return new Response(JSON.stringify({ error: { code: 'not_found', message: 'No such API route' } }), {
      status: 404,
      headers: { 'content-type': 'application/json' },
    });
  }

  // The public flows have no use for a staff session: do not look one up for every customer.
  if (isBookingFlow(pathname)) {
    event.locals.me = null;
    return resolve(event);
  }
  event.locals.me = await loadMe(event);

  if (!event.locals.me && !isPublicPath(pathname)) {
    const next = pathname === '/' ? '' : `?next=${encodeURIComponent(pathname + search)}`;
    redirect(303, `/login${next}`);
  }
  if (event.locals.me && pathname === '/login') redirect(303, '/customers');

  return resolve(event);
};
