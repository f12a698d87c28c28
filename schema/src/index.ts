export * from './validation/index.ts';
export * from './realtime.ts';
