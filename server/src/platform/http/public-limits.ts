import type { MiddlewareHandler } from 'hono';
import { AppError } from '../errors.ts';
import { AttemptLimiter } from '../rate-limit.ts';
import { clientAddress, type AppEnv } from './context.ts';

/**
 * Limits for a venue's public pages (/api/public/<flow>/<slug>/…): per client address and venue,
 * `all` requests in the window, of which `writes` identifications or submissions. Each call makes
 * its own counters, so the booking flow and the enquiry form count apart.
 */
export function limitPerAddressAndVenue(limits: { all: number; writes: number; windowMs: number }): {
  all: MiddlewareHandler<AppEnv>;
  writes: MiddlewareHandler<AppEnv>;
} {
  const guard =
    (limiter: AttemptLimiter): MiddlewareHandler<AppEnv> =>
    async (c, next) => {
      const slug = c.req.path.split('/')[4] ?? '';
      const wait = limiter.take(`${clientAddress(c)} ${slug}`);
      if (wait > 0) throw new AppError(429, 'rate_limited', `Too many requests: try again in ${wait} seconds`, undefined, { 'retry-after': String(wait) });
      await next();
    };
  return { all: guard(new AttemptLimiter(limits.all, limits.windowMs)), writes: guard(new AttemptLimiter(limits.writes, limits.windowMs)) };
}
