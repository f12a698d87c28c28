import type { OrderChannel, OrderStatus, PaymentMethod } from '@foyer/schema/validation';

/** Ac2: how the UI names an order's channel, status and a payment's method. */
export const channelLabel: Record<OrderChannel, string> = {
  pos: 'At the till',
  online: 'Online',
  desk: 'At the desk',
  import: 'Imported',
  api: 'Through the API',
};
export const statusLabel: Record<OrderStatus, string> = {
  open: 'Open',
  paid: 'Paid',
  part_refunded: 'Part refunded',
  refunded: 'Refunded',
  cancelled: 'Cancelled',
};
export const statusTone: Record<OrderStatus, string> = {
  open: 'bg-warning-soft text-warning-soft-fg',
  paid: 'bg-success-soft text-success-soft-fg',
  part_refunded: 'bg-surface-muted text-muted',
  refunded: 'bg-surface-muted text-muted',
  cancelled: 'bg-surface-muted text-subtle line-through',
};
export const methodLabel: Record<PaymentMethod, string> = {
  card: 'Card',
  cash: 'Cash',
  bank_transfer: 'Bank transfer',
  voucher: 'Voucher',
  online: 'Online',
  other: 'Other',
};

/** "12.50" or "12,50" → 1250 minor units (two-digit currencies); null when it is not an amount. */
export function parseAmount(text: string, digits = 2): number | null {
  const clean = text
    .trim()
    .replace(/[£€$¥\s]/g, '')
    .replace(',', '.');
  if (!/^\d+(\.\d+)?$/.test(clean)) return null;
  const [whole, fraction = ''] = clean.split('.');
  if (fraction.length > digits) return null;
  return Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, '0') || 0);
}
