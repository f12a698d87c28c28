import pino from 'pino';

export type Logger = pino.Logger;

/** Structured JSON logs, one object a line, on stdout. */
export function createLogger(level = 'info'): Logger {
  return pino({ level, base: { service: 'foyer' }, timestamp: pino.stdTimeFunctions.isoTime });
}
