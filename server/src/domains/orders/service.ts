import { and, eq, inArray } from 'drizzle-orm';
import { orderLines, orders, payments, services } from '@foyer/schema/tables';
import {
  fromSystemId,
  toSystemId,
  normalizePhone,
  type CustomerOrders,
  type FieldIssue,
  type Order,
  type OrderCreateParsed,
  type OrderPage,
  type Payment,
  type PaymentCreate,
  type RefundCreate,
} from '@foyer/schema/validation';
import type { z } from 'zod';
import type { OrderListQuerySchema } from '@foyer/schema/validation';
import type { Db } from '../../platform/db/connect.ts';
import { AppError, invalid, notFound, uniqueViolation } from '../../platform/errors.ts';
import { writeEvent, type Tx } from '../../platform/outbox.ts';
import type { Actor, CustomerService } from '../customers/service.ts';
import { matchCustomer, customerStatusOf } from '../bookings/repository.ts';
import { findSettings } from '../organizations/settings-repository.ts';
import { readFigures } from './figures.ts';
import { emitToLocalRoom } from '../../platform/realtime/local-fanout.ts';
import type { StaffNamespace } from '../../platform/realtime/io.ts';
import { profileRoom } from '../presence/profile-viewers.ts';
import * as repo from './repository.ts';

const badField = (field: string, message: string, issues: FieldIssue[] = [{ field, message }]) => invalid(message, issues);
const money = (cents: number, currency: string) => `${(cents / 100).toFixed(2)} ${currency}`;

export type OrderResult = { order: Order; created: boolean };

/** Ac2, C8: orders with their lines, payments and refunds (for orders and bookings). */
export class OrderService {
  #staff: StaffNamespace | undefined;

  constructor(
    readonly db: Db,
    private readonly customers: CustomerService,
  ) {}

  attach(staff: StaffNamespace) {
    this.#staff = staff;
  }

  /** A2: the customer's figures to the staff of this node with their profile open (read only when someone is). */
  async pushFigures(orgId: string, customerId: string) {
    const room = profileRoom(orgId, toSystemId(customerId));
    if (!this.#staff?.adapter.rooms.get(room)?.size) return;
    const figures = await readFigures(this.db, orgId, customerId);
    if (figures) emitToLocalRoom(this.#staff, room, 'figures:changed', { customerId: toSystemId(customerId), figures });
  }

  /**
   * Records an order. Everything that can be refused is checked before anything is written
   * (currency, lines, the payment, the customer), so a refusal leaves nothing behind. An order
   * with an external id already recorded for its channel answers that order (`created: false`):
   * a till that sends again does not double it, even when both copies arrive at once (the unique
   * index decides, and the loser reads the winner).
   */
  async create(actor: Actor, input: OrderCreateParsed): Promise<OrderResult> {
    const { orgId } = actor;
    if (input.externalId) {
      const existing = await repo.orderIdByExternal(this.db, orgId, input.channel, input.externalId);
      if (existing) return { order: (await repo.loadOrders(this.db, orgId, [existing]))[0]!, created: false };
    }
    const settings = (await findSettings(this.db, orgId))!;
    const currency = input.currency ?? settings.defaultCurrency;
    this.checkCurrency(currency, settings, 'currency');
    const lines = await this.priceLines(orgId, input.lines, currency);
    const subtotal = lines.reduce((s, l) => s + l.net, 0);
    const tax = lines.reduce((s, l) => s + l.taxCents, 0);
    const total = subtotal + tax;
    if (input.payment && input.payment.amountCents > total)
      throw badField(
        'payment.amountCents',
        `The payment (${money(input.payment.amountCents, currency)}) is more than the order's total (${money(total, currency)})`,
      );
    const customerId = await this.customerFor(actor, input);

    try {
      const id = await this.db.transaction(async (tx) => {
        const paid = input.payment?.amountCents ?? 0;
        const [row] = await tx
          .insert(orders)
          .values({
            orgId,
            customerId,
            channel: input.channel,
            externalId: input.externalId ?? null,
            status: repo.statusOf({ status: 'open', total, paid, refunded: 0 }),
            currency,
            subtotalCents: subtotal,
            taxCents: tax,
            totalCents: total,
            paidCents: paid,
            note: input.note ?? null,
            placedAt: input.placedAt ? new Date(input.placedAt) : new Date(),
            createdBy: actor.userId,
          })
          .returning({ id: orders.id });
        await tx.insert(orderLines).values(
          lines.map((l, position) => ({
            orgId,
            orderId: row!.id,
            position,
            serviceId: l.serviceId,
            name: l.name,
            quantity: l.quantity,
            unitPriceCents: l.unitPriceCents,
            taxRateBp: l.taxRateBp,
            taxCents: l.taxCents,
            totalCents: l.net + l.taxCents,
          })),
        );
        await writeEvent(tx, { orgId, name: 'order.placed', payload: { orderId: row!.id, userId: actor.userId } });
        if (input.payment) {
          const [payment] = await tx
            .insert(payments)
            .values({
              orgId,
              customerId,
              orderId: row!.id,
              kind: 'payment',
              method: input.payment.method,
              amountCents: input.payment.amountCents,
              currency,
              createdBy: actor.userId,
            })
            .returning({ id: payments.id });
          await writeEvent(tx, { orgId, name: 'payment.received', payload: { paymentId: payment!.id, userId: actor.userId } });
        }
        return row!.id;
      });
      return { order: (await repo.loadOrders(this.db, orgId, [id]))[0]!, created: true };
    } catch (error) {
      if (uniqueViolation(error) !== 'orders_org_channel_external_idx' || !input.externalId) throw error;
      const first = await repo.orderIdByExternal(this.db, orgId, input.channel, input.externalId);
      if (!first) throw error;
      return { order: (await repo.loadOrders(this.db, orgId, [first]))[0]!, created: false };
    }
  }

  async get(orgId: string, id: string): Promise<Order> {
    const [order] = await repo.loadOrders(this.db, orgId, [id]);
    if (!order) throw notFound('Order');
    return order;
  }

  async list(orgId: string, query: z.output<typeof OrderListQuerySchema>): Promise<OrderPage> {
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    const ids = await repo.pageOfOrderIds(this.db, orgId, { status: query.status, channel: query.channel, after, limit: query.limit + 1 });
    const page = await repo.loadOrders(this.db, orgId, ids.slice(0, query.limit));
    const last = page.at(-1);
    return { items: page, nextCursor: ids.length > query.limit && last ? encodeCursor(last.placedAt, last.id) : null };
  }

  /** A customer's latest orders (50) and their figures. */
  async ofCustomer(orgId: string, ref: string): Promise<CustomerOrders> {
    const customerId = await this.customers.idOf(orgId, ref);
    const ids = await repo.pageOfOrderIds(this.db, orgId, { customerId, limit: 50 });
    const [items, figures] = await Promise.all([repo.loadOrders(this.db, orgId, ids), readFigures(this.db, orgId, customerId)]);
    if (!figures) throw notFound();
    return { items, figures };
  }

  /** Cancels an order with no money left on it (refund first); cancelling twice is once. */
  async cancel(actor: Actor, id: string): Promise<Order> {
    await this.db.transaction(async (tx) => {
      const order = await repo.lockOrder(tx, actor.orgId, id);
      if (!order) throw notFound('Order');
      if (order.status === 'cancelled') return;
      if (order.paid - order.refunded > 0)
        throw new AppError(409, 'order_paid', `${money(order.paid - order.refunded, order.currency)} is paid on this order: refund it before cancelling`);
      await tx.update(orders).set({ status: 'cancelled', cancelledAt: new Date() }).where(eq(orders.id, id));
      await writeEvent(tx, { orgId: actor.orgId, name: 'order.cancelled', payload: { orderId: id, userId: actor.userId } });
    });
    return this.get(actor.orgId, id);
  }

  /**
   * Takes a payment for an order or a booking. The order (booking) row is locked, so what is
   * outstanding is read and the payment written one at a time; no more than is outstanding.
   */
  async pay(actor: Actor, input: PaymentCreate & { method: Payment['method']; amountCents: number }): Promise<Payment> {
    const id = await this.db.transaction(async (tx) => {
      const target = await this.lockTarget(tx, actor.orgId, input);
      if (target.status === 'cancelled') throw new AppError(409, 'cancelled', `This ${target.what} is cancelled: it takes no payments`);
      this.sameCurrency(input.currency, target.currency);
      // What was refunded is not owed again: outstanding is the total less every payment taken.
      const outstanding = Math.max(0, target.total - target.paid);
      if (input.amountCents > outstanding)
        throw badField('amountCents', `The amount is more than what is outstanding on the ${target.what} (${money(outstanding, target.currency)})`);
      const [row] = await tx
        .insert(payments)
        .values({
          orgId: actor.orgId,
          customerId: target.customerId,
          orderId: input.orderId ?? null,
          bookingId: input.bookingId ?? null,
          kind: 'payment',
          method: input.method,
          amountCents: input.amountCents,
          currency: target.currency,
          createdBy: actor.userId,
        })
        .returning({ id: payments.id });
      if (input.orderId)
        await this.updateOrderMoney(tx, input.orderId, target as { status: Order['status']; total: number }, target.paid + input.amountCents, target.refunded);
      await writeEvent(tx, { orgId: actor.orgId, name: 'payment.received', payload: { paymentId: row!.id, userId: actor.userId } });
      return row!.id;
    });
    return (await repo.paymentsByIds(this.db, actor.orgId, [id]))[0]!;
  }

  /**
   * Refunds money paid on an order or a booking: never more than was paid and not yet refunded.
   * The row lock makes two refunds at once decide one after the other, so together they cannot
   * exceed it either (and the orders table's check would refuse what slipped through).
   */
  async refund(actor: Actor, input: RefundCreate & { method: Payment['method']; amountCents: number }): Promise<Payment> {
    const id = await this.db.transaction(async (tx) => {
      const target = await this.lockTarget(tx, actor.orgId, input);
      this.sameCurrency(input.currency, target.currency);
      const refundable = target.paid - target.refunded;
      if (input.amountCents > refundable)
        throw badField(
          'amountCents',
          refundable === 0
            ? `Nothing is paid on this ${target.what} to refund`
            : `A refund is at most what was paid and not yet refunded (${money(refundable, target.currency)})`,
        );
      const [row] = await tx
        .insert(payments)
        .values({
          orgId: actor.orgId,
          customerId: target.customerId,
          orderId: input.orderId ?? null,
          bookingId: input.bookingId ?? null,
          kind: 'refund',
          method: input.method,
          amountCents: input.amountCents,
          currency: target.currency,
          reason: input.reason ?? null,
          createdBy: actor.userId,
        })
        .returning({ id: payments.id });
      if (input.orderId)
        await this.updateOrderMoney(tx, input.orderId, target as { status: Order['status']; total: number }, target.paid, target.refunded + input.amountCents);
      await writeEvent(tx, { orgId: actor.orgId, name: 'refund.issued', payload: { paymentId: row!.id, userId: actor.userId } });
      return row!.id;
    });
    return (await repo.paymentsByIds(this.db, actor.orgId, [id]))[0]!;
  }

  /** Payments and refunds of a booking. */
  async ofBooking(orgId: string, bookingId: string): Promise<Payment[]> {
    const rows = await this.db
      .select({ id: payments.id })
      .from(payments)
      .where(and(eq(payments.orgId, orgId), eq(payments.bookingId, bookingId)));
    return repo.paymentsByIds(
      this.db,
      orgId,
      rows.map((r) => r.id),
    );
  }

  private async updateOrderMoney(tx: Tx, orderId: string, target: { status: Order['status']; total: number }, paid: number, refunded: number) {
    const status = repo.statusOf({ status: target.status, total: target.total, paid, refunded });
    await tx.update(orders).set({ paidCents: paid, refundedCents: refunded, status }).where(eq(orders.id, orderId));
  }

  private async lockTarget(tx: Tx, orgId: string, input: { orderId?: string; bookingId?: string }) {
    if (input.orderId) {
      const o = await repo.lockOrder(tx, orgId, input.orderId);
      if (!o) throw badField('orderId', 'No such order in this organization');
      return { what: 'order', customerId: o.customer_id, status: o.status as string, currency: o.currency, total: o.total, paid: o.paid, refunded: o.refunded };
    }
    const b = await repo.lockBooking(tx, orgId, input.bookingId!);
    if (!b) throw badField('bookingId', 'No such booking in this organization');
    return { what: 'booking', customerId: b.customer_id, status: b.status, currency: b.currency, total: b.total, paid: b.paid, refunded: b.refunded };
  }

  private sameCurrency(given: string | undefined, currency: string) {
    if (given && given !== currency) throw badField('currency', `This is paid in ${currency}, not ${given}`);
  }

  private checkCurrency(currency: string, settings: { defaultCurrency: string; acceptedCurrencies: string[] }, field: string) {
    const accepted = [settings.defaultCurrency, ...settings.acceptedCurrencies];
    if (!accepted.includes(currency))
      throw badField(field, `The organization does not accept ${currency} (it accepts ${accepted.join(', ')}; Settings → Money adds others)`);
  }

  /** Prices each line: a service's name and price unless the line gives them; unknown services refused by line. */
  private async priceLines(orgId: string, lines: OrderCreateParsed['lines'], currency: string) {
    const serviceIds = [...new Set(lines.flatMap((l) => (l.serviceId ? [l.serviceId] : [])))];
    const known = serviceIds.length
      ? await this.db
          .select({ id: services.id, name: services.name, priceCents: services.priceCents, currency: services.currency })
          .from(services)
          .where(and(eq(services.orgId, orgId), inArray(services.id, serviceIds)))
      : [];
    const byId = new Map(known.map((s) => [s.id, s]));
    const issues: FieldIssue[] = [];
    const priced = lines.map((l, i) => {
      const service = l.serviceId ? byId.get(l.serviceId) : undefined;
      if (l.serviceId && !service) issues.push({ field: `lines.${i}.serviceId`, message: 'Unknown product: no such service in this organization' });
      if (service && l.unitPriceCents === undefined && service.currency !== currency)
        issues.push({ field: `lines.${i}.unitPriceCents`, message: `${service.name} is priced in ${service.currency}: give the price in ${currency}` });
      const unitPriceCents = l.unitPriceCents ?? service?.priceCents ?? 0;
      const net = unitPriceCents * l.quantity;
      const taxCents = Math.round((net * l.taxRateBp) / 10_000);
      return {
        serviceId: service?.id ?? null,
        name: l.name ?? service?.name ?? '',
        quantity: l.quantity,
        unitPriceCents,
        taxRateBp: l.taxRateBp,
        net,
        taxCents,
      };
    });
    if (issues.length) throw invalid(issues[0]!.message, issues);
    return priced;
  }

  /**
   * The order's customer: one on file by `ref` (not deleted, not erased), or the one with this
   * email or phone, or a new customer whose source is the order's channel (C8).
   */
  private async customerFor(actor: Actor, input: OrderCreateParsed): Promise<string> {
    const c = input.customer;
    if (c.ref) {
      const id = await this.customers.idOf(actor.orgId, c.ref).catch(() => undefined);
      const state = id && (await customerStatusOf(this.db, actor.orgId, id));
      if (!id || !state) throw badField('customer.ref', `No customer ${c.ref}: they may have been deleted`);
      if (state.erasedAt) throw badField('customer.ref', `Customer ${c.ref} was erased: orders are no longer taken for them`);
      return id;
    }
    const phone = c.phone === undefined ? undefined : normalizePhone(c.phone, actor.defaultCountry);
    if (phone === null) throw badField('customer.phone', `"${c.phone}" is not a valid phone number: include the country code, e.g. +44 20 7946 0958`);
    const match = () => matchCustomer(this.db, actor.orgId, c.email, phone?.e164);
    const found = await match();
    if (found) return found;
    try {
      const created = await this.customers.create(actor, {
        firstName: c.firstName,
        lastName: c.lastName,
        emails: c.email ? [c.email] : undefined,
        phones: phone ? [phone.raw] : undefined,
        source: input.channel,
      });
      return fromSystemId(created.id);
    } catch (error) {
      // The same new customer ordering twice at once: the other request created them.
      if (!(error instanceof AppError && error.code === 'email_taken')) throw error;
      const again = await match();
      if (!again) throw error;
      return again;
    }
  }
}

function encodeCursor(placedAt: string, id: string) {
  return Buffer.from(`${placedAt}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { placedAt: string; id: string } {
  const [placedAt, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (!placedAt || !id || Number.isNaN(Date.parse(placedAt)) || !/^[0-9a-f-]{36}$/.test(id)) throw badField('cursor', 'Not a cursor this list gave');
  return { placedAt, id };
}
