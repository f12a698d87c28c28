import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../platform/db/connect.ts';
import { defineJob, enqueue, type CronTask } from '../../platform/jobs.ts';
import { recomputeFigures } from './figures.ts';
import { IDEMPOTENCY_KEEP_HOURS } from './idempotency.ts';

/** The venue's local hour at which the nightly recompute runs. */
export const NIGHTLY_LOCAL_HOUR = 3;

/**
 * A1: every customer's figures of one organization, computed again in one set-based statement
 * (figures.ts). Nightly, because time alone moves people from Active to At-Risk and Churned; and
 * when the lifecycle settings or the currency change.
 */
export const recomputeOrgJob = defineJob({
  kind: 'figures.recompute',
  payload: z.object({ reason: z.enum(['nightly', 'settings', 'manual']), localDate: z.string().optional() }),
  maxAttempts: 5,
  queue: (_payload, orgId) => `figures:${orgId}`,
  async run(job) {
    let changed = 0;
    await job.step(async (tx) => {
      changed = (await recomputeFigures(tx, job.orgId, null)).length;
      return { progress: { done: 1, total: 1, message: 'Figures computed again' } };
    });
    return { changed };
  },
});

/**
 * Every hour (UTC), the organizations whose venue clock shows NIGHTLY_LOCAL_HOUR get their nightly
 * recompute, once per local date (the idempotency key), whatever their time zone; and idempotency
 * keys older than a day go.
 */
export async function nightlyTick(db: Db, now = new Date()): Promise<number> {
  const { rows } = await db.execute<{ id: string; local_date: string }>(sql`
    select id, to_char(${now}::timestamptz at time zone timezone, 'YYYY-MM-DD') as local_date from organizations
     where extract(hour from ${now}::timestamptz at time zone timezone) = ${NIGHTLY_LOCAL_HOUR}`);
  for (const org of rows)
    await enqueue(db, recomputeOrgJob, {
      orgId: org.id,
      payload: { reason: 'nightly', localDate: org.local_date },
      idempotencyKey: `nightly:${org.local_date}`,
    });
  await db.execute(sql`delete from idempotency_keys where created_at < ${now}::timestamptz - make_interval(hours => ${IDEMPOTENCY_KEEP_HOURS})`);
  return rows.length;
}

export const nightlyCron: CronTask = { id: 'figures.nightly-tick', match: '0 * * * *', run: (db) => nightlyTick(db).then(() => {}) };
