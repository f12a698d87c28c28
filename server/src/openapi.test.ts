import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createApp, createServices } from './app.ts';
import type { Db } from './platform/db/connect.ts';

// The API as clients see it, committed next to the code: a changed route, field or schema changes
// __snapshots__/openapi.json too, so the change shows in review. After a deliberate change:
//   cd server && pnpm exec vitest run src/openapi.test.ts -u
// (the -u last: it takes an optional value and would swallow a path after it), then commit the
// snapshot with the change. In CI (CI=true) a missing snapshot fails instead of being written.

/** Building the app touches no database; one that did would fail here rather than hang. */
const noDb = new Proxy(
  {},
  {
    get: (_, key) => {
      throw new Error(`the OpenAPI document needs no database, but db.${String(key)} was read`);
    },
  },
) as unknown as Db;

describe('OpenAPI document', () => {
  it('matches the committed snapshot', async () => {
    const app = createApp({ db: noDb, logger: pino({ level: 'silent' }), config: { secureCookies: false, allowedOrigins: [] } }, createServices(noDb));
    const res = await app.request('/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = await res.json();
    await expect(`${JSON.stringify(doc, null, 2)}\n`).toMatchFileSnapshot('./__snapshots__/openapi.json');
  });
});
