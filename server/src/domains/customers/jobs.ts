import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import {
  BulkActionSchema,
  parseCustomerQuery,
  type BulkAction,
  type CustomerExportRequest,
  type CustomerExportResult,
  type JobRun,
} from '@foyer/schema/validation';
import type { Db } from '../../platform/db/connect.ts';
import { AppError, invalid, notFound } from '../../platform/errors.ts';
import { appendJobFile, dropJobData, dropJobTargets, jobFileSize, readJobFile, snapshotTargets } from '../../platform/job-data.ts';
import { defineJob, enqueue, getJobRun, type JobKind } from '../../platform/jobs.ts';
import { loadFieldDefinitions } from '../custom-fields/customer-repository.ts';
import { bulkResultOf, csvHeader, csvRows, CustomerBulkService, exportColumns, type BulkCounts } from './bulk-service.ts';
import { orderOf } from './list-repository.ts';
import type { Actor } from './service.ts';

/**
 * L5 and I2 over a whole segment: bulk actions and CSV exports of a list query, as background jobs
 * (platform/jobs.ts). Both begin with one step that snapshots the target (the ids the query
 * matches then, numbered in the order the job takes them: platform/job-data.ts), then take
 * BATCH customers per step, each step committing its work with the checkpoint (the position
 * reached and the counts so far). A resumed attempt carries on after the last committed batch:
 * a customer is never tagged twice, a row never written twice.
 */

/** Customers per step: one statement of each kind per batch, a few hundred ms at most. */
export const BATCH = 1000;
/** How long a finished export's file can be downloaded. */
export const EXPORT_KEEP_MS = 24 * 60 * 60 * 1000;

const ActorSchema = z.object({ userId: z.uuid().nullable(), defaultCountry: z.string() });
const actorOf = (orgId: string, a: z.infer<typeof ActorSchema>): Actor => ({ orgId, userId: a.userId, defaultCountry: a.defaultCountry });
const keyOf = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 32);

// —————————————————————————————————————— bulk actions

const BulkCheckpointSchema = z.object({
  /** Customers in the snapshot. */
  total: z.number().int(),
  /** The last position done. */
  after: z.number().int(),
  matched: z.number().int(),
  changed: z.number().int(),
  capped: z.number().int(),
});

/**
 * `customers.bulk`: add or remove tags, or add to a marketing list, for every customer a list
 * query matched when the job started (in id order). Result: a BulkResult.
 */
export const bulkJob = defineJob({
  kind: 'customers.bulk',
  payload: z.object({ query: z.string(), action: BulkActionSchema.shape.action, actor: ActorSchema }),
  checkpoint: BulkCheckpointSchema,
  async run(job) {
    const actor = actorOf(job.orgId, job.payload.actor);
    const bulk = new CustomerBulkService(job.db);
    const verb = job.payload.action.type === 'addTags' ? 'Tagging' : job.payload.action.type === 'removeTags' ? 'Untagging' : 'Adding to the list';
    let at = job.checkpoint;
    if (!at) {
      await job.step(async (tx) => {
        const targetIds = await bulk.targetSql(actor, { query: job.payload.query }, undefined, tx);
        const total = await snapshotTargets(
          tx,
          job,
          sql`select row_number() over (order by c.id)::int as position, c.id from customers c where c.org_id = ${job.orgId} and c.id in (${targetIds})`,
        );
        await scheduleCleanup(tx, job);
        at = { total, after: 0, matched: 0, changed: 0, capped: 0 };
        return { checkpoint: at, progress: { done: 0, total, message: `${verb} customers` } };
      });
    }
    const prepared = { action: job.payload.action, listName: await listName(job.db, job.orgId, job.payload.action) };
    const cap = await bulk.tagCap(job.orgId);
    while (at!.after < at!.total) {
      await job.step(async (tx) => {
        const from = at!.after;
        const to = Math.min(from + BATCH, at!.total);
        const counts: BulkCounts = await bulk.apply(
          tx,
          actor,
          prepared,
          sql`select c.id from job_targets jt join customers c on c.id = jt.target_id and c.org_id = ${job.orgId}
               where jt.run_id = ${job.runId} and jt.position > ${from} and jt.position <= ${to}`,
          cap,
        );
        const next = {
          total: at!.total,
          after: to,
          matched: at!.matched + counts.matched,
          changed: at!.changed + counts.changed,
          capped: at!.capped + counts.capped,
        };
        if (to >= at!.total) await dropJobTargets(tx, job.runId);
        at = next;
        return { checkpoint: next, progress: { done: to, total: next.total, message: `${verb} customers` } };
      });
    }
    return bulkResultOf(at!, cap);
  },
});

async function listName(db: Db, orgId: string, action: BulkAction['action']): Promise<string | undefined> {
  if (action.type !== 'addToList') return undefined;
  const { rows } = await db.execute<{ name: string }>(sql`select name from marketing_lists where org_id = ${orgId} and id = ${action.listId}`);
  // Deleted since it was queued: nobody is added (apply checks it again in each batch).
  return rows[0]?.name ?? 'a deleted list';
}

/** Checks the action and the query, then queues it: 202 with the job. The same request while it runs is the same job. */
export async function startBulkJob(db: Db, actor: Actor, { target, action }: BulkAction & { target: { query: string } }): Promise<JobRun> {
  const bulk = new CustomerBulkService(db);
  await bulk.prepare(actor, action);
  await bulk.targetSql(actor, target); // a bad query is a 400 now, not a failed job later
  const { id } = await enqueue(db, bulkJob, {
    orgId: actor.orgId,
    payload: { query: target.query, action, actor: { userId: actor.userId, defaultCountry: actor.defaultCountry } },
    singletonKey: keyOf(['bulk', target.query, action]),
    createdBy: actor.userId,
  });
  return (await getJobRun(db, actor.orgId, id))!;
}

// —————————————————————————————————————— export

const ExportCheckpointSchema = z.object({
  total: z.number().int(),
  after: z.number().int(),
  /** The next part of the file (0 is the header). */
  seq: z.number().int(),
  rows: z.number().int(),
  bytes: z.number().int(),
  /** The custom fields' columns, as of the start: later parts keep the header's columns. */
  fields: z.array(z.object({ id: z.uuid(), key: z.string() })),
  /** Set by the last step. */
  finishedAt: z.string().optional(),
});

export const exportFilename = (createdAt: string) => `customers-${createdAt.slice(0, 10)}.csv`;
export const exportFileUrl = (runId: string) => `/api/customers/exports/${runId}/file`;

/**
 * `customers.export`: the CSV of every customer a list query matched when the job started, in
 * the list's sort, with the same columns, escaping and formula guard as GET export.csv; written
 * into job_file_chunks, one part per step. Result: a CustomerExportResult.
 */
export const exportJob = defineJob({
  kind: 'customers.export',
  payload: z.object({ query: z.string(), sort: z.string().optional(), actor: ActorSchema, createdAt: z.string() }),
  checkpoint: ExportCheckpointSchema,
  async run(job) {
    const actor = actorOf(job.orgId, job.payload.actor);
    const bulk = new CustomerBulkService(job.db);
    let at = job.checkpoint;
    if (!at) {
      await job.step(async (tx) => {
        const fields = (await loadFieldDefinitions(tx, job.orgId)).map((f) => ({ id: f.id, key: f.key }));
        const targetIds = await bulk.targetSql(actor, { query: job.payload.query }, undefined, tx);
        const total = await snapshotTargets(
          tx,
          job,
          sql`select row_number() over (order by ${orderOf(job.payload.sort)})::int as position, c.id from customers c where c.org_id = ${job.orgId} and c.id in (${targetIds})`,
        );
        const bytes = await appendJobFile(tx, job, 0, csvHeader(fields));
        await scheduleCleanup(tx, job);
        at = { total, after: 0, seq: 1, rows: 0, bytes, fields };
        return { checkpoint: at, progress: { done: 0, total, message: 'Writing the CSV' } };
      });
    }
    while (!at!.finishedAt) {
      await job.step(async (tx) => {
        const from = at!.after;
        const to = Math.min(from + BATCH, at!.total);
        const next = { ...at!, after: to };
        if (to > from) {
          const { rows } = await tx.execute<Record<string, unknown>>(sql`
            select ${exportColumns} from job_targets jt join customers c on c.id = jt.target_id and c.org_id = ${job.orgId}
             where jt.run_id = ${job.runId} and jt.position > ${from} and jt.position <= ${to} order by jt.position`);
          if (rows.length) {
            next.bytes += await appendJobFile(tx, job, next.seq, csvRows(rows, at!.fields));
            next.seq += 1;
            next.rows += rows.length;
          }
        }
        if (to >= at!.total) {
          await dropJobTargets(tx, job.runId);
          next.finishedAt = new Date().toISOString();
        }
        at = next;
        return { checkpoint: next, progress: { done: to, total: next.total, message: 'Writing the CSV' } };
      });
    }
    const result: CustomerExportResult = {
      rows: at!.rows,
      bytes: at!.bytes,
      filename: exportFilename(job.payload.createdAt),
      fileUrl: exportFileUrl(job.runId),
      expiresAt: new Date(Date.parse(at!.finishedAt!) + EXPORT_KEEP_MS).toISOString(),
    };
    return result;
  },
});

/** Checks the query and the sort, then queues the export: 202 with the job. The same export while it runs is the same job. */
export async function startExportJob(db: Db, actor: Actor, { query, sort }: CustomerExportRequest): Promise<JobRun> {
  const params = new URLSearchParams(query);
  for (const key of ['page', 'pageSize', 'sort', 'after']) params.delete(key);
  const sortCheck = parseCustomerQuery(sort ? { sort } : {});
  if (!sortCheck.ok) throw invalid('Not a valid sort', sortCheck.issues);
  const parsed = parseCustomerQuery(params);
  if (!parsed.ok)
    throw invalid(
      'Not a valid list query',
      parsed.issues.map((i) => ({ ...i, field: `query.${i.field}` })),
    );
  const { id } = await enqueue(db, exportJob, {
    orgId: actor.orgId,
    payload: { query: params.toString(), sort, actor: { userId: actor.userId, defaultCountry: actor.defaultCountry }, createdAt: new Date().toISOString() },
    singletonKey: keyOf(['export', params.toString(), sort ?? null]),
    createdBy: actor.userId,
  });
  return (await getJobRun(db, actor.orgId, id))!;
}

/**
 * The finished export `id` of the organization, to download: its filename and size. Another
 * organization's (or no such) export is a 404; one still running a 409; one past its day a 410.
 */
export async function exportDownload(db: Db, orgId: string, id: string): Promise<{ filename: string; bytes: number }> {
  const run = await getJobRun(db, orgId, id);
  if (!run || run.kind !== exportJob.kind) throw notFound('Export');
  if (run.status !== 'succeeded') {
    const percent = run.progress.percent === null ? '' : ` (${Math.floor(run.progress.percent)}%)`;
    throw new AppError(
      409,
      'export_not_ready',
      run.status === 'failed' ? `This export failed: ${run.error ?? 'unknown error'}` : `This export is not finished yet${percent}`,
    );
  }
  const result = run.result as CustomerExportResult;
  const size = Date.parse(result.expiresAt) > Date.now() ? await jobFileSize(db, orgId, id) : null;
  if (!size) throw new AppError(410, 'export_expired', 'This export has expired: exports are kept for 24 hours. Export again.');
  return { filename: result.filename, bytes: size.bytes };
}

// —————————————————————————————————————— cleanup

/**
 * `customers.jobData.cleanup`: drops a run's snapshot and file a day after it finished (a failed
 * or abandoned run's too). Queued by the run's first step, due a day later; while the run is
 * younger than that, it queues itself again for when it will be due.
 */
const CleanupPayloadSchema = z.object({ runId: z.uuid(), round: z.number().int().min(0) });
type CleanupResult = { targets: number; parts: number } | { dueAt: string };
export const cleanupJob: JobKind<typeof CleanupPayloadSchema, z.ZodUnknown, CleanupResult> = defineJob({
  kind: 'customers.jobData.cleanup',
  payload: CleanupPayloadSchema,
  maxAttempts: 10,
  async run(job) {
    let dropped: CleanupResult = { targets: 0, parts: 0 };
    await job.step(async (tx) => {
      const { rows } = await tx.execute<{ finished_ms: number | null }>(
        sql`select (extract(epoch from finished_at) * 1000)::float8 as finished_ms from job_runs where id = ${job.payload.runId} and org_id = ${job.orgId}`,
      );
      const run = rows[0];
      // Unfinished: look again in an hour. Finished: due a day after.
      const dueAt = !run ? 0 : run.finished_ms !== null ? Number(run.finished_ms) + EXPORT_KEEP_MS : Date.now() + 60 * 60 * 1000;
      if (dueAt > Date.now()) {
        const next = job.payload.round + 1;
        await enqueue(tx, cleanupJob, {
          orgId: job.orgId,
          payload: { runId: job.payload.runId, round: next },
          idempotencyKey: `${job.payload.runId}:${next}`,
          runAt: new Date(dueAt),
        });
        dropped = { dueAt: new Date(dueAt).toISOString() };
        return;
      }
      dropped = await dropJobData(tx, job.payload.runId);
    });
    return dropped;
  },
});

async function scheduleCleanup(tx: Parameters<Parameters<Db['transaction']>[0]>[0], run: { runId: string; orgId: string }) {
  await enqueue(tx, cleanupJob, {
    orgId: run.orgId,
    payload: { runId: run.runId, round: 0 },
    idempotencyKey: `${run.runId}:0`,
    runAt: new Date(Date.now() + EXPORT_KEEP_MS),
  });
}

export const customerJobs = [bulkJob, exportJob, cleanupJob];

/** What the routes start and read of these jobs. */
export class CustomerJobService {
  constructor(private readonly db: Db) {}
  startBulk(actor: Actor, action: BulkAction & { target: { query: string } }) {
    return startBulkJob(this.db, actor, action);
  }
  startExport(actor: Actor, request: CustomerExportRequest) {
    return startExportJob(this.db, actor, request);
  }
  exportDownload(orgId: string, id: string) {
    return exportDownload(this.db, orgId, id);
  }
  readExport(orgId: string, id: string, write: (data: Buffer) => Promise<void>, aborted: () => boolean) {
    return readJobFile(this.db, orgId, id, write, aborted);
  }
}
