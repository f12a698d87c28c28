export * from './validation.ts';
export * from './realtime.ts';
