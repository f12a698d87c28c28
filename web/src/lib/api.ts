import type { FieldIssue } from '@foyer/schema/validation';

/** A refusal from the API, carrying its `{ error: { code, message, issues } }` body. */
export class ApiFailure extends Error {
  readonly status: number;
  readonly code: string;
  readonly issues: FieldIssue[];

  constructor(status: number, code: string, message: string, issues: FieldIssue[] = []) {
    super(message);
    this.name = 'ApiFailure';
    this.status = status;
    this.code = code;
    this.issues = issues;
  }
}

const fallbackMessages: Record<number, string> = {
  400: 'The request was not accepted.',
  401: 'Your session has ended. Sign in again.',
  403: 'You do not have permission to do that.',
  404: 'Not found.',
  409: 'That conflicts with existing data.',
  429: 'Too many attempts. Wait a moment and try again.',
};

/** Reads an error response into an ApiFailure, whatever its body looks like. */
export async function toFailure(response: Response): Promise<ApiFailure> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // not JSON (proxy error page, empty body…)
  }
  const error = (body as { error?: { code?: unknown; message?: unknown; issues?: unknown } } | null)?.error;
  const message =
    typeof error?.message === 'string' && error.message
      ? error.message
      : (fallbackMessages[response.status] ?? `Something went wrong (HTTP ${response.status}).`);
  const code = typeof error?.code === 'string' ? error.code : `http_${response.status}`;
  const issues = Array.isArray(error?.issues)
    ? (error.issues as unknown[]).filter(
        (i): i is FieldIssue =>
          !!i && typeof (i as FieldIssue).field === 'string' && typeof (i as FieldIssue).message === 'string',
      )
    : [];
  return new ApiFailure(response.status, code, message, issues);
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/**
 * A same-origin JSON call to the API from the browser (or with a load function's `fetch`).
 * Resolves to the parsed body (undefined for 204), rejects with ApiFailure.
 */
export async function api<T = unknown>(
  path: string,
  options: { method?: Method; body?: unknown; fetch?: typeof fetch } = {},
): Promise<T> {
  const { method = 'GET', body, fetch: f = fetch } = options;
  // The server only accepts mutations that are same-origin JSON requests, body or not.
  const json = body !== undefined || method !== 'GET';
  let response: Response;
  try {
    response = await f(path, {
      method,
      credentials: 'same-origin',
      headers: {
        accept: 'application/json',
        ...(json ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiFailure(0, 'network', 'Could not reach the server. Check your connection and try again.');
  }
  if (!response.ok) throw await toFailure(response);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}
