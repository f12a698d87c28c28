export * from './common.ts';
export * from './auth.ts';
export * from './customers.ts';
export * from './phone.ts';
