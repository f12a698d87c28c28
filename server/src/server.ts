import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { getRequestListener } from '@hono/node-server';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { createApp, createServices } from './app.ts';
import { domains } from './domains.ts';
import type { Config } from './platform/config.ts';
import { connect, type Database } from './platform/db/connect.ts';
import { startEmbeddedPostgres, type EmbeddedCluster } from './platform/db/embedded.ts';
import { migrate } from './platform/db/migrate.ts';
import type { AppEnv } from './platform/http/context.ts';
import { FRAME_HEADERS } from './platform/http/middleware.ts';
import type { Logger } from './platform/logger.ts';
import { JobQueue, type JobKind } from './platform/jobs.ts';
import { NodeSession } from './platform/node-session.ts';
import { Outbox, type Subscriber } from './platform/outbox.ts';
import { attachRealtime, staffNamespace } from './platform/realtime/io.ts';
import { ensureBuiltinTags } from './domains/tags/repository.ts';
import { cacheSessionsWhileHearing } from './domains/auth/index.ts';
import { createDemoGuest, createDemoService } from './domains/organizations/demo.ts';
import { bootstrapDemo } from './domains/organizations/service.ts';

type NodeHandler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

declare global {
  // The UI's server rendering calls the API in-process through this (see web/src/hooks.server.ts).
  var __foyerApi: ((request: Request) => Promise<Response>) | undefined;
}

const uiHandlerPath = fileURLToPath(new URL('../../web/build/handler.js', import.meta.url));

async function loadUi(logger: Logger): Promise<NodeHandler> {
  if (existsSync(uiHandlerPath)) return (await import(pathToFileURL(uiHandlerPath).href)).handler as NodeHandler;
  logger.warn({ uiHandlerPath }, 'the web UI is not built; run `pnpm build`');
  return (_req, res) => {
    res.writeHead(503, { 'content-type': 'text/plain' }).end('The Foyer web UI is not built. Run `pnpm build`.');
  };
}

export type RunningFoyer = {
  url: string;
  port: number;
  database: Database;
  /** This node's outbox dispatcher and job queue (see platform/outbox.ts and platform/jobs.ts). */
  outbox: Outbox;
  jobs: JobQueue;
  /** This node's identity in PostgreSQL (platform/node-session.ts). */
  nodeId: string;
  /** Set on the first start of an empty database: the demo organization's owner login. */
  demoLogin?: { email: string; password: string; generated: boolean };
  close: () => Promise<void>;
};

/**
 * What a test adds to the server besides the domains' own: outbox subscribers, job kinds and
 * routes (the platform's own tests and probes).
 */
export type FoyerExtensions = {
  subscribers?: Subscriber[];
  jobs?: JobKind[];
  routes?: (app: OpenAPIHono<AppEnv>, platform: { db: Database['db'] }) => void;
};

/**
 * Starts the whole server: database (embedded unless DATABASE_URL), migrations, API, UI, sockets,
 * the outbox dispatcher and the job queue.
 */
export async function startFoyer(config: Config, logger: Logger, extensions: FoyerExtensions = {}): Promise<RunningFoyer> {
  let embedded: EmbeddedCluster | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    logger.info({ dataDir: config.dataDir }, 'starting embedded PostgreSQL');
    embedded = await startEmbeddedPostgres(config.dataDir, { log: (m) => logger.debug({ pg: m }) });
    databaseUrl = embedded.url('foyer');
  }
  const database = connect(databaseUrl);
  try {
    return await serve(config, logger, database, databaseUrl, embedded, extensions);
  } catch (error) {
    // Leave nothing running behind a failed start (a taken port, a failed migration).
    await database.close().catch(() => {});
    await embedded?.stop().catch(() => {});
    throw error;
  }
}

async function serve(
  config: Config,
  logger: Logger,
  database: Database,
  databaseUrl: string,
  embedded: EmbeddedCluster | undefined,
  extensions: FoyerExtensions,
): Promise<RunningFoyer> {
  await migrate(database.db);
  // T1: organizations made before built-in tags existed (or before a new one was added) get them.
  await ensureBuiltinTags(database.db);
  const demo = await bootstrapDemo(database.db, config.admin);

  const services = createServices(database.db, logger);
  if (demo) {
    await createDemoGuest(services, demo.org);
    await createDemoService(services, demo.org);
  }
  const app = createApp({ db: database.db, logger, config }, services);
  extensions.routes?.(app, { db: database.db });
  globalThis.__foyerApi = (request) => Promise.resolve(app.fetch(request));
  const api = getRequestListener(app.fetch);
  const ui = await loadUi(logger);
  const http = createServer((req, res) => {
    if (req.url === '/api' || req.url?.startsWith('/api/')) return void api(req, res);
    // The API sets its own (securityHeaders); the UI's pages and files must not be framed either.
    for (const [name, value] of Object.entries(FRAME_HEADERS)) res.setHeader(name, value);
    ui(req, res, () => res.writeHead(404).end('Not found'));
  });
  // Node closes an idle keep-alive connection after 5 s, and a client that sends on it at that
  // moment (a proxy in front, an API client reusing its connection) gets ECONNRESET. Idle
  // connections stay open longer than proxies usually keep theirs (60 s), so the client closes first.
  http.keepAliveTimeout = 65_000;
  http.headersTimeout = 66_000;
  const realtime = attachRealtime(http, domains, services, logger, {
    db: database.db,
    redisUrl: config.redisUrl,
    redisPrefix: config.redisPrefix,
    flowDoneLingerMs: config.flowDoneLingerMs,
    allowedOrigins: config.allowedOrigins,
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.port, config.host, resolve);
  }).catch(async (error) => {
    await realtime.close().catch(() => {});
    throw error;
  });
  // The node's session (LISTEN and liveness), then the dispatcher and the workers.
  const session = new NodeSession(databaseUrl, logger.child({ module: 'node-session' }));
  const subscribers = [...domains.flatMap((d) => d.subscribers?.(services) ?? []), ...(extensions.subscribers ?? [])];
  const outbox = new Outbox(database.db, session, logger.child({ module: 'outbox' })).subscribe(...subscribers);
  const jobKinds = [...domains.flatMap((d) => d.jobs?.(services) ?? []), ...(extensions.jobs ?? [])];
  const jobs = new JobQueue(database.db, session, logger).define(...jobKinds).schedule(...domains.flatMap((d) => d.cron?.(services) ?? []));
  // Through the socket.io adapter: with several nodes, staff on every node hear it.
  const staff = staffNamespace(realtime.io);
  jobs.onProgress((orgId, event) => staff.to(`org:${orgId}`).emit('job:progress', event));
  try {
    await session.start();
    await outbox.start();
    await jobs.start();
  } catch (error) {
    await jobs.stop().catch(() => {});
    await outbox.stop().catch(() => {});
    await session.stop().catch(() => {});
    await realtime.close().catch(() => {});
    throw error;
  }
  // Sessions are served from the cache only now that the outbox listens: what ends them reaches it.
  const stopSessionCache = cacheSessionsWhileHearing(
    services.auth,
    () => session.connected,
    (listener) => session.onReconnect(listener),
  );
  const port = (http.address() as { port: number }).port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      stopSessionCache();
      // First stop taking work: running steps and subscribers finish (or are released).
      await Promise.all([jobs.stop(), outbox.stop()]);
      await realtime.close(); // also closes the HTTP server
      await services.notes.flushProjections().catch(() => {});
      services.notes.close();
      await session.stop();
      await database.close();
      await embedded?.stop();
    })());

  return {
    url: `http://${host}:${port}`,
    port,
    database,
    outbox,
    jobs,
    nodeId: session.nodeId,
    demoLogin: demo && { email: demo.email, password: demo.password, generated: demo.generated },
    close,
  };
}
