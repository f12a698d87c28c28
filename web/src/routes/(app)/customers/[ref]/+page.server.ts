import { api } from '$lib/api';
import { ACTIVITY_PAGE_SIZE } from '$lib/components/doors/doors';
import { apiGet } from '$lib/server/api';
import type { PageServerLoad } from './$types';

/** A side panel's data: the profile still works when it cannot be read (null). */
const optional = <T>(promise: Promise<T>): Promise<T | null> =>
  promise.then(
    (v) => v,
    () => null,
  );

export const load: PageServerLoad = async (event) => {
  const { fetch, params } = event;
  event.depends('foyer:customer');
  const path = { ref: params.ref };
  const [customer, history, tags, fields, settings, permissions, credentials, doors, activity, bookings, orders, enquiries] = await Promise.all([
    apiGet(event, '/api/customers/{ref}', { path }),
    optional(api.get('/api/customers/{ref}/history', { path, fetch })).then((h) => h?.items ?? null),
    optional(api.get('/api/tags', { fetch })).then((t) => t?.items ?? null),
    optional(api.get('/api/custom-fields', { fetch })).then((f) => f?.items ?? null),
    optional(api.get('/api/settings', { fetch })),
    // Door access (Da1), credentials (R2, M3) and the timeline (Ac1).
    optional(api.get('/api/customers/{ref}/door-permissions', { path, fetch })).then((p) => p?.items ?? null),
    optional(api.get('/api/customers/{ref}/credentials', { path, fetch })).then((c) => c?.items ?? null),
    optional(api.get('/api/doors', { fetch })).then((d) => d?.items ?? null),
    optional(api.get('/api/customers/{ref}/activities', { path, query: { page: 1, pageSize: ACTIVITY_PAGE_SIZE }, fetch })),
    // C8: bookings, upcoming and past.
    optional(api.get('/api/customers/{ref}/bookings', { path, fetch })),
    // Ac2, A2: orders and the customer's figures.
    optional(api.get('/api/customers/{ref}/orders', { path, fetch })),
    // C8: their enquiries (null for a role without enquiries.view).
    optional(api.get('/api/enquiries', { query: { customer: params.ref, pageSize: 20 }, fetch })),
  ]);
  // Which domain made each domain link: the company's domains (usually one or two companies).
  const byDomain = (customer.companies ?? []).filter((c) => c.linkedBy === 'domain');
  const companies = await Promise.all(byDomain.map((c) => optional(api.get('/api/companies/{id}', { path: { id: c.id }, fetch }))));
  const companyDomains: Record<string, string[]> = {};
  for (const c of companies) if (c) companyDomains[c.id] = c.domains;

  return { customer, history, tags, fields, settings, companyDomains, permissions, credentials, doors, activity, bookings, orders, enquiries };
};
