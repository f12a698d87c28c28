import pino from 'pino';
import { createApp, createServices } from './app.ts';

/**
 * The API's OpenAPI document exactly as GET /api/openapi.json serves it, built without a database
 * or a listening server: the web's typed client is generated from it (`pnpm api:types`).
 */
export async function openApiDocument(): Promise<Record<string, unknown>> {
  const logger = pino({ level: 'silent' });
  // Routes and their schemas need no database until a request reaches a service.
  const app = createApp({ db: null as never, logger, config: { secureCookies: false, allowedOrigins: [] } }, createServices(null as never, logger));
  const response = await app.request('/api/openapi.json');
  if (!response.ok) throw new Error(`GET /api/openapi.json answered ${response.status}`);
  return (await response.json()) as Record<string, unknown>;
}
