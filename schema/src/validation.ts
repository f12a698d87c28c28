// Every wire schema (zod) and the types inferred from them, for `@foyer/schema/validation`.
// A domain's request and response shapes live in its folder's wire.ts.
export * from './platform/wire.ts';
export * from './platform/events.ts';
export * from './platform/jobs.ts';
export * from './organizations/wire.ts';
export * from './organizations/permissions.ts';
export * from './customers/wire.ts';
export * from './customers/phone.ts';
export * from './customers/query.ts';
export * from './companies/wire.ts';
export * from './tags/wire.ts';
export * from './custom-fields/wire.ts';
export * from './segments/wire.ts';
export * from './doors/wire.ts';
export * from './edge/wire.ts';
export * from './bookings/wire.ts';
export * from './enquiries/wire.ts';
export * from './notes/wire.ts';
export * from './timeline/wire.ts';
export * from './orders/wire.ts';
export * from './orders/money.ts';
export { NOTE_SESSION_MINUTES } from './notes/events.ts';
export * from './analytics/wire.ts';
export * from './auth/wire.ts';
export * from './imports/wire.ts';
