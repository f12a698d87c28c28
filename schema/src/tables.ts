// Every table, for drizzle-kit and for `@foyer/schema/tables`. A domain's tables live in its folder.
export * from './platform/audit.ts';
export * from './platform/table.ts';
export * from './organizations/table.ts';
export * from './customers/table.ts';
export * from './companies/table.ts';
export * from './tags/table.ts';
export * from './custom-fields/table.ts';
export * from './segments/table.ts';
export * from './doors/table.ts';
export * from './edge/table.ts';
export * from './timeline/table.ts';
export * from './bookings/table.ts';
export * from './enquiries/table.ts';
export * from './notes/table.ts';
export * from './analytics/table.ts';
export * from './orders/table.ts';
export * from './imports/table.ts';
