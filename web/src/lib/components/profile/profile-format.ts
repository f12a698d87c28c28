import type { Customer, Tag } from '@foyer/schema/validation';

/** Money in the organization's currency as a plain decimal (12.5 → `12.50`, 1234 → `1,234.00`). */
const money = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
export const formatMoney = (n: number | null | undefined): string => (typeof n === 'number' && Number.isFinite(n) ? money.format(n) : '—');

let languageNames: Intl.DisplayNames | null = null;
/** `fr` → `French`, `pt-BR` → `Brazilian Portuguese`; the code itself when unknown. */
export function languageName(code: string | null | undefined): string | null {
  if (!code) return null;
  try {
    languageNames ??= new Intl.DisplayNames(['en'], { type: 'language' });
    const name = languageNames.of(code);
    return name && name !== code ? name : code;
  } catch {
    return code;
  }
}

/** A few languages staff pick most, for the preferred-language input's suggestions. */
export const commonLanguages = ['en', 'fr', 'de', 'es', 'it', 'nl', 'pt', 'pt-BR', 'sv', 'da', 'pl', 'ja', 'zh', 'ar'];

export const lifecycleLabels: Record<Customer['lifecycleStage'], string> = {
  lead: 'Lead',
  active: 'Active',
  at_risk: 'At-Risk',
  churned: 'Churned',
};

export const lifecycleHints: Record<Customer['lifecycleStage'], string> = {
  lead: 'No orders yet',
  active: 'Ordered recently',
  at_risk: 'No recent orders',
  churned: 'No orders for a long time',
};

const sourceLabels: Record<string, string> = { online: 'Online', dashboard: 'Added by staff', import: 'Import' };
/** `dashboard` → `Added by staff`; a custom channel as written. */
export const sourceLabel = (source: string): string => sourceLabels[source] ?? source;

/** `YYYY-MM-DD` → `12 Mar 1985`, without the time zone moving the day. */
export function formatDay(day: string | null | undefined): string {
  if (!day) return '—';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return day;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(date);
}

/** The part of an email after `@`, lowercased. */
export const emailDomain = (address: string): string => address.slice(address.lastIndexOf('@') + 1).toLowerCase();

/** The company domain one of the customer's emails matches (how a domain link came about). */
export function matchingDomain(emails: { address: string }[], domains: string[]): string | null {
  const set = new Set(domains.map((d) => d.toLowerCase()));
  for (const e of emails) if (set.has(emailDomain(e.address))) return emailDomain(e.address);
  return null;
}

/** Text that reads well on a tag's color: dark on light colors, white on dark ones. */
export function tagTextColor(hex: string): string {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex);
  if (!m) return '#fff';
  const n = parseInt(m[1], 16);
  const [r, g, b] = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return luminance > 0.4 ? '#15191e' : '#ffffff';
}

/** The colors offered when creating a tag: those of the built-in tags and a few more. */
export const tagPalette = ['#b45309', '#0891b2', '#15803d', '#7c3aed', '#1d4ed8', '#64748b', '#db2777', '#0f766e', '#c026d3', '#65a30d', '#dc2626', '#991b1b', '#ea580c', '#4f46e5'];

export type TagRef = Pick<Tag, 'id' | 'name' | 'color'>;
