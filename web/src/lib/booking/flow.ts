import { formatMoney } from '$lib/format';
import { addDays, localDateOf, type BookingConfirmation } from '@foyer/schema/validation';
import { api, type BodyOf } from '$lib/api';

// C8: the public booking flow's calls and what it keeps across a reload of the page.

export const getVenue = (slug: string, fetch?: typeof globalThis.fetch) => api.get('/api/public/book/{slug}', { path: { slug }, fetch });
export const getSlots = (slug: string, serviceId: string, date: string) =>
  api.get('/api/public/book/{slug}/services/{id}/slots', { path: { slug, id: serviceId }, query: { date } });
export const identify = (slug: string, body: BodyOf<'post', '/api/public/book/{slug}/identify'>) =>
  api.post('/api/public/book/{slug}/identify', { path: { slug }, body });
export const confirmBooking = (slug: string, body: BodyOf<'post', '/api/public/book/{slug}/bookings'>) =>
  api.post('/api/public/book/{slug}/bookings', { path: { slug }, body });

/** How many days the flow offers, from today in the venue's time zone. */
export const DAYS_OFFERED = 14;

/** The next `DAYS_OFFERED` dates (YYYY-MM-DD) as the venue's calendar has them. */
export const datesFrom = (now: Date, timeZone: string): string[] => {
  const today = localDateOf(now, timeZone);
  return Array.from({ length: DAYS_OFFERED }, (_, i) => addDays(today, i));
};

/** What survives a reload inside the flow (sessionStorage: this tab only, gone when it closes). */
export type FlowState = {
  step: Step;
  serviceId?: string;
  date?: string;
  startsAt?: string;
  partySize: number;
  details: { firstName: string; lastName: string; email: string; phone: string };
  flowToken?: string;
  /** Made once per choice of slot, so a retried confirmation cannot book twice. */
  idempotencyKey?: string;
  confirmed?: BookingConfirmation;
};

export type Step = 'service' | 'when' | 'details' | 'review' | 'done';

export const emptyFlow = (): FlowState => ({ step: 'service', partySize: 1, details: { firstName: '', lastName: '', email: '', phone: '' } });

const storageKey = (slug: string) => `foyer.book.${slug}`;

export function loadFlow(slug: string): FlowState {
  try {
    const raw = sessionStorage.getItem(storageKey(slug));
    if (!raw) return emptyFlow();
    const saved = JSON.parse(raw) as Partial<FlowState>;
    return { ...emptyFlow(), ...saved, details: { ...emptyFlow().details, ...saved.details } };
  } catch {
    return emptyFlow();
  }
}

export function saveFlow(slug: string, state: FlowState) {
  try {
    sessionStorage.setItem(storageKey(slug), JSON.stringify(state));
  } catch {
    // storage full or refused (private mode): the flow works, a reload starts it over
  }
}

/** A random key for one confirmation; crypto.getRandomValues works on plain http too (randomUUID does not). */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function formatPrice(cents: number, currency: string): string {
  return cents === 0 ? 'Free' : formatMoney(cents, currency);
}

export function formatDuration(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return [h ? `${h} h` : '', m ? `${m} min` : ''].filter(Boolean).join(' ');
}

/** "Tue 24 Nov" of a calendar date. */
export const shortDay = (date: string) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short' }).format(new Date(`${date}T12:00:00Z`));

/** "Tuesday 24 November 2026" of a calendar date. */
export const longDay = (date: string) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(`${date}T12:00:00Z`));

/** "14:30" of an instant on the venue's clock. */
export const clockAt = (iso: string, timeZone: string) =>
  new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit' }).format(new Date(iso));

/** "Tuesday 24 November 2026, 14:30" of an instant in the venue's zone. */
export const whenAt = (iso: string, timeZone: string) => `${longDay(localDateOf(new Date(iso), timeZone))}, ${clockAt(iso, timeZone)}`;

export const places = (n: number) => (n === 1 ? '1 place left' : `${n} places left`);
export const people = (n: number) => (n === 1 ? '1 person' : `${n} people`);
