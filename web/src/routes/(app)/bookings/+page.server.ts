import { apiGet } from '$lib/server/api';
import type { PageServerLoad } from './$types';

/** C8: the day view of `?date=YYYY-MM-DD` (the venue's today without one). */
export const load: PageServerLoad = async (event) => {
  event.depends('foyer:bookings-day');
  const date = event.url.searchParams.get('date');
  const day = await apiGet(event, '/api/bookings/day', { query: /^\d{4}-\d{2}-\d{2}$/.test(date ?? '') ? { date: date! } : {} });
  return { day };
};
