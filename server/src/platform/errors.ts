import type { FieldIssue } from '@foyer/schema/validation';

/**
 * An error the client caused or must know about. Routes throw it; the app's error handler turns it
 * into `{ error: { code, message, issues } }` with its status. Anything else is a 500.
 */
export class AppError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 422 | 429,
    readonly code: string,
    message: string,
    readonly issues?: FieldIssue[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export const notFound = (what = 'Customer') => new AppError(404, 'not_found', `${what} not found`);

export const invalid = (message: string, issues?: FieldIssue[]) => new AppError(400, 'validation_failed', message, issues);

/** PostgreSQL's SQLSTATE for a unique violation, with the constraint that fired. */
export function uniqueViolation(error: unknown): string | null {
  const e = error as { code?: string; constraint?: string; cause?: { code?: string; constraint?: string } };
  const pgError = e?.code ? e : e?.cause;
  return pgError?.code === '23505' ? (pgError.constraint ?? '') : null;
}

/**
 * PostgreSQL's SQLSTATEs for a value it cannot take (class 22, "data exception": a NUL in text, a
 * date out of range, a number too big, text that is not a uuid): input that slipped past
 * validation, not the server failing. The message, for the 400, or null for any other error.
 */
const INPUT_ERRORS: Record<string, string> = {
  '22P05': 'A text contains a character that cannot be stored',
  '22021': 'A text contains a byte sequence that is not valid text',
  '22008': 'A date or time is out of range',
  '22007': 'A date or time is not valid',
  '22003': 'A number is out of range',
  '22P02': 'A value is not of the expected type',
  '22001': 'A text is too long',
  '22023': 'A value is not valid',
};
export function inputRefusedByDatabase(error: unknown): string | null {
  const e = error as { code?: string; cause?: { code?: string } };
  const code = typeof e?.code === 'string' ? e.code : e?.cause?.code;
  return (code && INPUT_ERRORS[code]) ?? null;
}
