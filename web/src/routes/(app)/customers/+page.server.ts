import { error, redirect } from '@sveltejs/kit';
import { parseCustomerQuery, type QueryIssue } from '@foyer/schema/validation';
import { ApiFailure, api, type ResponseOf } from '$lib/api';
import { changeView, readView, viewHref } from '$lib/query';
import type { PageServerLoad } from './$types';

/** A list the page can live without (its filter or menu then stays empty): never fails the page. */
const optional = <T>(promise: Promise<{ items: T[] }>): Promise<T[]> =>
  promise.then(
    (r) => r.items,
    () => [],
  );

export type ViewProblem = { message: string; issues: QueryIssue[] };

/**
 * The list's URL query is the API's list query (docs/directory-api.md): it goes to GET
 * /api/customers as it is. A query the API refuses is shown as a problem with the view, with a way
 * back, rather than as a crashed page.
 */
export const load: PageServerLoad = async ({ fetch, url, depends }) => {
  depends('foyer:customers');

  const lookups = Promise.all([
    optional(api.get('/api/tags', { fetch })),
    optional(api.get('/api/companies', { fetch })),
    optional(api.get('/api/custom-fields', { fetch })),
    optional(api.get('/api/segments', { fetch })),
  ]);

  let list: ResponseOf<'get', '/api/customers'> | null = null;
  let problem: ViewProblem | null = null;
  // The shared schema catches most mistakes before a round trip; custom fields only the API knows.
  const checked = parseCustomerQuery(url.searchParams);
  if (!checked.ok) {
    problem = { message: 'This address asks for a view the customer list does not understand.', issues: checked.issues };
  } else {
    try {
      list = await api.get('/api/customers', { search: url.search, fetch });
    } catch (e) {
      if (!(e instanceof ApiFailure)) throw e;
      if (e.status === 401) redirect(303, `/login?next=${encodeURIComponent(url.pathname + url.search)}`);
      if (e.status !== 400) error(e.status === 0 ? 503 : e.status, { message: e.message, code: e.code });
      problem = { message: e.message, issues: e.issues };
    }
  }

  // Past the last page (rows deleted, a stale link): the last page that has rows.
  if (list && checked.ok && list.items.length === 0 && list.total > 0 && checked.query.page > 1) {
    const view = readView(url.searchParams);
    const last = Math.max(1, Math.ceil(list.total / view.pageSize));
    if (last < checked.query.page) redirect(303, viewHref(changeView(view, { page: last })));
  }

  const [tags, companies, customFields, segments] = await lookups;
  return { list, problem, tags, companies, customFields, segments };
};
