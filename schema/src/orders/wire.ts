import { z } from 'zod';
import { PermissionNameSchema } from '../organizations/permissions.ts';
import { StaffRefSchema } from '../timeline/kind.ts';
import { amountSchema, CurrencySchema } from './money.ts';

// Ac2, C8: orders with lines, payments and refunds, a customer's figures (A2), and API keys.

export const orderStatuses = ['open', 'paid', 'part_refunded', 'refunded', 'cancelled'] as const;
export const OrderStatusSchema = z.enum(orderStatuses);
export type OrderStatus = z.infer<typeof OrderStatusSchema>;
export const orderChannels = ['pos', 'online', 'desk', 'import', 'api'] as const;
export const OrderChannelSchema = z.enum(orderChannels, { error: `A channel is one of ${orderChannels.join(', ')}` });
export type OrderChannel = z.infer<typeof OrderChannelSchema>;
export const paymentMethods = ['card', 'cash', 'bank_transfer', 'voucher', 'online', 'other'] as const;
export const PaymentMethodSchema = z.enum(paymentMethods, { error: `A method is one of ${paymentMethods.join(', ')}` });
export type PaymentMethod = z.infer<typeof PaymentMethodSchema>;

export const MAX_ORDER_LINES = 200;
export const MAX_QUANTITY = 10_000;

export const OrderLineCreateSchema = z
  .object({
    /** One of the venue's services (Settings → Services); its name and price are used unless given. */
    serviceId: z.uuid({ error: 'Not a service id' }).optional(),
    name: z.string().trim().min(1, 'A line needs a name').max(200, 'A line name has at most 200 characters').optional(),
    quantity: z
      .number({ error: 'A quantity is a whole number' })
      .int('A quantity is a whole number')
      .min(1, 'A quantity is at least 1')
      .max(MAX_QUANTITY, `A quantity is at most ${MAX_QUANTITY}`)
      .default(1),
    unitPriceCents: amountSchema('A unit price', { allowZero: true }).optional(),
    /** Basis points: 2000 is 20 % (added to the line's net amount). */
    taxRateBp: z
      .number({ error: 'A tax rate is in basis points (2000 for 20 %)' })
      .int('A tax rate is a whole number of basis points (2000 for 20 %)')
      .min(0, 'A tax rate is not negative')
      .max(10_000, 'A tax rate is at most 10000 (100 %)')
      .default(0),
  })
  .strict()
  .superRefine((l, ctx) => {
    if (!l.serviceId && !l.name) ctx.addIssue({ code: 'custom', path: ['name'], message: 'Name the product or service, or give a serviceId' });
    if (!l.serviceId && l.unitPriceCents === undefined) ctx.addIssue({ code: 'custom', path: ['unitPriceCents'], message: 'Give the unit price' });
  });
export type OrderLineCreate = z.input<typeof OrderLineCreateSchema>;

/** Who ordered: a customer on file (`ref`: system id or customer number), or found (else created) by email or phone. */
export const OrderCustomerSchema = z
  .object({
    ref: z.string().trim().min(1).max(64).optional(),
    email: z.email({ error: 'Not an email address' }).max(254).optional(),
    phone: z.string().trim().min(3, 'Not a phone number').max(40).optional(),
    firstName: z.string().trim().max(100).optional(),
    lastName: z.string().trim().max(100).optional(),
  })
  .strict()
  .refine((c) => c.ref || c.email || c.phone, { message: 'Name the customer: ref, email or phone', path: ['ref'] });

export const OrderPaymentInputSchema = z
  .object({ method: PaymentMethodSchema, amountCents: amountSchema('The amount') })
  .strict()
  .meta({ id: 'OrderPaymentInput' });

export const OrderCreateSchema = z
  .object({
    customer: OrderCustomerSchema,
    channel: OrderChannelSchema.default('desk'),
    /** The sender's own id for the order: a second order with the same id and channel answers the first (200). */
    externalId: z.string().trim().min(1).max(200, 'An external id has at most 200 characters').optional(),
    /** One the organization accepts; its default currency when left out. */
    currency: CurrencySchema.optional(),
    placedAt: z.iso.datetime({ offset: true, error: 'A time is ISO 8601, e.g. 2026-03-01T12:30:00Z' }).optional(),
    lines: z
      .array(OrderLineCreateSchema, { error: 'An order has lines' })
      .min(1, 'An order has at least one line')
      .max(MAX_ORDER_LINES, `An order has at most ${MAX_ORDER_LINES} lines`),
    /** Taken with the order (at the desk, or a till that was paid). */
    payment: OrderPaymentInputSchema.optional(),
    note: z.string().trim().max(2000).optional(),
  })
  .strict()
  .meta({ id: 'OrderCreate' });
export type OrderCreate = z.input<typeof OrderCreateSchema>;
export type OrderCreateParsed = z.output<typeof OrderCreateSchema>;

const targetRefine = (p: { orderId?: string; bookingId?: string }, ctx: z.RefinementCtx) => {
  if (!p.orderId === !p.bookingId) ctx.addIssue({ code: 'custom', path: ['orderId'], message: 'Give either an orderId or a bookingId' });
};

export const PaymentCreateSchema = z
  .object({
    orderId: z.uuid({ error: 'Not an order id' }).optional(),
    bookingId: z.uuid({ error: 'Not a booking id' }).optional(),
    method: PaymentMethodSchema,
    amountCents: amountSchema('The amount'),
    /** Must be the order's (or booking's) currency; checked when given. */
    currency: CurrencySchema.optional(),
  })
  .strict()
  .superRefine(targetRefine)
  .meta({ id: 'PaymentCreate' });
export type PaymentCreate = z.input<typeof PaymentCreateSchema>;

export const RefundCreateSchema = z
  .object({
    orderId: z.uuid({ error: 'Not an order id' }).optional(),
    bookingId: z.uuid({ error: 'Not a booking id' }).optional(),
    method: PaymentMethodSchema.default('other'),
    amountCents: amountSchema('The amount'),
    currency: CurrencySchema.optional(),
    reason: z.string().trim().max(500).optional(),
  })
  .strict()
  .superRefine(targetRefine)
  .meta({ id: 'RefundCreate' });
export type RefundCreate = z.input<typeof RefundCreateSchema>;

export const PaymentSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['payment', 'refund']),
    method: PaymentMethodSchema,
    status: z.enum(['succeeded', 'pending', 'failed']),
    amountCents: z.number().int(),
    currency: z.string(),
    orderId: z.string().nullable(),
    bookingId: z.string().nullable(),
    reason: z.string().nullable(),
    createdBy: StaffRefSchema.nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'Payment' });
export type Payment = z.infer<typeof PaymentSchema>;

export const OrderLineSchema = z
  .object({
    serviceId: z.string().nullable(),
    name: z.string(),
    quantity: z.number().int(),
    unitPriceCents: z.number().int(),
    taxRateBp: z.number().int(),
    taxCents: z.number().int(),
    totalCents: z.number().int(),
  })
  .meta({ id: 'OrderLine' });

export const OrderCustomerRefSchema = z.object({
  /** System id (32 hex). */
  id: z.string(),
  customerNumber: z.string(),
  name: z.string(),
});

export const OrderSchema = z
  .object({
    id: z.string(),
    customer: OrderCustomerRefSchema,
    channel: OrderChannelSchema,
    externalId: z.string().nullable(),
    status: OrderStatusSchema,
    currency: z.string(),
    subtotalCents: z.number().int(),
    taxCents: z.number().int(),
    totalCents: z.number().int(),
    paidCents: z.number().int(),
    refundedCents: z.number().int(),
    /** total − paid (refunds give money back; they are not owed again), never below 0; 0 once cancelled. */
    outstandingCents: z.number().int(),
    note: z.string().nullable(),
    placedAt: z.string(),
    createdAt: z.string(),
    cancelledAt: z.string().nullable(),
    lines: z.array(OrderLineSchema),
    payments: z.array(PaymentSchema),
  })
  .meta({ id: 'Order' });
export type Order = z.infer<typeof OrderSchema>;

export const OrderPageSchema = z.object({ items: z.array(OrderSchema), nextCursor: z.string().nullable() }).meta({ id: 'OrderPage' });
export type OrderPage = z.infer<typeof OrderPageSchema>;

export const OrderListQuerySchema = z.object({
  status: OrderStatusSchema.optional(),
  channel: OrderChannelSchema.optional(),
  /** Pass the previous page's nextCursor. */
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});

export const CancelOrderSchema = z
  .object({ reason: z.string().trim().max(500).optional() })
  .strict()
  .meta({ id: 'CancelOrder' });

/** A2: a customer's figures, in the organization's default currency. */
export const CustomerFiguresSchema = z
  .object({
    currency: z.string(),
    totalOrders: z.number().int(),
    totalBookings: z.number().int(),
    totalSpentCents: z.number().int(),
    averageOrderCents: z.number().int().nullable(),
    /** Mean days between orders; null before the second. */
    orderFrequencyDays: z.number().nullable(),
    firstOrderAt: z.string().nullable(),
    lastOrderAt: z.string().nullable(),
    lastContactAt: z.string().nullable(),
    /** Historical CLV: what they have spent, net of refunds (predicted CLV is another figure). */
    historicalClvCents: z.number().int(),
    lifecycleStage: z.enum(['lead', 'active', 'at_risk', 'churned']),
    computedAt: z.string().nullable(),
  })
  .meta({ id: 'CustomerFigures' });
export type CustomerFigures = z.infer<typeof CustomerFiguresSchema>;

export const CustomerOrdersSchema = z.object({ items: z.array(OrderSchema), figures: CustomerFiguresSchema }).meta({ id: 'CustomerOrders' });
export type CustomerOrders = z.infer<typeof CustomerOrdersSchema>;

// ————— API keys —————

export const ApiKeyCreateSchema = z
  .object({
    name: z.string().trim().min(1, 'Name the key (e.g. "Bar till")').max(100, 'A key name has at most 100 characters'),
    permissions: z.array(PermissionNameSchema, { error: 'Choose what the key may do' }).min(1, 'A key needs at least one permission').max(100),
  })
  .strict()
  .meta({ id: 'ApiKeyCreate' });
export type ApiKeyCreate = z.input<typeof ApiKeyCreateSchema>;

export const ApiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    /** The secret's first characters, to tell keys apart. */
    prefix: z.string(),
    permissions: z.array(z.string()),
    createdBy: StaffRefSchema.nullable(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: 'ApiKey' });
export type ApiKey = z.infer<typeof ApiKeySchema>;

export const ApiKeyCreatedSchema = ApiKeySchema.extend({
  /** Shown this once: only its hash is stored. Send it as `Authorization: Bearer <secret>`. */
  secret: z.string(),
}).meta({ id: 'ApiKeyCreated' });
export type ApiKeyCreated = z.infer<typeof ApiKeyCreatedSchema>;
