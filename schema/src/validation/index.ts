export * from './common.ts';
export * from './auth.ts';
export * from './customers.ts';
export * from './directory.ts';
export * from './edge.ts';
export * from './phone.ts';
export * from './query.ts';
export * from './notes.ts';
