/**
 * Background jobs: work longer than a request, that survives a restart, runs once across nodes and
 * shows its progress to staff.
 *
 * ## Declaring a job kind
 * ```ts
 * export const exportSegment = defineJob({
 *   kind: 'customers.exportSegment',                 // stable name; never rename
 *   payload: z.object({ segmentId: z.uuid() }),
 *   checkpoint: z.object({ after: z.uuid().nullable(), written: z.number() }),   // optional
 *   maxAttempts: 5,          // attempts in all (default 5); retries back off e^n s (2.7 s, 7 s, 20 s, …)
 *   concurrency: 1,          // at most this many of this kind at once on one node (optional)
 *   queue: (payload, orgId) => `export:${orgId}`,   // optional: one at a time per queue name, cluster-wide
 *   async run(job) {
 *     let at = job.checkpoint ?? { after: null, written: 0 };     // where the last committed step ended
 *     const total = await countSegment(job.db, job.orgId, job.payload.segmentId);
 *     for (;;) {
 *       const rows = await pageOfSegment(job.db, job.orgId, job.payload.segmentId, at.after, 1000);
 *       if (!rows.length) return { written: at.written };       // the result, readable by staff
 *       await job.step(async (tx) => {                          // ONE transaction: the work and the checkpoint
 *         await appendToExport(tx, job.runId, rows);
 *         at = { after: rows.at(-1)!.id, written: at.written + rows.length };
 *         return { checkpoint: at, progress: { done: at.written, total, message: 'Writing rows' } };
 *       });
 *     }
 *   },
 * });
 * ```
 * and register it: `jobs.define(exportSegment)` before the queue starts (server.ts; later the
 * domain list).
 *
 * ## Enqueuing
 * `await enqueue(tx, exportSegment, { orgId, payload: { segmentId }, singletonKey: segmentId, createdBy: userId })`
 * returns `{ id, created }`. Pass the transaction of the change that calls for the job: the run
 * exists exactly when the change does (from an outbox subscriber: exactly once per event).
 * `singletonKey`: while a run with this key is unfinished, enqueueing again returns it.
 * `idempotencyKey`: one run per key, ever (a client's retried request).
 *
 * ## What is guaranteed
 * - A run is attempted until it succeeds or `maxAttempts` attempts have failed; on one node at a
 *   time. If a node dies mid-run (kill -9, a lost host), the other nodes notice at once (its
 *   PostgreSQL session is gone, see node-session.ts) and the run is picked up again by any node
 *   (including the restarted one) within a few seconds; that attempt counts.
 * - A step (`job.step(tx => …)`) commits its work, the checkpoint and progress together, and only
 *   while its attempt is still the run's current one (job_runs.attempt is the fence; the row is
 *   locked for the step). So work done in steps is applied exactly once, even when a node that was
 *   thought dead wakes up: its next step throws instead of committing. Work outside steps (files,
 *   mail) happens at least once: key it by `job.runId` and the checkpoint.
 * - A retry or a resumed run calls `run` again from the top with the last committed checkpoint:
 *   `run` must carry on from `job.checkpoint`, and return its result even when there is nothing
 *   left to do.
 * - Graceful shutdown: `job.signal` aborts; the step in progress finishes, the next `job.step`
 *   throws, and the run goes back to the queue without using up an attempt.
 * - Progress: `job.progress({ done, total, message })` (or a step's `progress`) is stored on the
 *   run and sent to staff of the job's organization as `job:progress` on /staff (at most every
 *   200 ms; each status change at once). Percent and ETA are worked out from done/total unless
 *   given. `GET /api/jobs/{id}` reads the same (jobs-routes.ts).
 *
 * ## Why graphile-worker (0.16)
 * It runs on Node 20 (0.18 needs 22.18) and on the embedded PostgreSQL (its schema installs with
 * our migrations); it wakes workers with LISTEN/NOTIFY when a job is added (pg-boss 10 only
 * polls, at best every 0.5 s), locks with SKIP LOCKED, retries with exponential backoff, has
 * per-node concurrency, named queues for one-at-a-time work, and job flags we use for per-kind
 * limits. Its `add_job` is a SQL function, so enqueueing happens inside the caller's transaction.
 * It does not notice a crashed worker for 4 hours (pg-boss: until the job's expiry), so crash
 * recovery is ours: job_runs records which node runs an attempt, and `forceUnlockWorkers` releases
 * the jobs of nodes whose session has gone.
 */
import { EventEmitter } from 'node:events';
import {
  Logger as GraphileLogger,
  makeWorkerUtils,
  parseCronItems,
  run,
  runMigrations,
  type JobHelpers,
  type Runner,
  type Task,
  type WorkerEvents,
  type WorkerUtils,
} from 'graphile-worker';
import { and, eq, sql } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
import type pg from 'pg';
import type { z } from 'zod';
import { jobRuns } from '@foyer/schema/tables';
import type { JobProgress, JobProgressEvent, JobRun, JobStatus } from '@foyer/schema/validation';
import type { Db, DbOrTx } from './db/connect.ts';
import type { Logger } from './logger.ts';
import { isNodeAliveSql, type NodeSession } from './node-session.ts';
import type { Tx } from './outbox.ts';

/** A recurring task: `match` is a crontab time in UTC ("0 * * * *": every hour on the hour). */
export type CronTask = { id: string; match: string; run: (db: Db) => Promise<void> };

/** What a handler says about how far it is; missing fields keep their last value. */
export type ProgressReport = { done?: number; total?: number; message?: string; percent?: number; etaSeconds?: number };

export type JobContext<P, C> = {
  runId: string;
  orgId: string;
  payload: P;
  /** 1 for the first attempt. */
  attempt: number;
  /** What the last committed step saved; undefined before the first. */
  checkpoint: C | undefined;
  /** Aborted when this node shuts down: finish what you are doing; the next step will throw. */
  signal: AbortSignal;
  /** For reads outside steps. */
  db: Db;
  logger: Logger;
  /** One unit of work and its checkpoint and progress, in one transaction (see the top). */
  step: (work: (tx: Tx) => Promise<{ checkpoint?: C; progress?: ProgressReport } | void>) => Promise<void>;
  progress: (report: ProgressReport) => void;
};

export type JobKind<P extends z.ZodType = z.ZodType, C extends z.ZodType = z.ZodType, R = unknown> = {
  kind: string;
  payload: P;
  checkpoint?: C;
  maxAttempts: number;
  concurrency?: number;
  // Methods, not function properties: a kind of any payload is then a JobKind (bivariant).
  queue?(payload: z.infer<P>, orgId: string): string;
  run(job: JobContext<z.infer<P>, z.infer<C>>): Promise<R>;
};

export function defineJob<P extends z.ZodType, R, C extends z.ZodType = z.ZodUnknown>(def: {
  kind: string;
  payload: P;
  checkpoint?: C;
  maxAttempts?: number;
  concurrency?: number;
  queue?: (payload: z.infer<P>, orgId: string) => string;
  run: (job: JobContext<z.infer<P>, z.infer<C>>) => Promise<R>;
}): JobKind<P, C, R> {
  // Also what makes the kind safe to write as an array literal ({kind}) for its flag.
  if (!/^[a-z0-9][a-z0-9._:-]*$/i.test(def.kind)) throw new Error(`Job kind "${def.kind}": letters, digits and . _ : - only`);
  const maxAttempts = def.maxAttempts ?? 5;
  if (!(Number.isInteger(maxAttempts) && maxAttempts >= 1)) throw new Error(`Job kind ${def.kind}: maxAttempts must be a whole number ≥ 1`);
  return { ...def, maxAttempts };
}

// The erased shape the queue works with (a JobKind's parameters are invariant).
type AnyKind = JobKind<z.ZodType, z.ZodType, unknown>;

/** Thrown by a step of an attempt that is no longer the run's current one; nothing was committed. */
export class JobSuperseded extends Error {
  constructor(runId: string) {
    super(`Job run ${runId} was taken over by another attempt`);
  }
}
/** Thrown by a step once the node is shutting down; the run goes back to the queue. */
export class JobInterrupted extends Error {
  constructor() {
    super('This node is shutting down');
  }
}

type EnqueueOptions<P extends z.ZodType> = {
  orgId: string;
  payload: z.input<P>;
  singletonKey?: string;
  idempotencyKey?: string;
  createdBy?: string | null;
  runAt?: Date;
};

/**
 * Adds a run of `kind` (see the top of this file). With a transaction, the run commits with it;
 * with the database, in one of its own.
 */
export async function enqueue<P extends z.ZodType>(
  db: DbOrTx,
  kind: JobKind<P, z.ZodType, unknown>,
  options: EnqueueOptions<P>,
): Promise<{ id: string; created: boolean }> {
  const payload = kind.payload.parse(options.payload) as z.infer<P>;
  if (!(db instanceof PgTransaction)) return (db as Db).transaction((tx) => enqueue(tx, kind, options));
  const queueName = kind.queue?.(payload, options.orgId) ?? null;
  for (let tries = 0; tries < 3; tries++) {
    const { rows } = await db.execute<{ id: string }>(sql`
      insert into job_runs (org_id, kind, payload, singleton_key, idempotency_key, max_attempts, created_by, progress)
      values (${options.orgId}, ${kind.kind}, ${JSON.stringify(payload)}::jsonb, ${options.singletonKey ?? null},
              ${options.idempotencyKey ?? null}, ${kind.maxAttempts}, ${options.createdBy ?? null}, ${JSON.stringify(emptyProgress)}::jsonb)
      on conflict do nothing
      returning id`);
    if (rows[0]) {
      const id = rows[0].id;
      await db.execute(sql`
        update job_runs set queue_job_id = (
          select id from graphile_worker.add_job(${kind.kind}, json_build_object('runId', ${id}::text),
            queue_name => ${queueName}::text, run_at => ${options.runAt?.toISOString() ?? null}::timestamptz,
            max_attempts => ${kind.maxAttempts}::int, flags => ${kind.concurrency ? `{${kind.kind}}` : null}::text[]))
        where id = ${id}`);
      return { id, created: true };
    }
    const existing = await db.execute<{ id: string }>(sql`
      select id from job_runs
       where org_id = ${options.orgId} and kind = ${kind.kind}
         and ((singleton_key = ${options.singletonKey ?? null} and finished_at is null) or idempotency_key = ${options.idempotencyKey ?? null})
       limit 1`);
    if (existing.rows[0]) return { id: existing.rows[0].id, created: false };
    // The singleton run it collided with finished meanwhile: try again.
  }
  throw new Error(`Could not enqueue ${kind.kind}: its key kept colliding`);
}

const emptyProgress: JobProgress = { percent: null, done: null, total: null, etaSeconds: null, message: null };

type RunRow = {
  id: string;
  org_id: string;
  kind: string;
  status: JobStatus;
  payload: unknown;
  attempt: number;
  max_attempts: number;
  checkpoint: unknown;
  progress: JobProgress | null;
  result: unknown;
  error: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
};

/** A run of the organization, or undefined (also when it is another organization's). */
export async function getJobRun(db: DbOrTx, orgId: string, id: string): Promise<JobRun | undefined> {
  const [r] = await db
    .select()
    .from(jobRuns)
    .where(and(eq(jobRuns.id, id), eq(jobRuns.orgId, orgId)));
  return (
    r && {
      id: r.id,
      kind: r.kind,
      status: r.status,
      progress: r.progress ?? emptyProgress,
      result: r.result ?? null,
      error: r.error,
      attempt: r.attempt,
      maxAttempts: r.maxAttempts,
      createdAt: r.createdAt.toISOString(),
      startedAt: r.startedAt?.toISOString() ?? null,
      finishedAt: r.finishedAt?.toISOString() ?? null,
    }
  );
}

/** Installs (or updates) graphile-worker's schema; part of `migrate`. */
export async function migrateJobQueue(pool: pg.Pool): Promise<void> {
  await runMigrations({ pgPool: pool, logger: silentGraphileLogger });
}

const silentGraphileLogger = new GraphileLogger(() => () => {});

export type JobQueueOptions = {
  /** Jobs running at once on this node. */
  concurrency?: number;
  /** How often idle workers look for jobs that came due (retries, run_at); new jobs wake them at once. */
  pollMs?: number;
  /** How often this node looks for runs of nodes that died. */
  reapEveryMs?: number;
  /** How long stop() waits for running steps before it leaves the runs to the reaper of another node. */
  stopTimeoutMs?: number;
};

type ProgressListener = (orgId: string, event: JobProgressEvent) => void;

/** One attempt running on this node. */
type Active = {
  runId: string;
  orgId: string;
  kind: string;
  attempt: number;
  progress: JobProgress;
  startedAt: number;
  doneAtStart: number | null;
  lastEmit: number;
  emitTimer: NodeJS.Timeout | undefined;
  dirty: boolean;
  flushTimer: NodeJS.Timeout | undefined;
};

const PROGRESS_EMIT_MS = 200;

/** This node's workers (see the top of this file). */
export class JobQueue {
  private readonly kinds = new Map<string, AnyKind>();
  /** Jobs of each kind this node has taken (from graphile's job:start until the task returns). */
  private readonly running = new Map<string, number>();
  /** Workers between asking which kinds to skip and getting a job: each may yet take a limited kind. */
  private fetching = 0;
  private readonly active = new Set<Active>();
  private readonly listeners = new Set<ProgressListener>();
  private readonly opts: Required<JobQueueOptions>;
  private readonly stopController = new AbortController();
  private runner: Runner | undefined;
  private utils: WorkerUtils | undefined;
  private reapTimer: NodeJS.Timeout | undefined;
  private reaping: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly session: NodeSession,
    private readonly logger: Logger,
    options: JobQueueOptions = {},
  ) {
    this.opts = { concurrency: 2, pollMs: 1000, reapEveryMs: 5000, stopTimeoutMs: 10_000, ...options };
  }

  /** Registers job kinds; before start(). */
  define(...kinds: JobKind<z.ZodType, z.ZodType, unknown>[]): this {
    if (this.runner) throw new Error('Define job kinds before the queue starts');
    for (const kind of kinds) {
      if (this.kinds.has(kind.kind)) throw new Error(`Two job kinds are called ${kind.kind}`);
      this.kinds.set(kind.kind, kind as AnyKind);
    }
    return this;
  }

  /**
   * Registers recurring tasks (graphile's cron: each fires once across the nodes, at-least-once);
   * before start(). A task should be short: it enqueues the real work as job runs (with an
   * idempotency key for its period), which then get retries, progress and crash recovery.
   */
  schedule(...tasks: CronTask[]): this {
    if (this.runner) throw new Error('Schedule recurring tasks before the queue starts');
    for (const task of tasks) {
      if (this.kinds.has(task.id) || this.crons.some((c) => c.id === task.id)) throw new Error(`Two job kinds or tasks are called ${task.id}`);
      this.crons.push(task);
    }
    return this;
  }

  private readonly crons: CronTask[] = [];

  /** Hears every status and progress change of runs on this node (and of runs it reaps). */
  onProgress(listener: ProgressListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(): Promise<void> {
    const log = this.logger.child({ module: 'jobs' });
    // graphile's info lines (one per job) are debug to us.
    const graphileLogger = new GraphileLogger((scope) => (level, message, meta) => {
      const l = String(level);
      const method = l === 'error' ? 'error' : l === 'warning' ? 'warn' : 'debug';
      log[method]({ graphile: scope, ...(meta ?? {}) }, message);
    });
    const taskList: Record<string, Task> = {};
    // Per-kind limits: a worker about to fetch counts as running one of each limited kind until
    // its fetch returns, so two workers fetching at once cannot both take the last slot.
    const events = new EventEmitter() as WorkerEvents;
    events.on('job:start', ({ job }) => {
      this.fetching--;
      this.running.set(job.task_identifier, (this.running.get(job.task_identifier) ?? 0) + 1);
    });
    events.on('worker:getJob:empty', () => this.fetching--);
    events.on('worker:getJob:error', () => this.fetching--);
    for (const kind of this.kinds.values()) taskList[kind.kind] = (payload, helpers) => this.runTask(kind, payload as { runId: string }, helpers);
    for (const task of this.crons) taskList[task.id] = () => task.run(this.db);
    // graphile shares the node's pool (it holds one connection for LISTEN); it never ends a pool it was given.
    this.utils = await makeWorkerUtils({ pgPool: this.db.$client, logger: graphileLogger });
    if (this.kinds.size || this.crons.length) {
      this.runner = await run({
        pgPool: this.db.$client,
        concurrency: this.opts.concurrency,
        noHandleSignals: true,
        pollInterval: this.opts.pollMs,
        taskList,
        parsedCronItems: parseCronItems(this.crons.map((t) => ({ task: t.id, match: t.match, identifier: t.id }))),
        logger: graphileLogger,
        forbiddenFlags: () => this.atLimit(),
        events,
        gracefulShutdownAbortTimeout: this.opts.stopTimeoutMs,
      });
    }
    await this.reap();
    const tick = () => {
      this.reapTimer = setTimeout(() => {
        this.reaping = this.reap().finally(() => {
          this.reaping = undefined;
          if (!this.stopped) tick();
        });
      }, this.opts.reapEveryMs);
    };
    tick();
  }

  /** Kinds this node runs as many of as their `concurrency` allows: its workers skip them for now. */
  private atLimit(): string[] {
    const full: string[] = [];
    for (const kind of this.kinds.values())
      if (kind.concurrency !== undefined && (this.running.get(kind.kind) ?? 0) + this.fetching >= kind.concurrency) full.push(kind.kind);
    this.fetching++;
    return full;
  }

  /**
   * Stops taking jobs; running ones see `job.signal` abort, finish their step and go back to the
   * queue. Waits up to stopTimeoutMs.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.reapTimer);
    this.stopController.abort();
    const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());
    if (this.runner)
      await Promise.race([Promise.resolve(this.runner.stop()).catch((err) => this.logger.warn({ err }, 'jobs: stop failed')), sleep(this.opts.stopTimeoutMs)]);
    await this.reaping?.catch(() => {});
    for (const a of this.active) clearTimeout(a.emitTimer);
    await Promise.resolve(this.utils?.release()).catch(() => {});
  }

  private async runTask(kind: AnyKind, queuePayload: { runId: string }, helpers: JobHelpers): Promise<void> {
    try {
      await this.attempt(kind, queuePayload, helpers);
    } finally {
      this.running.set(kind.kind, Math.max(0, (this.running.get(kind.kind) ?? 1) - 1));
    }
  }

  private async attempt(kind: AnyKind, queuePayload: { runId: string }, helpers: JobHelpers): Promise<void> {
    const queueJob = helpers.job;
    const runId = queuePayload?.runId;
    if (typeof runId !== 'string') return;
    // Take the attempt: the fence every later write of this attempt checks. A run that finished,
    // or whose current queue job is another one, is not ours to run.
    const { rows } = await this.db.$client.query<RunRow>(
      `update job_runs
          set status = 'running', attempt = attempt + 1, node_id = $2, worker_id = $3,
              started_at = coalesce(started_at, now()), updated_at = now()
        where id = $1 and queue_job_id = $4 and finished_at is null
        returning *`,
      [runId, this.session.nodeId, queueJob.locked_by, queueJob.id],
    );
    const row = rows[0];
    if (!row) return;
    const log = this.logger.child({ module: 'jobs', kind: kind.kind, runId, attempt: row.attempt });
    const progress = row.progress ?? emptyProgress;
    const a: Active = {
      runId,
      orgId: row.org_id,
      kind: kind.kind,
      attempt: row.attempt,
      progress,
      startedAt: Date.now(),
      doneAtStart: progress.done,
      lastEmit: 0,
      emitTimer: undefined,
      dirty: false,
      flushTimer: undefined,
    };
    this.active.add(a);
    this.emit(a, 'running', { error: null }, true);
    const signal = AbortSignal.any([this.stopController.signal, ...(helpers.abortSignal ? [helpers.abortSignal] : [])]);
    const ctx: JobContext<unknown, unknown> = {
      runId,
      orgId: row.org_id,
      payload: undefined,
      attempt: row.attempt,
      checkpoint: row.checkpoint ?? undefined,
      signal,
      db: this.db,
      logger: log,
      step: async (work) => {
        if (signal.aborted) throw new JobInterrupted();
        await this.flushProgress(a);
        let next: JobProgress | undefined;
        await this.db.transaction(async (tx) => {
          const current = await tx.execute<{ attempt: number; status: string }>(sql`select attempt, status from job_runs where id = ${runId} for update`);
          if (current.rows[0]?.attempt !== a.attempt || current.rows[0]?.status !== 'running') throw new JobSuperseded(runId);
          const out = (await work(tx)) ?? {};
          if (out.checkpoint !== undefined) ctx.checkpoint = kind.checkpoint ? kind.checkpoint.parse(out.checkpoint) : out.checkpoint;
          next = out.progress && this.advance(a, out.progress);
          await tx.execute(sql`
            update job_runs set checkpoint = ${JSON.stringify(ctx.checkpoint ?? null)}::jsonb,
                   progress = ${JSON.stringify(next ?? a.progress)}::jsonb, updated_at = now()
             where id = ${runId}`);
        });
        if (next) {
          a.progress = next;
          this.emit(a, 'running', {});
        }
      },
      progress: (report) => {
        a.progress = this.advance(a, report);
        a.dirty = true;
        a.flushTimer ??= setTimeout(() => void this.flushProgress(a).catch((err) => log.warn({ err }, 'jobs: progress not saved')), PROGRESS_EMIT_MS);
        this.emit(a, 'running', {});
      },
    };
    try {
      ctx.payload = kind.payload.parse(row.payload);
      if (kind.checkpoint && ctx.checkpoint !== undefined) ctx.checkpoint = kind.checkpoint.parse(ctx.checkpoint);
      const result = (await kind.run(ctx)) ?? null;
      await this.flushProgress(a);
      const finalProgress: JobProgress =
        a.progress.total !== null ? { ...a.progress, percent: 100, etaSeconds: 0, done: a.progress.total } : { ...a.progress, etaSeconds: 0 };
      const done = await this.db.$client.query(
        `update job_runs set status = 'succeeded', result = $3::jsonb, progress = $4::jsonb, error = null,
                finished_at = now(), updated_at = now()
          where id = $1 and attempt = $2 and status = 'running'`,
        [runId, a.attempt, JSON.stringify(result), JSON.stringify(finalProgress)],
      );
      if (!done.rowCount) throw new JobSuperseded(runId);
      a.progress = finalProgress;
      this.emit(a, 'succeeded', { error: null, result }, true);
      log.debug('job succeeded');
    } catch (err) {
      clearTimeout(a.flushTimer);
      if (err instanceof JobSuperseded) {
        // Another attempt owns the run. Failing our queue job only touches it while we hold its lock.
        log.warn('job attempt superseded by another; dropping it');
        throw err;
      }
      if (err instanceof JobInterrupted || (signal.aborted && this.stopped)) {
        await this.requeue(kind, a, queueJob, await helpers.getQueueName());
        log.info('job interrupted by shutdown; back in the queue');
        return;
      }
      const message = err instanceof Error ? err.message : String(err);
      const final = queueJob.attempts >= queueJob.max_attempts;
      const status: JobStatus = final ? 'failed' : 'retrying';
      await this.db.$client.query(
        `update job_runs set status = $3, error = $4, finished_at = case when $3 = 'failed' then now() end, updated_at = now()
          where id = $1 and attempt = $2 and status = 'running'`,
        [runId, a.attempt, status, message.slice(0, 4000)],
      );
      this.emit(a, status, { error: message }, true);
      log.warn({ err, final }, final ? 'job failed; no attempts left' : 'job attempt failed; will retry');
      // graphile schedules the retry (with backoff) when we throw; a final failure is recorded on
      // the run, so its queue job can go.
      if (!final) throw err;
    } finally {
      clearTimeout(a.flushTimer);
      this.active.delete(a);
    }
  }

  /** Puts an interrupted run back in the queue with a new queue job; the attempt it was on does not count. */
  private async requeue(kind: AnyKind, a: Active, queueJob: JobHelpers['job'], queueName: string | null): Promise<void> {
    const left = Math.max(1, queueJob.max_attempts - queueJob.attempts + 1);
    await this.db.$client.query(
      `update job_runs set status = 'queued', node_id = null, worker_id = null, updated_at = now(),
              queue_job_id = (select id from graphile_worker.add_job($3, json_build_object('runId', $1::text),
                                queue_name => $4::text, max_attempts => $5::int, flags => $6::text[]))
        where id = $1 and attempt = $2 and status = 'running'`,
      [a.runId, a.attempt, kind.kind, queueName, left, kind.concurrency ? [kind.kind] : null],
    );
    this.emit(a, 'queued', { error: null }, true);
  }

  /** The progress after `report`, with percent and ETA worked out when not given. */
  private advance(a: Active, report: ProgressReport): JobProgress {
    const done = report.done ?? a.progress.done;
    const total = report.total ?? a.progress.total;
    if (a.doneAtStart === null && done !== null) {
      a.doneAtStart = done;
      a.startedAt = Date.now();
    }
    let percent = report.percent ?? (total ? Math.min(100, Math.round(((done ?? 0) / total) * 1000) / 10) : null);
    if (percent !== null) percent = Math.max(0, Math.min(100, percent));
    let etaSeconds = report.etaSeconds ?? null;
    if (etaSeconds === null && total !== null && done !== null && a.doneAtStart !== null && done > a.doneAtStart) {
      const rate = (done - a.doneAtStart) / Math.max(0.001, (Date.now() - a.startedAt) / 1000);
      etaSeconds = Math.max(0, Math.round((total - done) / rate));
    }
    return { percent, done, total, etaSeconds, message: report.message ?? a.progress.message };
  }

  /** Saves progress reported outside steps (throttled by the caller). */
  private async flushProgress(a: Active): Promise<void> {
    clearTimeout(a.flushTimer);
    a.flushTimer = undefined;
    if (!a.dirty) return;
    a.dirty = false;
    await this.db.$client.query(`update job_runs set progress = $3::jsonb, updated_at = now() where id = $1 and attempt = $2 and status = 'running'`, [
      a.runId,
      a.attempt,
      JSON.stringify(a.progress),
    ]);
  }

  /** Tells listeners; progress at most every PROGRESS_EMIT_MS (the latest wins), status changes at once. */
  private emit(a: Active, status: JobStatus, extra: { error?: string | null; result?: unknown }, now = false): void {
    const send = () => {
      a.emitTimer = undefined;
      a.lastEmit = Date.now();
      const event: JobProgressEvent = { id: a.runId, kind: a.kind, status, progress: a.progress, error: extra.error ?? null, attempt: a.attempt };
      if (status === 'succeeded') event.result = extra.result ?? null;
      for (const listener of this.listeners) {
        try {
          listener(a.orgId, event);
        } catch (err) {
          this.logger.warn({ err }, 'jobs: progress listener failed');
        }
      }
    };
    if (now) {
      clearTimeout(a.emitTimer);
      return send();
    }
    if (a.emitTimer) return;
    const wait = a.lastEmit + PROGRESS_EMIT_MS - Date.now();
    if (wait <= 0) send();
    else a.emitTimer = setTimeout(send, wait);
  }

  /**
   * Releases the runs of nodes that are gone: their queue jobs are unlocked (graphile would wait
   * 4 hours) and the runs go back to 'queued' (or 'failed' when that was their last attempt).
   * Also catches a node that died between locking a queue job and marking its run running.
   */
  private async reap(): Promise<void> {
    if (!this.utils) return;
    try {
      const { rows: dead } = await this.db.$client.query<{
        id: string;
        kind: string;
        org_id: string;
        attempt: number;
        max_attempts: number;
        worker_id: string | null;
        queue_job_id: string | null;
      }>(
        `select id, kind, org_id, attempt, max_attempts, worker_id, queue_job_id from job_runs r
          where finished_at is null and status = 'running' and node_id <> $1 and not ${isNodeAliveSql('r.node_id')}`,
        [this.session.nodeId],
      );
      const { rows: orphans } = await this.db.$client.query<{ locked_by: string }>(
        `select distinct j.locked_by from job_runs r join graphile_worker.jobs j on j.id = r.queue_job_id
          where r.finished_at is null and r.status in ('queued', 'retrying') and j.locked_at < now() - interval '60 seconds'`,
      );
      const workers = [...new Set([...dead.map((r) => r.worker_id), ...orphans.map((o) => o.locked_by)].filter((w): w is string => !!w))];
      if (workers.length) {
        await this.utils.forceUnlockWorkers(workers);
        // Unlocking tells no worker; this wakes them as a new job would instead of waiting for their poll.
        await this.db.$client.query(`select pg_notify('jobs:insert', json_build_object('count', $1::int)::text)`, [dead.length + orphans.length]);
      }
      for (const run of dead) {
        const { rows: jobs } = await this.db.$client.query<{ attempts: number; max_attempts: number }>(
          'select attempts, max_attempts from graphile_worker.jobs where id = $1',
          [run.queue_job_id],
        );
        const job = jobs[0];
        const last = job ? job.attempts >= job.max_attempts : run.attempt >= run.max_attempts;
        const status: JobStatus = last ? 'failed' : 'queued';
        const error = `The node running attempt ${run.attempt} stopped`;
        const { rowCount } = await this.db.$client.query(
          `update job_runs set status = $2, error = $3, node_id = null, worker_id = null, updated_at = now(),
                  finished_at = case when $2 = 'failed' then now() end,
                  queue_job_id = case when $4 then (select id from graphile_worker.add_job(kind, json_build_object('runId', id::text),
                                        max_attempts => greatest(1, max_attempts - attempt)))
                                  else queue_job_id end
            where id = $1 and status = 'running' and attempt = $5`,
          [run.id, status, error, !job && !last, run.attempt],
        );
        if (last && job && run.queue_job_id) await this.utils.completeJobs([run.queue_job_id]).catch(() => {});
        if (rowCount) {
          this.logger.warn({ runId: run.id, kind: run.kind, attempt: run.attempt, status }, 'jobs: released the run of a node that is gone');
          const event: JobProgressEvent = { id: run.id, kind: run.kind, status, progress: emptyProgress, error, attempt: run.attempt };
          const { rows } = await this.db.$client.query<{ progress: JobProgress | null }>('select progress from job_runs where id = $1', [run.id]);
          event.progress = rows[0]?.progress ?? emptyProgress;
          for (const listener of this.listeners) listener(run.org_id, event);
        }
      }
    } catch (err) {
      if (!this.stopped) this.logger.error({ err }, 'jobs: reaping failed');
    }
  }
}
