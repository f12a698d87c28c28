import type { FieldIssue } from '@foyer/schema/validation';
import type { components, paths } from './openapi';

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
        (i): i is FieldIssue => !!i && typeof (i as FieldIssue).field === 'string' && typeof (i as FieldIssue).message === 'string',
      )
    : [];
  return new ApiFailure(response.status, code, message, issues);
}

// ————— The typed client: every path, parameter, body and answer comes from the server's document —————

type Paths = paths;
export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** The API's paths that answer `M`, as the OpenAPI document writes them (`/api/customers/{ref}`). */
export type PathOf<M extends Method> = { [P in keyof Paths]: Paths[P][M] extends { responses: unknown } ? P : never }[keyof Paths];
type Operation<M extends Method, P extends PathOf<M>> = Extract<Paths[P][M], { responses: unknown }>;

type Json<R> = R extends { content: { 'application/json': infer J } } ? J : undefined;
type Success<O> = O extends { responses: infer R } ? { [S in keyof R]: S extends 200 | 201 | 202 | 204 ? Json<R[S]> : never }[keyof R] : never;
type PathParams<O> = O extends { parameters: { path: infer X } } ? X : never;
type QueryParams<O> = O extends { parameters: { query?: infer Q } } ? Exclude<Q, undefined> : never;
type JsonBody<O> = O extends { requestBody: { content: { 'application/json': infer B } } } ? B : never;

/** What a successful call answers: its 2xx response's JSON, undefined for a 204. */
export type ResponseOf<M extends Method, P extends PathOf<M>> = Success<Operation<M, P>>;
/** The JSON body a call sends. */
export type BodyOf<M extends Method, P extends PathOf<M>> = JsonBody<Operation<M, P>>;
/** The query parameters a call takes. */
export type QueryOf<M extends Method, P extends PathOf<M>> = QueryParams<Operation<M, P>>;
/** A named schema of the document (`Schema<'Customer'>`), for a shape @foyer/schema exports no type for. */
export type Schema<N extends keyof components['schemas']> = components['schemas'][N];

/**
 * The options of one call. `path` fills the `{…}` of the path; `query` is the query the route
 * declares; `search` a raw query string for a route that reads its own (the customer list's
 * filters, docs/directory-api.md); `body` the JSON body; `file` or `form` a raw body for the uploads
 * that take one; `fetch` a load function's fetch.
 */
type Init<O> = ([PathParams<O>] extends [never] ? { path?: never } : { path: PathParams<O> }) &
  ([QueryParams<O>] extends [never]
    ? { query?: never; search?: string }
    : AllOptional<QueryParams<O>> extends true
      ? { query?: QueryParams<O> }
      : { query: QueryParams<O> }) &
  ([JsonBody<O>] extends [never] ? { body?: never; file?: Blob; form?: FormData } : { body: JsonBody<O> }) & { fetch?: typeof fetch };
/** Whether every property of T may be left out. */
type AllOptional<T> = Partial<T> extends T ? true : false;
type Args<O> = AllOptional<Init<O>> extends true ? [init?: Init<O>] : [init: Init<O>];
/** The options argument of `api[M](P, …)`: required when the path has parameters or the call a body. */
export type ArgsOf<M extends Method, P extends PathOf<M>> = Args<Operation<M, P>>;

type AnyInit = {
  path?: Record<string, string | number>;
  query?: Record<string, unknown>;
  search?: string;
  body?: unknown;
  file?: Blob;
  form?: FormData;
  fetch?: typeof fetch;
};

/** `/api/customers/{ref}` with `{ ref }` and the query: the URL to request. */
export function urlOf(path: keyof Paths, init: Pick<AnyInit, 'path' | 'query' | 'search'> = {}): string {
  const url = path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = init.path?.[name];
    if (value === undefined) throw new Error(`${path}: no value for {${name}}`);
    return encodeURIComponent(String(value));
  });
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(init.query ?? {})) {
    if (value === undefined || value === null) continue;
    for (const v of Array.isArray(value) ? value : [value]) query.append(key, String(v));
  }
  const search = init.search?.replace(/^\?/, '') || query.toString();
  return search ? `${url}?${search}` : url;
}

/** Sends one request and reads its answer: the parsed JSON body (undefined for 204), or an ApiFailure. */
async function send(f: typeof fetch, url: string, init: RequestInit): Promise<unknown> {
  let response: Response;
  try {
    response = await f(url, { ...init, credentials: 'same-origin' });
  } catch {
    throw new ApiFailure(0, 'network', 'Could not reach the server. Check your connection and try again.');
  }
  if (!response.ok) throw await toFailure(response);
  if (response.status === 204) return undefined;
  const text = await response.text();
  return text ? JSON.parse(text) : undefined;
}

function call(method: Method, path: string, init: AnyInit = {}): Promise<unknown> {
  const { body, file, form, fetch: f = fetch } = init;
  const headers: Record<string, string> = { accept: 'application/json' };
  // The server only accepts mutations that are same-origin JSON requests, body or not; an upload
  // says its own type (a form's multipart boundary is the browser's to write).
  if (file) headers['content-type'] = file.type || 'application/octet-stream';
  else if (!form && (body !== undefined || method !== 'get')) headers['content-type'] = 'application/json';
  return send(f, urlOf(path as keyof Paths, init), {
    method: method.toUpperCase(),
    headers,
    body: file ?? form ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
}

const verb =
  <M extends Method>(method: M) =>
  <P extends PathOf<M>>(path: P, ...[init]: ArgsOf<M, P>): Promise<ResponseOf<M, P>> =>
    call(method, path, init as AnyInit) as Promise<ResponseOf<M, P>>;

/**
 * The API, typed from the server's OpenAPI document (`pnpm api:types`): the path and method decide
 * what a call takes and what it resolves to. Same-origin JSON from the browser, or through a load
 * function's `fetch`; a refusal rejects with ApiFailure.
 *
 *     const customer = await api.get('/api/customers/{ref}', { path: { ref } });
 */
export const api = {
  get: verb('get'),
  post: verb('post'),
  put: verb('put'),
  patch: verb('patch'),
  delete: verb('delete'),
};

const SOMETHING_WENT_WRONG = 'Something went wrong. Try again.';

/** An ApiFailure's message, or a fallback for anything else that was thrown. */
export function failureMessage(e: unknown, fallback = SOMETHING_WENT_WRONG): string {
  return e instanceof ApiFailure ? e.message : fallback;
}
