export * from './orgs.ts';
export * from './customers.ts';
export * from './directory.ts';
export * from './audit.ts';
export * from './doors.ts';
export * from './bookings.ts';
export * from './notes.ts';
export * from '../platform/table.ts';
