import type pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import * as tables from '@foyer/schema/tables';
import type { DbOrTx } from '../../platform/db/connect.ts';
import { recomputeFigures } from './figures.ts';

/**
 * `pnpm foyer seed` (issue 13): order histories for the organization's customers that have none,
 * written set-based in one transaction, so the demo shows real figures and every lifecycle stage.
 * Customers differ in how often they buy (weekly to quarterly, from their first visit), how much
 * (a coffee to a dinner for four), where (the till, the desk, online), and whether they stopped
 * (a third stop at some point: they become At-Risk, then Churned); a quarter never buy (Leads).
 * Each order has a line, is paid in full, and a few were partly refunded. Then every figure is
 * computed (figures.ts). No timeline entries: the history is seeded, not lived.
 */
export async function seedOrders(pool: pg.Pool, orgId: string, opts: { seed?: number } = {}): Promise<{ orders: number; customers: number }> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    if (opts.seed !== undefined) await client.query('select setseed($1)', [((opts.seed % 1000) / 1000) * 2 - 1]);
    const { rows } = await client.query<{ orders: string; customers: string }>(
      `
      with buyer as (
        select c.id, c.created_at,
               random() as never, random() as pace, random() as size, random() as stops, random() as stop_at
          from customers c
         where c.org_id = $1 and c.erased_at is null
           and not exists (select 1 from orders o where o.customer_id = c.id)
      ),
      profile as (
        select id, created_at,
               (array[7, 14, 30, 60, 120])[1 + floor(pace * 5)::int] as gap_days,
               (array[450, 1800, 4200, 9500, 24000])[1 + floor(size * 5)::int] as spend,
               case when stops < 0.35 then created_at + (now() - created_at) * stop_at else now() end as until
          from buyer where never >= 0.25
      ),
      wanted as (
        select p.id as customer_id, p.spend,
               p.created_at + make_interval(days => k * p.gap_days) + make_interval(secs => floor(random() * p.gap_days * 43200)::int) as placed_at,
               random() as r
          from profile p,
               generate_series(0, least(80, floor(extract(epoch from (p.until - p.created_at)) / 86400 / p.gap_days)::int)) as k
      ),
      priced as (
        select customer_id, placed_at, r,
               (greatest(1, round(spend * (0.5 + r) / 50)) * 50)::bigint as total,
               (array['pos', 'pos', 'desk', 'online'])[1 + floor(r * 4)::int]::order_channel as channel,
               (array['Afternoon tea', 'Dinner for two', 'Coffee and cake', 'Spa day', 'Sunday lunch', 'Cocktails', 'Room service', 'Brunch'])[1 + floor(random() * 8)::int] as item
          from wanted where placed_at <= now()
      ),
      placed as (
        insert into orders (org_id, customer_id, channel, status, currency, subtotal_cents, tax_cents, total_cents, paid_cents, refunded_cents, placed_at, created_at)
        select $1, customer_id, channel,
               case when r > 0.97 then 'part_refunded'::order_status else 'paid'::order_status end,
               (select default_currency from organizations where id = $1), total, 0, total, total,
               case when r > 0.97 then total / 4 else 0 end, placed_at, placed_at
          from priced
        returning id, customer_id, total_cents, refunded_cents, currency, placed_at
      ),
      lines as (
        insert into order_lines (org_id, order_id, position, name, quantity, unit_price_cents, tax_rate_bp, tax_cents, total_cents)
        select $1, p.id, 0, pr.item, 1, p.total_cents, 0, 0, p.total_cents
          from placed p join priced pr on pr.customer_id = p.customer_id and pr.placed_at = p.placed_at
        returning order_id
      ),
      paid as (
        insert into payments (org_id, customer_id, order_id, kind, method, amount_cents, currency, created_at)
        select $1, customer_id, id, 'payment'::payment_kind, (array['card', 'card', 'cash', 'online']::payment_method[])[1 + floor(random() * 4)::int], total_cents, currency, placed_at
          from placed
        union all
        select $1, customer_id, id, 'refund'::payment_kind, 'card'::payment_method, refunded_cents, currency, placed_at + interval '1 day' from placed where refunded_cents > 0
        returning id
      )
      select (select count(*) from placed) as orders, (select count(distinct customer_id) from placed) as customers,
             (select count(*) from lines) as lines, (select count(*) from paid) as payments`,
      [orgId],
    );
    const db = drizzle(client, { schema: tables }) as unknown as DbOrTx;
    await recomputeFigures(db, orgId, null);
    await client.query('commit');
    return { orders: Number(rows[0]!.orders), customers: Number(rows[0]!.customers) };
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
}
