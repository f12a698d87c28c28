import { sql } from 'drizzle-orm';
import { bookings } from '@foyer/schema/tables';
import { countOf, deleteOf, moveAll, type CustomerDataContributor } from '../../platform/customer-data.ts';

/** Confirmed and not over yet: the places it holds free up when it goes. */
const upcoming = sql`status = 'confirmed' and ends_at > now()`;

/** C8: bookings are transactions: erasure keeps them (anonymous with the customer row); delete takes them. */
export const customerData: CustomerDataContributor = {
  tables: [bookings],
  async impact(ctx, id) {
    const coming = await countOf(ctx, bookings, id, upcoming);
    return [
      { what: 'upcoming confirmed bookings (their places free up)', count: coming },
      { what: 'past and cancelled bookings', count: (await countOf(ctx, bookings, id)) - coming },
    ];
  },
  erase: async () => {},
  delete: (ctx, id) => deleteOf(ctx, bookings, id),
  /** Every booking of both; two in one slot stay two (their places were counted already). */
  merge: (ctx, from, into) => moveAll(ctx, bookings, from, into),
};
