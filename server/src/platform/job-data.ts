import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from './db/connect.ts';
import type { Tx } from './outbox.ts';

/**
 * What a job keeps in PostgreSQL besides its checkpoint (tables in schema/src/platform/table.ts):
 *
 * - **Targets**: the ids a job works through, fixed at its start. `snapshotTargets` numbers the
 *   ids a query gives, in its order, inside the job's first step; each later step takes the next
 *   batch after the position its checkpoint holds (`targetBatch`). Records created or changed
 *   meanwhile do not shift the work, and a resumed attempt neither skips nor repeats a batch.
 * - **Files**: what a job writes for staff to download (an export), in parts, one per step,
 *   committed with that step's checkpoint (`appendJobFile`), so any node can serve the file
 *   (`jobFileSize`, `readJobFile`) and a resumed job never writes a part twice.
 *
 * Both go with the run (foreign keys cascade) and earlier by `dropJobData`, which the job that
 * made them schedules for a day after it finishes (see customers/jobs.ts).
 */

/**
 * Inserts the ids `select` returns, numbered 1… in `order` (an ORDER BY over the rows of
 * `select`'s FROM); call it in the job's first step. Returns how many there are.
 */
export async function snapshotTargets(tx: Tx, run: { runId: string; orgId: string }, select: SQL): Promise<number> {
  const { rows } = await tx.execute<{ n: number }>(sql`
    with inserted as (
      insert into job_targets (run_id, org_id, position, target_id)
      select ${run.runId}::uuid, ${run.orgId}::uuid, t.position, t.id from (${select}) t
      returning 1)
    select count(*)::int as n from inserted`);
  return rows[0]!.n;
}

/** `select position, target_id` of the next `size` targets after `after`, as a subquery. */
export const targetBatchSql = (runId: string, after: number, size: number): SQL =>
  sql`select position, target_id from job_targets where run_id = ${runId} and position > ${after} order by position limit ${size}`;

/** Appends part `seq` of the run's file. */
export async function appendJobFile(tx: Tx, run: { runId: string; orgId: string }, seq: number, data: string | Buffer): Promise<number> {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  await tx.execute(sql`insert into job_file_chunks (run_id, org_id, seq, data) values (${run.runId}, ${run.orgId}, ${seq}, ${bytes})`);
  return bytes.length;
}

/** The file's size in bytes and parts, or null when the run has none (any more). */
export async function jobFileSize(db: DbOrTx, orgId: string, runId: string): Promise<{ bytes: number; parts: number } | null> {
  const { rows } = await db.execute<{ bytes: string | null; parts: number }>(
    sql`select sum(octet_length(data)) as bytes, count(*)::int as parts from job_file_chunks where run_id = ${runId} and org_id = ${orgId}`,
  );
  const r = rows[0];
  return r && r.parts ? { bytes: Number(r.bytes), parts: r.parts } : null;
}

/** Hands the run's file to `write` part by part, a few parts per query (never the whole file in memory). */
export async function readJobFile(db: DbOrTx, orgId: string, runId: string, write: (data: Buffer) => Promise<void>, aborted: () => boolean): Promise<void> {
  let next = -1;
  for (;;) {
    if (aborted()) return;
    const { rows } = await db.execute<{ seq: number; data: Buffer }>(
      sql`select seq, data from job_file_chunks where run_id = ${runId} and org_id = ${orgId} and seq > ${next} order by seq limit 4`,
    );
    if (!rows.length) return;
    for (const r of rows) {
      await write(r.data);
      next = r.seq;
    }
  }
}

/** Drops the run's targets and file. */
export async function dropJobData(db: DbOrTx, runId: string): Promise<{ targets: number; parts: number }> {
  const targets = await db.execute(sql`delete from job_targets where run_id = ${runId}`);
  const parts = await db.execute(sql`delete from job_file_chunks where run_id = ${runId}`);
  return { targets: targets.rowCount ?? 0, parts: parts.rowCount ?? 0 };
}

/** Drops the targets alone (a job that finished its work keeps only its file). */
export async function dropJobTargets(db: DbOrTx, runId: string): Promise<void> {
  await db.execute(sql`delete from job_targets where run_id = ${runId}`);
}
