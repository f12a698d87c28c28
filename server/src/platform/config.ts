import { resolve } from 'node:path';
import { parseTrustProxy, type TrustProxy } from './http/client-address.ts';

/** Everything the server reads from its environment, read once at start. */
export type Config = {
  port: number;
  host: string;
  /** A PostgreSQL URL; when absent the server runs its own embedded cluster under dataDir. */
  databaseUrl: string | undefined;
  dataDir: string;
  logLevel: string;
  /** Send the session cookie with `Secure`; on by default when PUBLIC_URL is https. */
  secureCookies: boolean;
  /** Origins allowed to send mutating requests besides the request's own host. */
  allowedOrigins: string[];
  admin: { email: string | undefined; password: string | undefined };
  /** Several nodes share socket.io broadcasts and presence through this Redis; one node needs none. */
  redisUrl: string | undefined;
  /** Prefix of every Redis key and stream this installation uses. */
  redisPrefix: string;
  /** How long a customer stays online after confirming a booking (see domains/presence/flow-realtime.ts); unset: the default. */
  flowDoneLingerMs: number | undefined;
  /** Proxies whose X-Forwarded-For tells the client's address (TRUST_PROXY); unset: the header is ignored. */
  trustProxy: TrustProxy | undefined;
};

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const publicUrl = env.PUBLIC_URL?.trim();
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${env.PORT}"`);
  const flowDoneLingerMs = env.FLOW_DONE_LINGER_MS ? Number(env.FLOW_DONE_LINGER_MS) : undefined;
  if (flowDoneLingerMs !== undefined && !(Number.isInteger(flowDoneLingerMs) && flowDoneLingerMs >= 0)) {
    throw new Error(`FLOW_DONE_LINGER_MS must be a number of milliseconds, got "${env.FLOW_DONE_LINGER_MS}"`);
  }
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    databaseUrl: env.DATABASE_URL || undefined,
    // pnpm runs package scripts inside the package; INIT_CWD is where the person typed the command.
    dataDir: resolve(env.INIT_CWD ?? process.cwd(), env.FOYER_DATA_DIR ?? '.foyer'),
    logLevel: env.LOG_LEVEL ?? 'info',
    secureCookies: env.COOKIE_SECURE ? env.COOKIE_SECURE === 'true' : !!publicUrl?.startsWith('https:'),
    allowedOrigins: publicUrl ? [new URL(publicUrl).origin] : [],
    admin: { email: env.FOYER_ADMIN_EMAIL || undefined, password: env.FOYER_ADMIN_PASSWORD || undefined },
    redisUrl: env.REDIS_URL || undefined,
    redisPrefix: env.REDIS_PREFIX || 'foyer:',
    flowDoneLingerMs,
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
  };
}
