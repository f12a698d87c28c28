import { z } from 'zod';
import { timelineKind } from '../timeline/kind.ts';
import { OrderChannelSchema, PaymentMethodSchema } from './wire.ts';

/** Ac2: what the orders domain says happened (written to the outbox with the change). */
export const orderEvents = {
  /** An order was placed (staff, a till, the website, an import, an integrator). */
  'order.placed': z.object({ orderId: z.uuid(), userId: z.uuid().nullable() }),
  'order.cancelled': z.object({ orderId: z.uuid(), userId: z.uuid().nullable() }),
  /** Money came in, for an order or a booking. */
  'payment.received': z.object({ paymentId: z.uuid(), userId: z.uuid().nullable() }),
  'refund.issued': z.object({ paymentId: z.uuid(), userId: z.uuid().nullable() }),
  /** A2: a customer's figures (lifecycle, total spent …) were computed again and changed: the profile and list refresh. */
  'figures.changed': z.object({ customerId: z.uuid() }),
} as const;

/** An order as its timeline entries show it (as it was when the entry was written). */
export const TimelineOrderSchema = z
  .object({
    id: z.string(),
    channel: OrderChannelSchema,
    totalCents: z.number().int(),
    currency: z.string(),
    /** "Afternoon tea ×2, Champagne" (the first lines). */
    summary: z.string(),
    lineCount: z.number().int(),
  })
  .meta({ id: 'TimelineOrder' });

export const TimelinePaymentSchema = z
  .object({
    id: z.string(),
    method: PaymentMethodSchema,
    amountCents: z.number().int(),
    currency: z.string(),
    orderId: z.string().nullable(),
    bookingId: z.string().nullable(),
  })
  .meta({ id: 'TimelinePayment' });

/** Ac1: the orders domain's kinds of timeline entry. */
export const orderTimelineKinds = [
  timelineKind('order_placed', 'order', { order: TimelineOrderSchema }, 'An order was placed (from order.placed)'),
  timelineKind('order_cancelled', 'order', { order: TimelineOrderSchema }, 'An order was cancelled (from order.cancelled)'),
  timelineKind('payment_received', 'payment', { payment: TimelinePaymentSchema }, 'A payment was taken (from payment.received)'),
  timelineKind('refund_issued', 'payment', { payment: TimelinePaymentSchema, reason: z.string().nullable() }, 'Money was refunded (from refund.issued)'),
] as const;
