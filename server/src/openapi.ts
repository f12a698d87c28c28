import pino from 'pino';
import { createApp, createServices } from './app.ts';
import type { Db } from './platform/db/connect.ts';

/** Building the app touches no database; one that did would fail here rather than hang. */
const noDb = new Proxy(
  {},
  {
    get: (_, key) => {
      throw new Error(`the OpenAPI document needs no database, but db.${String(key)} was read`);
    },
  },
) as unknown as Db;

/**
 * The API's OpenAPI document exactly as GET /api/openapi.json serves it, built without a database
 * or a listening server: its snapshot (openapi.test.ts) and the web's typed client (`pnpm
 * api:types`) come from it.
 */
export async function openApiDocument(): Promise<Record<string, unknown>> {
  const app = createApp({ db: noDb, logger: pino({ level: 'silent' }), config: { secureCookies: false, allowedOrigins: [] } }, createServices(noDb));
  const response = await app.request('/api/openapi.json');
  if (!response.ok) throw new Error(`GET /api/openapi.json answered ${response.status}`);
  return (await response.json()) as Record<string, unknown>;
}
