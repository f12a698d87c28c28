import type { CredentialKind, Door, DoorLogEntry, DoorPermission, EdgeReason } from '@foyer/schema/validation';

type LockType = Door['lockType'];

// ————— Doors —————

export const lockTypeLabels: Record<LockType, string> = { fail_secure: 'Fail-secure', fail_safe: 'Fail-safe' };

/** What each lock type does when the power goes, in the words a venue manager uses. */
export const lockTypeHints: Record<LockType, string> = {
  fail_secure: 'Stays locked when the power fails. Usual for electric strikes on outer doors and store rooms.',
  fail_safe: 'Unlocks when the power fails, so nobody is shut in. Usual for magnetic locks and escape routes.',
};

/** `3000` → `3 s`, `1500` → `1.5 s`, `250` → `250 ms`. */
export function formatPulse(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1).replace(/\.0$/, '')} s`;
}

/** `30` → `30 s`, `90` → `1 min 30 s`, `120` → `2 min`. */
export function formatSeconds(s: number): string {
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  const rest = s % 60;
  return rest ? `${min} min ${rest} s` : `${min} min`;
}

// ————— The door log —————

export type Tone = 'success' | 'danger' | 'warning' | 'neutral';

export const resultLabels: Record<DoorLogEntry['result'], string> = {
  granted: 'Granted',
  denied: 'Denied',
  held_open: 'Held open',
  forced_open: 'Forced open',
  closed: 'Closed',
};

export const resultTones: Record<DoorLogEntry['result'], Tone> = {
  granted: 'success',
  denied: 'danger',
  held_open: 'warning',
  forced_open: 'danger',
  closed: 'neutral',
};

/** The badge classes of each tone, from the design tokens. */
export const toneClasses: Record<Tone, string> = {
  success: 'badge-success',
  danger: 'badge-danger',
  warning: 'bg-warning-soft text-warning-soft-fg',
  neutral: 'badge-neutral',
};

/** Every reason the edge agent gives (the fixed vocabulary `edgeReasons` of @foyer/schema), said for staff. */
export const reasonTexts: Record<EdgeReason, string> = {
  valid_permission: 'Valid permission',
  unknown_credential: 'Unknown card',
  banned: 'Banned: not let in',
  no_permission: 'No access to this door',
  outside_validity: 'Outside access hours',
  relay_failed: 'Allowed, but the lock did not release',
  device_revoked: 'Device revoked: it opens no door',
  cache_stale: 'Permissions out of date (offline too long)',
  opened_without_grant: 'Opened without a valid card',
  held_open_too_long: 'Left open too long',
  closed_after_alarm: 'Closed again after an alarm',
};

const isEdgeReason = (reason: string): reason is EdgeReason => Object.hasOwn(reasonTexts, reason);

/**
 * A reason in words. Anything outside the vocabulary (entries logged before it was fixed) is
 * shown as written, tidied (`door_jammed` → `Door jammed`).
 */
export function reasonText(reason: string): string {
  const key = reason.trim();
  if (isEdgeReason(key)) return reasonTexts[key];
  const held = /^open longer than (\d+) ?s$/.exec(key);
  if (held) return `Open longer than ${formatSeconds(Number(held[1]))}`;
  if (!key) return '—';
  const words = key.replace(/[_-]+/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Whom an entry is about, in words: the customer's name, else their number; null for nobody. */
export function customerLabel(entry: Pick<DoorLogEntry, 'customer'>): string | null {
  if (!entry.customer) return null;
  return entry.customer.name.trim() || entry.customer.customerNumber || null;
}

/** What a screen reader hears when an entry arrives: `Granted: Ada Lovelace at Front door`. */
export function announcement(entry: DoorLogEntry): string {
  const who = customerLabel(entry) ?? (entry.kind === 'access' ? (entry.credentialMasked ? `card ${entry.credentialMasked}` : 'unknown card') : null);
  return `${resultLabels[entry.result]}: ${who ? `${who} at ` : ''}${entry.doorName}`;
}

/**
 * Live entries and pages merged into one list, newest first, each id once (a page fetched after
 * live arrivals overlaps what is shown: offsets moved).
 */
export function mergeLog<T extends { id: number; at?: string; occurredAt?: string }>(shown: T[], incoming: T[]): T[] {
  const byId = new Map<number, T>();
  for (const e of shown) byId.set(e.id, e);
  for (const e of incoming) byId.set(e.id, e);
  const time = (e: T) => Date.parse(e.at ?? e.occurredAt ?? '') || 0;
  return [...byId.values()].sort((a, b) => time(b) - time(a) || b.id - a.id);
}

const clock = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const dayAndClock = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
const yearDayAndClock = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });

/** A log time: `14:05:32` today, `12 Mar, 14:05` this year, `12 Mar 2025, 14:05` before. */
export function logTime(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  if (date.toDateString() === now.toDateString()) return clock.format(date);
  return date.getFullYear() === now.getFullYear() ? dayAndClock.format(date) : yearDayAndClock.format(date);
}

// ————— Permissions (Da1) —————

export const permissionStatusLabels: Record<DoorPermission['status'], string> = {
  active: 'Active',
  scheduled: 'Starts later',
  expired: 'Expired',
  revoked: 'Revoked',
};

export const permissionStatusTones: Record<DoorPermission['status'], Tone> = {
  active: 'success',
  scheduled: 'warning',
  expired: 'neutral',
  revoked: 'danger',
};

/** `2026-03-12T09:30:00.000Z` → the `YYYY-MM-DDTHH:mm` a datetime-local input shows, in local time. */
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local value (local time) as an ISO instant; null for blank, undefined when not a time. */
export function fromLocalInput(value: string): string | null | undefined {
  const text = value.trim();
  if (!text) return null;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)) return undefined;
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

// ————— Credentials (R2, M3) —————

export const credentialKindLabels: Record<CredentialKind, string> = { rfid: 'Card or fob', qr: 'Wallet QR pass', barcode: 'Barcode' };

export const credentialKindHints: Record<CredentialKind, string> = {
  rfid: 'A 125 kHz card or key fob. Type the number printed on it, or hold it to a desk reader.',
  qr: 'Foyer makes a new random code and shows it once as a QR code, to print or put in the customer’s phone wallet.',
  barcode: 'A printed barcode card, read by the door’s scanner.',
};

/** How a credential is named in a sentence: `card ••••2C3D`, `wallet pass ••••x9Qa`. */
export function credentialName(c: { kind: CredentialKind; masked: string }): string {
  const noun = { rfid: 'card', qr: 'wallet pass', barcode: 'barcode' }[c.kind];
  return `${noun} ${c.masked}`;
}

// ————— Edge devices —————

/** The pairing code as read aloud and typed: `ABCD EFGH` (the agent takes it with or without the gap). */
export const groupCode = (code: string) => (code.length === 8 ? `${code.slice(0, 4)} ${code.slice(4)}` : code);

/** `in 15 min`, `in 45 s`, `expired`. */
export function timeLeft(iso: string, now: Date = new Date()): string {
  const ms = Date.parse(iso) - now.getTime();
  if (!(ms > 0)) return 'expired';
  if (ms < 60_000) return `in ${Math.ceil(ms / 1000)} s`;
  return `in ${Math.ceil(ms / 60_000)} min`;
}

/** Entries per page of the door log; the profile's timeline pages by ACTIVITY_PAGE_SIZE. */
export const LOG_PAGE_SIZE = 50;
export const ACTIVITY_PAGE_SIZE = 10;
