import { Redis } from 'ioredis';

/** The Redis the several-node tests use (the machine's own by default). */
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Undefined when Redis answers; otherwise why not, for the skip message. */
export async function redisReachable(): Promise<string | undefined> {
  const probe = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
  probe.on('error', () => {});
  try {
    await probe.connect();
    await probe.ping();
    return undefined;
  } catch (err) {
    return `Redis at ${REDIS_URL} is unreachable (${(err as Error).message})`;
  } finally {
    probe.disconnect();
  }
}

/** Removes every key a test run made under its own prefix. */
export async function dropRedisPrefix(prefix: string) {
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
}
