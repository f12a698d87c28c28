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
