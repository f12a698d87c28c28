import type { ResponseOf } from '$lib/api';

/** One audit row of a customer, as GET /api/customers/:ref/history lists them (newest first). */
export type HistoryEntry = ResponseOf<'get', '/api/customers/{ref}/history'>['items'][number];

const labels: Record<string, string> = {
  firstName: 'First name',
  lastName: 'Last name',
  emails: 'Emails',
  phones: 'Phones',
  customerNumber: 'Customer number',
  externalId: 'External id',
  language: 'Language',
  source: 'Source',
  status: 'Status',
  statusReason: 'Reason',
};

const order = Object.keys(labels);

/** The changed fields of an entry in the order the profile shows them (unknown ones last). */
export function orderedChanges(changes: HistoryEntry['changes'] | null | undefined): [string, { before?: unknown; after?: unknown }][] {
  const rank = (f: string) => (order.includes(f) ? order.indexOf(f) : order.length);
  return Object.entries(changes ?? {}).sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
}

/** `firstName` → `First name`; unknown keys are split at capitals (`loyaltyTier` → `Loyalty tier`). */
export function fieldLabel(field: string): string {
  if (labels[field]) return labels[field];
  const words = field
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * A stored value as a line of text, or null when it is empty (shown as "empty").
 * Email rows show their address, phone rows their E.164 number.
 */
export function formatValue(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (Array.isArray(value)) {
    const parts = value.map((v) => formatValue(v)).filter((v): v is string => v !== null);
    return parts.length ? parts.join(', ') : null;
  }
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.address === 'string') return o.address;
    if (typeof o.e164 === 'string') return o.e164;
    if (typeof o.raw === 'string') return o.raw;
    return JSON.stringify(value);
  }
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (value === 'active') return 'Active';
  if (value === 'banned') return 'Banned';
  return String(value);
}

export const actionVerb: Record<HistoryEntry['action'], string> = {
  created: 'created this customer',
  updated: 'updated',
  deleted: 'deleted this customer',
  erased: 'erased this customer’s personal data',
};
