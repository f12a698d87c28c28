import pino from 'pino';

export type Logger = pino.Logger;

/** Structured JSON logs, one object a line, on stdout (or `destination`: tests read them). */
export function createLogger(level = 'info', destination?: pino.DestinationStream): Logger {
  return pino({ level, base: { service: 'foyer' }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}
