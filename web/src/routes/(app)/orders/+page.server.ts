import { apiGet } from '$lib/server/api';
import { orderStatuses, type OrderStatus } from '@foyer/schema/validation';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  event.depends('foyer:orders');
  const raw = event.url.searchParams.get('status');
  const status = orderStatuses.includes(raw as OrderStatus) ? (raw as OrderStatus) : undefined;
  const cursor = event.url.searchParams.get('cursor') ?? undefined;
  const page = await apiGet(event, '/api/orders', { query: { status, cursor, limit: 25 } });
  return { page, status: status ?? null };
};
