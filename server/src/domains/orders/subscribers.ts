import { sql } from 'drizzle-orm';
import type { Services } from '../../platform/domain.ts';
import { enqueue } from '../../platform/jobs.ts';
import { localSubscriber, subscriber, writeEvent, type OutboxEvent, type Subscriber, type Tx } from '../../platform/outbox.ts';
import { recomputeFigures } from './figures.ts';
import { recomputeOrgJob } from './jobs.ts';

/** Settings whose change alters every customer's figures. */
const FIGURE_SETTINGS = new Set(['defaultCurrency', 'lifecycleAtRiskDays', 'lifecycleChurnedDays', 'lifecycleReactivationOrders']);

/**
 * A2: keeps each customer's figures current within a second of a change. Every event that moves
 * money or a purchase names a customer; their figures are computed again (one statement, see
 * figures.ts) under a per-customer lock, so two deliveries for one customer at once cannot write
 * an older picture over a newer one. When something changed, `figures.changed` tells the staff
 * who have the profile open.
 */
export function orderSubscribers(services: Services): Subscriber[] {
  return [
    subscriber({
      id: 'figures.customers', // stable: deliveries are keyed by it
      on: ['order.placed', 'order.cancelled', 'payment.received', 'refund.issued', 'booking.confirmed', 'booking.cancelled', 'customer.merged'],
      handle: async (event, tx) => {
        const customerId = await customerOf(tx, event);
        if (customerId) await refresh(tx, event.orgId, customerId);
      },
    }),
    // A visit at the door is a contact, not a purchase: last contact moves.
    subscriber({
      id: 'figures.visits',
      on: ['door.visited'],
      handle: async (event, tx) => {
        const { rows } = await tx.execute<{ customer_id: string | null; occurred_at: string }>(
          sql`select customer_id, occurred_at from door_events where id = ${event.payload.doorEventId} and org_id = ${event.orgId}
               and kind = 'access' and result = 'granted'`,
        );
        const visit = rows[0];
        if (visit?.customer_id) await refresh(tx, event.orgId, visit.customer_id, new Date(visit.occurred_at));
      },
    }),
    subscriber({
      id: 'figures.settings',
      on: ['settings.changed'],
      handle: async (event, tx) => {
        if (!event.payload.fields.some((f) => FIGURE_SETTINGS.has(f))) return;
        await enqueue(tx, recomputeOrgJob, { orgId: event.orgId, payload: { reason: 'settings' }, idempotencyKey: `settings:${event.id}` });
      },
    }),
    localSubscriber({
      id: 'figures.live',
      on: ['figures.changed'],
      handle: (event) => services.orders.pushFigures(event.orgId, event.payload.customerId),
    }),
  ];
}

async function refresh(tx: Tx, orgId: string, customerId: string, contactAt: Date | null = null) {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`figures:${customerId}`}, 0))`);
  const changed = await recomputeFigures(tx, orgId, [customerId], new Date(), contactAt);
  // Figures that did not change the list's columns may still have changed (a count, a date): tell the profile anyway.
  await writeEvent(tx, { orgId, name: 'figures.changed', payload: { customerId: changed[0] ?? customerId } });
}

async function customerOf(tx: Tx, event: OutboxEvent): Promise<string | undefined> {
  const one = async (query: ReturnType<typeof sql>) => (await tx.execute<{ customer_id: string }>(query)).rows[0]?.customer_id;
  switch (event.name) {
    case 'order.placed':
    case 'order.cancelled':
      return one(sql`select customer_id from orders where id = ${event.payload.orderId}`);
    case 'payment.received':
    case 'refund.issued':
      // A payment taken with its order (the same transaction: the same now()) was counted by order.placed's recompute.
      return one(sql`
        select p.customer_id from payments p left join orders o on o.id = p.order_id
         where p.id = ${event.payload.paymentId} and (o.id is null or p.created_at <> o.created_at)`);
    case 'booking.confirmed':
    case 'booking.cancelled':
      return one(sql`select customer_id from bookings where id = ${event.payload.bookingId}`);
    case 'customer.merged':
      return event.payload.intoId;
    default:
      return undefined;
  }
}
