import type { Customer } from '@foyer/schema/validation';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const shortDate = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });
const shortDateNoYear = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short' });
const fullDateTime = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const time = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' });

/**
 * A compact "when": `Just now`, `5 min ago`, `3 h ago`, `Yesterday`, `12 Mar`, `12 Mar 2023`.
 * `now` is a parameter so tests (and SSR vs. hydration) can pin it.
 */
export function relativeDate(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  const diff = now.getTime() - date.getTime();
  if (diff < -MINUTE) return date.getFullYear() === now.getFullYear() ? shortDateNoYear.format(date) : shortDate.format(date);
  if (diff < MINUTE) return 'Just now';
  if (diff < HOUR) return `${Math.floor(diff / MINUTE)} min ago`;
  if (diff < DAY && date.getDate() === now.getDate()) return `${Math.floor(diff / HOUR)} h ago`;
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (date.toDateString() === yesterday.toDateString()) return `Yesterday, ${time.format(date)}`;
  if (date.getFullYear() === now.getFullYear()) return shortDateNoYear.format(date);
  return shortDate.format(date);
}

/** `12 Mar 2025, 14:05` — for tooltips and history rows. */
export function dateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '—' : fullDateTime.format(date);
}

const dayFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

/** `2026-03-01` → `1 Mar 2026`, without the time zone moving the day; anything else as written. */
export function formatDay(day: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return day;
  const d = new Date(`${day}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? day : dayFormat.format(d);
}

const integer = new Intl.NumberFormat('en-GB');
export const formatCount = (n: number): string => integer.format(n);

const moneyFormats = new Map<string, Intl.NumberFormat>();
function moneyFormat(currency: string): Intl.NumberFormat {
  let format = moneyFormats.get(currency);
  if (!format) {
    try {
      format = new Intl.NumberFormat('en-GB', { style: 'currency', currency });
    } catch {
      // A code this browser does not know: the number with the code beside it.
      format = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'XXX', currencyDisplay: 'code' });
    }
    moneyFormats.set(currency, format);
  }
  return format;
}

/**
 * THE way the UI writes money: minor units (pence, cents; what the API sends) and an ISO currency,
 * with its symbol — `formatMoney(123450, 'GBP')` → `£1,234.50`, `formatMoney(500, 'JPY')` → `JP¥500`;
 * `—` for none.
 */
export function formatMoney(minor: number | null | undefined, currency: string): string {
  if (typeof minor !== 'number' || !Number.isFinite(minor)) return '—';
  const format = moneyFormat(currency);
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minor / 10 ** digits);
}

/** The customer list's amounts (CLV, total spent) come as decimals of the default currency: its minor units. */
export const minorOf = (decimal: number): number => Math.round(decimal * 100);

/** `1 customer`, `2,310 customers`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** Initials for an avatar: `Ada Lovelace` → `AL`, `ada.lovelace@x.test` → `AL`, `Walk-in 12` → `W`. */
export function initials(text: string): string {
  const isEmail = text.includes('@');
  const words = (isEmail ? text.replace(/@.*/, '').split(/[\s._+-]+/) : text.split(/\s+/)).filter((w) => /^\p{L}/u.test(w));
  if (words.length === 0) return (text.trim()[0] ?? '?').toUpperCase();
  const first = words[0]!.charAt(0); // words is not empty (checked above)
  const last = words.length >= 2 ? (words.at(-1)?.charAt(0) ?? '') : '';
  return (first + last).toUpperCase();
}

/** The "Showing 51–100 of 1,234" range of a page. */
export function pageRange(page: number, pageSize: number, total: number): { from: number; to: number; pages: number } {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (total === 0) return { from: 0, to: 0, pages };
  const from = Math.min((page - 1) * pageSize + 1, total);
  const to = Math.min(page * pageSize, total);
  return { from, to, pages };
}

/**
 * A safe place to go after signing in: a path on this site, never another origin
 * (`//evil.test`, `/\evil.test`, `https://…`), never the API.
 */
export function safeNext(next: string | null | undefined, fallback = '/customers'): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  if (next.startsWith('/api/') || next === '/login' || next.startsWith('/login?')) return fallback;
  return next;
}

// ————— Words for a customer's fields —————

export const lifecycleLabels: Record<Customer['lifecycleStage'], string> = { lead: 'Lead', active: 'Active', at_risk: 'At-Risk', churned: 'Churned' };

/** What each lifecycle stage means, for a badge's tooltip. */
export const lifecycleHints: Record<Customer['lifecycleStage'], string> = {
  lead: 'No orders yet',
  active: 'Ordered recently',
  at_risk: 'No recent orders',
  churned: 'No orders for a long time',
};

const sourceLabels: Record<string, string> = { online: 'Online', dashboard: 'Added by staff', import: 'Import' };
/** `dashboard` → `Added by staff`; a custom channel as written. */
export const sourceLabel = (source: string): string => sourceLabels[source] ?? source;

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
