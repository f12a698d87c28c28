import { sql } from 'drizzle-orm';
import { toSystemId, type Order, type OrderStatus, type Payment } from '@foyer/schema/validation';
import type { DbOrTx } from '../../platform/db/connect.ts';

type OrderRow = {
  id: string;
  customer_id: string;
  customer_number: string;
  first_name: string | null;
  last_name: string | null;
  primary_email: string | null;
  channel: Order['channel'];
  external_id: string | null;
  status: OrderStatus;
  currency: string;
  subtotal_cents: string;
  tax_cents: string;
  total_cents: string;
  paid_cents: string;
  refunded_cents: string;
  note: string | null;
  placed_at: Date;
  created_at: Date;
  cancelled_at: Date | null;
};
type LineRow = {
  order_id: string;
  service_id: string | null;
  name: string;
  quantity: number;
  unit_price_cents: string;
  tax_rate_bp: number;
  tax_cents: string;
  total_cents: string;
};
type PaymentRow = {
  id: string;
  order_id: string | null;
  booking_id: string | null;
  kind: Payment['kind'];
  method: Payment['method'];
  status: Payment['status'];
  amount_cents: string;
  currency: string;
  reason: string | null;
  created_by: string | null;
  created_by_name: string | null;
  created_at: Date;
};

const iso = (d: Date | string) => new Date(d).toISOString();
const uuidArray = (ids: string[]) => `{${ids.join(',')}}`;

export function toPaymentDto(p: PaymentRow): Payment {
  return {
    id: p.id,
    kind: p.kind,
    method: p.method,
    status: p.status,
    amountCents: Number(p.amount_cents),
    currency: p.currency,
    orderId: p.order_id,
    bookingId: p.booking_id,
    reason: p.reason,
    createdBy: p.created_by ? { userId: p.created_by, name: p.created_by_name ?? 'A colleague' } : null,
    createdAt: iso(p.created_at),
  };
}

const paymentColumns = sql`p.id, p.order_id, p.booking_id, p.kind, p.method, p.status, p.amount_cents, p.currency, p.reason, p.created_by,
  u.name as created_by_name, p.created_at`;

export async function paymentsByIds(db: DbOrTx, orgId: string, ids: string[]): Promise<Payment[]> {
  if (!ids.length) return [];
  const { rows } = await db.execute<PaymentRow>(sql`
    select ${paymentColumns} from payments p left join users u on u.id = p.created_by
     where p.org_id = ${orgId} and p.id = any(${uuidArray(ids)}::uuid[]) order by p.created_at, p.id`);
  return rows.map(toPaymentDto);
}

/** Whole orders (lines and payments), in the order of `ids`. */
export async function loadOrders(db: DbOrTx, orgId: string, ids: string[]): Promise<Order[]> {
  if (!ids.length) return [];
  const list = uuidArray(ids);
  const [orders, lines, payments] = await Promise.all([
    db.execute<OrderRow>(sql`
      select o.*, c.customer_number, c.first_name, c.last_name, c.primary_email
        from orders o join customers c on c.id = o.customer_id
       where o.org_id = ${orgId} and o.id = any(${list}::uuid[])`),
    db.execute<LineRow>(sql`select * from order_lines where org_id = ${orgId} and order_id = any(${list}::uuid[]) order by order_id, position`),
    db.execute<PaymentRow>(sql`
      select ${paymentColumns} from payments p left join users u on u.id = p.created_by
       where p.org_id = ${orgId} and p.order_id = any(${list}::uuid[]) order by p.created_at, p.id`),
  ]);
  const byId = new Map(orders.rows.map((o) => [o.id, o]));
  return ids.flatMap((id) => {
    const o = byId.get(id);
    if (!o) return [];
    const total = Number(o.total_cents);
    const name = [o.first_name, o.last_name].filter(Boolean).join(' ') || o.primary_email || o.customer_number;
    return [
      {
        id: o.id,
        customer: { id: toSystemId(o.customer_id), customerNumber: o.customer_number, name },
        channel: o.channel,
        externalId: o.external_id,
        status: o.status,
        currency: o.currency,
        subtotalCents: Number(o.subtotal_cents),
        taxCents: Number(o.tax_cents),
        totalCents: total,
        paidCents: Number(o.paid_cents),
        refundedCents: Number(o.refunded_cents),
        // A refund gives money back; it does not make the customer owe it again.
        outstandingCents: o.status === 'cancelled' ? 0 : Math.max(0, total - Number(o.paid_cents)),
        note: o.note,
        placedAt: iso(o.placed_at),
        createdAt: iso(o.created_at),
        cancelledAt: o.cancelled_at ? iso(o.cancelled_at) : null,
        lines: lines.rows
          .filter((l) => l.order_id === id)
          .map((l) => ({
            serviceId: l.service_id,
            name: l.name,
            quantity: l.quantity,
            unitPriceCents: Number(l.unit_price_cents),
            taxRateBp: l.tax_rate_bp,
            taxCents: Number(l.tax_cents),
            totalCents: Number(l.total_cents),
          })),
        payments: payments.rows.filter((p) => p.order_id === id).map(toPaymentDto),
      },
    ];
  });
}

export async function orderIdByExternal(db: DbOrTx, orgId: string, channel: string, externalId: string): Promise<string | undefined> {
  const { rows } = await db.execute<{ id: string }>(
    sql`select id from orders where org_id = ${orgId} and channel = ${channel} and external_id = ${externalId}`,
  );
  return rows[0]?.id;
}

/** A page of the organization's orders, newest first, after the cursor's (placed_at, id). */
export async function pageOfOrderIds(
  db: DbOrTx,
  orgId: string,
  q: { status?: string; channel?: string; customerId?: string; after?: { placedAt: string; id: string }; limit: number },
): Promise<string[]> {
  const { rows } = await db.execute<{ id: string }>(sql`
    select id from orders
     where org_id = ${orgId}
       ${q.status ? sql`and status = ${q.status}` : sql``}
       ${q.channel ? sql`and channel = ${q.channel}` : sql``}
       ${q.customerId ? sql`and customer_id = ${q.customerId}` : sql``}
       ${q.after ? sql`and (placed_at, id) < (${q.after.placedAt}::timestamptz, ${q.after.id}::uuid)` : sql``}
     order by placed_at desc, id desc limit ${q.limit}`);
  return rows.map((r) => r.id);
}

/** The order, locked for the rest of the transaction (payments and refunds are decided one at a time). */
export async function lockOrder(tx: DbOrTx, orgId: string, id: string) {
  const { rows } = await tx.execute<{
    id: string;
    customer_id: string;
    status: OrderStatus;
    currency: string;
    total_cents: string;
    paid_cents: string;
    refunded_cents: string;
  }>(sql`select id, customer_id, status, currency, total_cents, paid_cents, refunded_cents from orders where org_id = ${orgId} and id = ${id} for update`);
  const r = rows[0];
  return r && { ...r, total: Number(r.total_cents), paid: Number(r.paid_cents), refunded: Number(r.refunded_cents) };
}

/** The booking, locked, with what has been paid and refunded on it. */
export async function lockBooking(tx: DbOrTx, orgId: string, id: string) {
  const { rows } = await tx.execute<{ id: string; customer_id: string; status: string; currency: string; price_cents: number }>(
    sql`select id, customer_id, status, currency, price_cents from bookings where org_id = ${orgId} and id = ${id} for update`,
  );
  const r = rows[0];
  if (!r) return undefined;
  const { rows: sums } = await tx.execute<{ paid: string; refunded: string }>(sql`
    select coalesce(sum(amount_cents) filter (where kind = 'payment'), 0) as paid, coalesce(sum(amount_cents) filter (where kind = 'refund'), 0) as refunded
      from payments where booking_id = ${id} and status = 'succeeded'`);
  return { ...r, total: r.price_cents, paid: Number(sums[0]!.paid), refunded: Number(sums[0]!.refunded) };
}

/** What an order's money says its status is (a cancelled one stays cancelled). */
export function statusOf(o: { status: OrderStatus; total: number; paid: number; refunded: number }): OrderStatus {
  if (o.status === 'cancelled') return 'cancelled';
  if (o.refunded > 0) return o.refunded >= o.paid ? 'refunded' : 'part_refunded';
  return o.paid >= o.total ? 'paid' : 'open';
}
