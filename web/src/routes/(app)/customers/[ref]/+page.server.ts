import type { Company, Customer, CustomerBookings, CustomField, SettingsSchema, Tag } from '@foyer/schema/validation';
import { api, listActivities, listCredentials, listDoors, listPermissions } from '$lib/api';
import { ACTIVITY_PAGE_SIZE } from '$lib/components/doors/doors';
import type { HistoryEntry } from '$lib/history';
import { apiGet } from '$lib/server/api';
import type { PageServerLoad } from './$types';

type Settings = ReturnType<typeof SettingsSchema.parse>;

/** A side panel's data: the profile still works when it cannot be read (null). */
const optional = <T>(promise: Promise<T>): Promise<T | null> => promise.then((v) => v, () => null);

export const load: PageServerLoad = async ({ fetch, params, url, depends }) => {
  depends('foyer:customer');
  const ref = encodeURIComponent(params.ref);
  const [customer, history, tags, fields, settings, permissions, credentials, doors, activity, bookings] = await Promise.all([
    apiGet<Customer>(fetch, `/api/customers/${ref}`, url),
    optional(api<{ items: HistoryEntry[] }>(`/api/customers/${ref}/history`, { fetch })).then((h) => h?.items ?? null),
    optional(api<{ items: Tag[] }>('/api/tags', { fetch })).then((t) => t?.items ?? null),
    optional(api<{ items: CustomField[] }>('/api/custom-fields', { fetch })).then((f) => f?.items ?? null),
    optional(api<Settings>('/api/settings', { fetch })),
    // Door access (Da1), credentials (R2, M3) and the timeline (Ac1).
    optional(listPermissions(params.ref, fetch)).then((p) => p?.items ?? null),
    optional(listCredentials(params.ref, fetch)).then((c) => c?.items ?? null),
    optional(listDoors(fetch)).then((d) => d?.items ?? null),
    optional(listActivities(params.ref, 1, ACTIVITY_PAGE_SIZE, fetch)),
    // C8: bookings, upcoming and past.
    optional(api<CustomerBookings>(`/api/customers/${ref}/bookings`, { fetch })),
  ]);
  // Which domain made each domain link: the company's domains (usually one or two companies).
  const byDomain = (customer.companies ?? []).filter((c) => c.linkedBy === 'domain');
  const companies = await Promise.all(byDomain.map((c) => optional(api<Company>(`/api/companies/${c.id}`, { fetch }))));
  const companyDomains: Record<string, string[]> = {};
  for (const c of companies) if (c) companyDomains[c.id] = c.domains;

  return { customer, history, tags, fields, settings, companyDomains, permissions, credentials, doors, activity, bookings };
};
