import { OpenAPIHono } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import type { Config } from './platform/config.ts';
import type { Db } from './platform/db/connect.ts';
import { validationHook, type AppEnv } from './platform/http/context.ts';
import { readClientAddress } from './platform/http/client-address.ts';
import { limitBody, readSession, requestId, requestLog, sameOriginOnly, securityHeaders } from './platform/http/middleware.ts';
import { documentAccess, publicHandler, undeclaredRoutes } from './platform/permissions.ts';
import { AppError, inputRefusedByDatabase } from './platform/errors.ts';
import { refuseControlCharacters } from './platform/http/input.ts';
import { createLogger, type Logger } from './platform/logger.ts';
import { domains as allDomains } from './domains.ts';
import type { Domain, Services } from './platform/domain.ts';
import type { NamedContributor } from './platform/customer-data.ts';
import { jobRoutes } from './platform/jobs-routes.ts';

export type { Services } from './platform/domain.ts';

export type AppDeps = {
  db: Db;
  logger: Logger;
  config: Pick<Config, 'secureCookies' | 'allowedOrigins'> & Partial<Pick<Config, 'trustProxy'>>;
};

/** Builds every domain's services, in the order of the domain list. */
export function createServices(db: Db, logger: Logger = createLogger('silent'), domains: readonly Domain[] = allDomains): Services {
  const services = {} as Services;
  const customerData = customerDataOf(domains);
  for (const domain of domains) Object.assign(services, domain.services?.({ db, logger, customerData }, services));
  return services;
}

/** The domains' customer-data contributors, in the order of the list. */
export const customerDataOf = (domains: readonly Domain[]): NamedContributor[] =>
  domains.flatMap((d) => (d.customerData ? [{ ...d.customerData, domain: d.name }] : []));

export function createApp({ db, logger, config }: AppDeps, services: Services, domains: readonly Domain[] = allDomains) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.use('*', requestId(logger));
  app.use('*', requestLog(logger));
  app.use('*', securityHeaders);
  app.use('*', readClientAddress(config.trustProxy));
  app.use('/api/*', limitBody, sameOriginOnly(config.allowedOrigins));
  let templates: string[] | undefined;
  const pathTemplates = () => (templates ??= app.openAPIRegistry.definitions.flatMap((d) => (d.type === 'route' ? [d.route.path] : [])));
  app.use('/api/*', refuseControlCharacters(pathTemplates));
  // Who may call a route is declared on the route (platform/permissions.ts), not by its path.
  app.use('/api/*', readSession(services.auth, config.secureCookies, services.apiKeys));

  app.openAPIRegistry.registerComponent('securitySchemes', 'cookieAuth', {
    type: 'apiKey',
    in: 'cookie',
    name: 'foyer_session',
  });
  // Integrators: an API key made by an owner in Settings (orders domain, api-keys.ts).
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer' });

  for (const domain of domains) if (domain.routes) app.route('/api', domain.routes(services, { secureCookies: config.secureCookies }));
  app.route('/api/jobs', jobRoutes(db));

  app.get('/api/health', publicHandler, (c) => c.json({ ok: true }));
  documentAccess(app.openAPIRegistry);
  app.get('/api/openapi.json', publicHandler); // declares the document public; doc31 below answers it
  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'Foyer API', version: '0.1.0', description: 'The customer system of a hospitality venue.' },
  });
  const undeclared = undeclaredRoutes(app);
  if (undeclared.length)
    throw new Error(`Routes that declare no access (add ...permit('<area>.<verb>'), permit.signedIn or permit.public): ${undeclared.join(', ')}`);
  app.notFound((c) => c.json({ error: { code: 'not_found', message: `No route for ${c.req.method} ${c.req.path}`, requestId: c.get('requestId') } }, 404));

  app.onError((err, c) => {
    const requestId = c.get('requestId');
    if (err instanceof AppError) {
      for (const [k, v] of Object.entries(err.headers ?? {})) c.header(k, v);
      return c.json({ error: { code: err.code, message: err.message, issues: err.issues, requestId } }, err.status);
    }
    if (err instanceof HTTPException && err.status < 500) {
      // Hono's own refusals: malformed JSON, a wrong content type.
      const malformed = /json/i.test(err.message);
      const [code, message] =
        err.status === 415
          ? ['unsupported_media_type', 'Send the body as JSON with content-type: application/json']
          : malformed
            ? ['malformed_json', 'The request body is not valid JSON']
            : ['bad_request', err.message];
      return c.json({ error: { code, message, requestId } }, err.status);
    }
    const refused = inputRefusedByDatabase(err);
    if (refused) {
      // The request's input reached PostgreSQL unchecked: the client gets a 400, and the log says
      // which check is missing (it is a bug all the same, to be fixed where the input is read).
      (c.get('log') ?? logger).error({ err, path: c.req.path }, 'input refused by the database: a validation is missing');
      return c.json({ error: { code: 'validation_failed', message: refused, issues: [{ field: '(request)', message: refused }], requestId } }, 400);
    }
    (c.get('log') ?? logger).error({ err, path: c.req.path }, 'unhandled error');
    return c.json({ error: { code: 'internal', message: 'Something went wrong on our side', requestId } }, 500);
  });

  return app;
}
