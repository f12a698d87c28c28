import { createLogger } from '@foyer/server/platform/logger.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/client.ts';
import { startTestFoyer, type TestFoyer } from '../support/foyer.ts';

type LogLine = { msg?: string; requestId?: string; path?: string; status?: number };

// The server's log lines, as it writes them (one JSON object a line).
const lines: LogLine[] = [];
let foyer: TestFoyer;
let staff: ApiClient;
beforeAll(async () => {
  foyer = await startTestFoyer({ logger: createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) }) });
  staff = await foyer.signIn();
});
afterAll(() => foyer?.close());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const requestLine = (requestId: string) => lines.find((l) => l.msg === 'request' && l.requestId === requestId);

describe('request ids', () => {
  it('gives each request a new id, in the X-Request-Id header and on its log line', async () => {
    const a = await foyer.client().get('/api/health');
    const b = await foyer.client().get('/api/health');
    const id = a.headers.get('x-request-id')!;
    expect(id).toMatch(UUID);
    expect(b.headers.get('x-request-id')).toMatch(UUID);
    expect(b.headers.get('x-request-id')).not.toBe(id);
    expect(requestLine(id)).toMatchObject({ path: '/api/health', status: 200 });
  });

  it('keeps a sane incoming X-Request-Id and replaces one that is not', async () => {
    const kept = await foyer.client().request('GET', '/api/health', undefined, { 'x-request-id': 'proxy-7f3a:42' });
    expect(kept.headers.get('x-request-id')).toBe('proxy-7f3a:42');
    expect(requestLine('proxy-7f3a:42')).toMatchObject({ path: '/api/health' });
    for (const insane of ['x'.repeat(129), 'has spaces', '"quoted"', '']) {
      const replaced = await foyer.client().request('GET', '/api/health', undefined, { 'x-request-id': insane });
      expect(replaced.headers.get('x-request-id'), JSON.stringify(insane)).toMatch(UUID);
    }
  });

  it('puts the id in every kind of error body, the same as the header', async () => {
    const refusals = [
      // notFound
      await staff.get('/api/no-such-thing'),
      // onError: an AppError (no session)
      await foyer.client().get('/api/customers'),
      // onError: Hono's own refusal (malformed JSON)
      await staff.request('POST', '/api/customers', '{"firstName":', { 'content-type': 'application/json' }),
      // validationHook: zod refused the body
      await staff.post('/api/customers', { firstName: 42 }),
      // the body limit
      await staff.request('POST', '/api/customers', JSON.stringify({ notes: 'x'.repeat(1024 * 1024 + 1) }), { 'content-type': 'application/json' }),
    ];
    expect(refusals.map((r) => [r.status, r.body.error.code])).toEqual([
      [404, 'not_found'],
      [401, 'unauthenticated'],
      [400, 'malformed_json'],
      [400, 'validation_failed'],
      [413, 'payload_too_large'],
    ]);
    for (const r of refusals) {
      const id = r.headers.get('x-request-id');
      expect(id).toMatch(UUID);
      expect(r.body.error.requestId).toBe(id);
      expect(requestLine(id!)).toMatchObject({ status: r.status });
    }
  });
});
