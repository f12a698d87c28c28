import { sql } from 'drizzle-orm';
import type { CustomerFigures } from '@foyer/schema/validation';
import type { DbOrTx } from '../../platform/db/connect.ts';

/**
 * A1, A2: a customer's figures and lifecycle, computed from their orders, bookings and payments by
 * ONE set-based statement — for a few customers (the outbox subscriber, within a second of a
 * change) or for a whole organization (the nightly job: time alone moves people from Active to
 * At-Risk). Both write the same way, so the two can never disagree.
 *
 * - Purchases (what lifecycle and "last order" count): orders not cancelled, and confirmed bookings.
 * - Total spent: net of refunds, orders and bookings, in the organization's default currency
 *   (money in another currency is left out: there is no exchange rate to count it by).
 * - Average order value: the orders' net spend over their number. Order frequency: mean days
 *   between orders (null before the second). Last contact: the latest of a purchase, a payment, or
 *   a visit, booking, order, payment or enquiry on the timeline.
 * - Lifecycle: Lead without purchases; Churned when the last is more than Y days ago, At-Risk more
 *   than X; otherwise Active — unless they came back after a gap longer than Y and have not yet
 *   made the re-activation rule's number of purchases since (At-Risk until they do).
 *
 * The customer row's list columns (lifecycle_stage, total_spent_cents, clv_cents = historical CLV,
 * last_order_at, last_active_at) are written only where they changed; the ids of the customers
 * whose figures changed are returned (the subscriber tells open profiles).
 */
export async function recomputeFigures(
  db: DbOrTx,
  orgId: string,
  customerIds: string[] | null,
  now = new Date(),
  /** A contact the timeline may not show yet (a visit whose entry another subscriber is still writing). */
  contactAt: Date | null = null,
): Promise<string[]> {
  if (customerIds?.length === 0) return [];
  // One array parameter (drizzle would spread a JS array into a list of parameters).
  const ids = customerIds && `{${customerIds.join(',')}}`;
  const only = ids === null ? sql`true` : sql`c.id = any(${ids}::uuid[])`;
  const ofTargets = (alias: string) => (ids === null ? sql`true` : sql`${sql.raw(alias)}.customer_id = any(${ids}::uuid[])`);
  const { rows } = await db.execute<{ id: string }>(sql`
    with s as (
      select default_currency as cur, lifecycle_at_risk_days as x, lifecycle_churned_days as y, lifecycle_reactivation_orders as r
        from organizations where id = ${orgId}
    ),
    target as (select c.id from customers c where c.org_id = ${orgId} and (${only})),
    o as (
      select o.customer_id, count(*)::int as n, min(o.placed_at) as first_at, max(o.placed_at) as last_at,
             coalesce(sum(o.paid_cents - o.refunded_cents) filter (where o.currency = s.cur), 0)::bigint as net
        from orders o, s where o.org_id = ${orgId} and o.status <> 'cancelled' and ${ofTargets('o')}
       group by o.customer_id
    ),
    b as (
      select b.customer_id, count(*)::int as n from bookings b
       where b.org_id = ${orgId} and b.status = 'confirmed' and ${ofTargets('b')} group by b.customer_id
    ),
    pay as (
      select p.customer_id, max(p.created_at) as last_at,
             coalesce(sum(case p.kind when 'payment' then p.amount_cents else -p.amount_cents end)
                      filter (where p.booking_id is not null and p.currency = s.cur and p.status = 'succeeded'), 0)::bigint as booking_net
        from payments p, s where p.org_id = ${orgId} and ${ofTargets('p')} group by p.customer_id
    ),
    purchase as (
      select o.customer_id, o.placed_at as at from orders o where o.org_id = ${orgId} and o.status <> 'cancelled' and ${ofTargets('o')}
      union all
      select b.customer_id, b.created_at from bookings b where b.org_id = ${orgId} and b.status = 'confirmed' and ${ofTargets('b')}
    ),
    gap as (
      select customer_id, at, at - lag(at) over (partition by customer_id order by at) as gap from purchase
    ),
    pur as (
      select g.customer_id, max(g.at) as last_at,
             max(g.at) filter (where g.gap > make_interval(days => s.y)) as back_at
        from gap g, s group by g.customer_id
    ),
    pur2 as (
      select pur.*, (select count(*) from purchase p where p.customer_id = pur.customer_id and p.at >= pur.back_at)::int as since_back
        from pur
    ),
    contact as (
      select a.customer_id, max(a.occurred_at) as last_at from activities a
       where a.org_id = ${orgId} and a.category in ('visit', 'booking', 'order', 'payment', 'enquiry') and ${ofTargets('a')}
       group by a.customer_id
    ),
    f as (
      select t.id as customer_id, s.cur,
             coalesce(o.n, 0) as total_orders, coalesce(b.n, 0) as total_bookings,
             (coalesce(o.net, 0) + coalesce(pay.booking_net, 0))::bigint as total_spent,
             case when o.n > 0 then round(o.net::numeric / o.n)::bigint end as average_order,
             case when o.n > 1 then round((extract(epoch from o.last_at - o.first_at) / 86400 / (o.n - 1))::numeric, 2) end as frequency,
             o.first_at, pur2.last_at as last_purchase_at,
             nullif(greatest(pur2.last_at, pay.last_at, contact.last_at, ${contactAt}::timestamptz, '-infinity'::timestamptz), '-infinity'::timestamptz) as last_contact_at,
             (case
               when pur2.last_at is null then 'lead'
               when pur2.last_at < ${now}::timestamptz - make_interval(days => s.y) then 'churned'
               when pur2.last_at < ${now}::timestamptz - make_interval(days => s.x) then 'at_risk'
               when pur2.back_at is not null and pur2.since_back < s.r then 'at_risk'
               else 'active' end)::lifecycle_stage as stage
        from target t cross join s
        left join o on o.customer_id = t.id
        left join b on b.customer_id = t.id
        left join pay on pay.customer_id = t.id
        left join pur2 on pur2.customer_id = t.id
        left join contact on contact.customer_id = t.id
    ),
    kept as (
      insert into customer_figures as cf (customer_id, org_id, currency, total_orders, total_bookings, total_spent_cents, average_order_cents,
                                           order_frequency_days, first_order_at, last_order_at, last_contact_at, computed_at)
      select f.customer_id, ${orgId}, f.cur, f.total_orders, f.total_bookings, f.total_spent, f.average_order, f.frequency, f.first_at,
             f.last_purchase_at, f.last_contact_at, ${now}::timestamptz
        from f
       -- A lead with nothing at all needs no row (a million new customers would otherwise get one each).
       where f.total_orders > 0 or f.total_bookings > 0 or f.last_contact_at is not null
          or exists (select 1 from customer_figures x where x.customer_id = f.customer_id)
      on conflict (customer_id) do update set
        currency = excluded.currency, total_orders = excluded.total_orders, total_bookings = excluded.total_bookings,
        total_spent_cents = excluded.total_spent_cents, average_order_cents = excluded.average_order_cents,
        order_frequency_days = excluded.order_frequency_days, first_order_at = excluded.first_order_at,
        last_order_at = excluded.last_order_at, last_contact_at = excluded.last_contact_at, computed_at = excluded.computed_at
      returning cf.customer_id
    ),
    listed as (
      update customers c set lifecycle_stage = f.stage, total_spent_cents = f.total_spent, clv_cents = f.total_spent,
             last_order_at = f.last_purchase_at, last_active_at = f.last_contact_at
        from f
       where c.id = f.customer_id and c.org_id = ${orgId}
         and (c.lifecycle_stage, c.total_spent_cents, c.clv_cents, c.last_order_at, c.last_active_at)
             is distinct from (f.stage, f.total_spent, f.total_spent, f.last_purchase_at, f.last_contact_at)
      returning c.id
    )
    select id from listed`);
  return rows.map((r) => r.id);
}

type FiguresRow = {
  currency: string | null;
  default_currency: string;
  total_orders: number | null;
  total_bookings: number | null;
  total_spent_cents: string | number | null;
  average_order_cents: string | number | null;
  order_frequency_days: string | number | null;
  first_order_at: Date | string | null;
  last_order_at: Date | string | null;
  last_contact_at: Date | string | null;
  computed_at: Date | string | null;
  lifecycle_stage: CustomerFigures['lifecycleStage'];
};

const isoOf = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());
const numOf = (v: string | number | null) => (v === null ? null : Number(v));

/** A customer's figures as stored (a customer without a row yet: a lead with zeros). */
export async function readFigures(db: DbOrTx, orgId: string, customerId: string): Promise<CustomerFigures | undefined> {
  const { rows } = await db.execute<FiguresRow>(sql`
    select o.default_currency, c.lifecycle_stage, f.currency, f.total_orders, f.total_bookings, f.total_spent_cents, f.average_order_cents,
           f.order_frequency_days, f.first_order_at, f.last_order_at, f.last_contact_at, f.computed_at
      from customers c join organizations o on o.id = c.org_id
      left join customer_figures f on f.customer_id = c.id
     where c.org_id = ${orgId} and c.id = ${customerId}`);
  const r = rows[0];
  if (!r) return undefined;
  const spent = numOf(r.total_spent_cents) ?? 0;
  return {
    currency: r.currency ?? r.default_currency,
    totalOrders: r.total_orders ?? 0,
    totalBookings: r.total_bookings ?? 0,
    totalSpentCents: spent,
    averageOrderCents: numOf(r.average_order_cents),
    orderFrequencyDays: numOf(r.order_frequency_days),
    firstOrderAt: isoOf(r.first_order_at),
    lastOrderAt: isoOf(r.last_order_at),
    lastContactAt: isoOf(r.last_contact_at),
    historicalClvCents: spent,
    lifecycleStage: r.lifecycle_stage,
    computedAt: isoOf(r.computed_at),
  };
}
