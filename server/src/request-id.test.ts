import { describe, expect, it } from 'vitest';
import { createApp, createServices } from './app.ts';
import type { Db } from './platform/db/connect.ts';
import { createLogger } from './platform/logger.ts';

// test/api/request-id.test.ts covers the id on a real server; here a database that fails makes
// the one path a real server should never take: an unhandled error, logged as a second line.
const failingDb = new Proxy(
  {},
  {
    get: () => {
      throw new Error('the database is gone');
    },
  },
) as unknown as Db;

describe('an unhandled error', () => {
  it('is logged with the request id, and the 500 body carries it', async () => {
    const lines: { msg?: string; requestId?: string; err?: { message?: string } }[] = [];
    const logger = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) });
    const app = createApp({ db: failingDb, logger, config: { secureCookies: false, allowedOrigins: [] } }, createServices(failingDb, logger));
    const res = await app.request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-500' },
      body: JSON.stringify({ email: 'ann@venue.test', password: 'a long enough password' }),
    });
    expect(res.status).toBe(500);
    expect(res.headers.get('x-request-id')).toBe('req-500');
    expect(await res.json()).toEqual({ error: { code: 'internal', message: 'Something went wrong on our side', requestId: 'req-500' } });
    expect(lines.map((l) => [l.msg, l.requestId])).toEqual([
      ['unhandled error', 'req-500'],
      ['request', 'req-500'],
    ]);
    expect(lines[0]?.err?.message).toBe('the database is gone');
  });
});
