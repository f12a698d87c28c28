import { CONTROL_CHARACTERS, controlCharacterMessage, type FieldIssue } from '@foyer/schema/validation';
import type { MiddlewareHandler } from 'hono';
import { invalid } from '../errors.ts';
import type { AppEnv } from './context.ts';

/**
 * Issue 12: text no person types is refused once, here, for every route — a 400 naming the field,
 * before any route reads the request — rather than by each wire schema. Path segments, query
 * parameters (names and values) and JSON bodies (keys and values, at any depth) are read; tab,
 * line feed and carriage return are text (see CONTROL_CHARACTERS).
 *
 * `templates` are the API's path templates (`/api/customers/{ref}`), so that a bad path segment is
 * named by its parameter, as the OpenAPI document names it.
 */
export function refuseControlCharacters(templates: () => string[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const issues: FieldIssue[] = [];
    const url = new URL(c.req.url);

    const segments = url.pathname.split('/');
    segments.forEach((segment, i) => {
      let decoded = segment;
      try {
        decoded = decodeURIComponent(segment);
      } catch {
        /* a malformed escape stays as it is: the route finds no record by it */
      }
      if (CONTROL_CHARACTERS.test(decoded)) issues.push({ field: pathParamAt(templates(), segments, i), message: controlCharacterMessage });
    });

    for (const [key, value] of url.searchParams)
      if (CONTROL_CHARACTERS.test(key) || CONTROL_CHARACTERS.test(value)) issues.push({ field: key, message: controlCharacterMessage });

    if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && /json/i.test(c.req.header('content-type') ?? '')) {
      let body: unknown;
      try {
        // Hono keeps the parsed body: the route's validator reads this same one.
        body = await c.req.json();
      } catch {
        body = undefined; // malformed JSON: the route's own parsing answers it
      }
      collect(body, [], issues);
    }

    if (issues.length) throw invalid(`Some fields are not valid: ${[...new Set(issues.map((i) => i.field))].join(', ')}`, issues);
    await next();
  };
}

function collect(value: unknown, path: string[], issues: FieldIssue[]) {
  if (issues.length >= 20) return;
  const field = path.join('.') || '(body)';
  if (typeof value === 'string') {
    if (CONTROL_CHARACTERS.test(value)) issues.push({ field, message: controlCharacterMessage });
  } else if (Array.isArray(value)) value.forEach((item, i) => collect(item, [...path, String(i)], issues));
  else if (value && typeof value === 'object')
    for (const [key, item] of Object.entries(value)) {
      if (CONTROL_CHARACTERS.test(key)) issues.push({ field: [...path, JSON.stringify(key)].join('.'), message: 'A field name contains a control character' });
      else collect(item, [...path, key], issues);
    }
}

/** The name of the path parameter at segment `i` of the request's path, or `path` when no route has one there. */
function pathParamAt(templates: string[], segments: string[], i: number): string {
  for (const template of templates) {
    const parts = template.split('/');
    if (parts.length !== segments.length) continue;
    const fits = parts.every((part, j) => part.startsWith('{') || part === segments[j]);
    const name = parts[i];
    if (fits && name?.startsWith('{')) return name.slice(1, -1);
  }
  return 'path';
}
