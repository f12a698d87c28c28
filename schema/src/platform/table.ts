import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { organizations, users } from '../organizations/table.ts';
import { jobStatuses, type JobProgress } from './jobs.ts';
import { bytea } from './types.ts';

const at = (name: string) => timestamp(name, { withTimezone: true });

/**
 * The transactional outbox (server/src/platform/outbox.ts): a service inserts its event here in
 * the transaction that made the change, so the event exists exactly when the change does.
 * Dispatchers on every node claim pending rows with FOR NO KEY UPDATE SKIP LOCKED.
 */
export const outboxEvents = pgTable(
  'outbox_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    /** An EventName of @foyer/schema (platform/events.ts). */
    name: text('name').notNull(),
    payload: jsonb('payload').notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
    /** Set once every durable subscriber has it; null rows are the dispatchers' work. */
    dispatchedAt: at('dispatched_at'),
    /** Not before this: a subscriber failed and the retry backs off. */
    availableAt: at('available_at').notNull().defaultNow(),
    /** Dispatch rounds that ended with a subscriber failing. */
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
  },
  (t) => [
    // The dispatchers' claim walks this in id order and skips what is backing off or locked.
    index('outbox_events_pending_idx')
      .on(t.id)
      .where(sql`${t.dispatchedAt} is null`),
    index('outbox_events_dispatched_idx')
      .on(t.dispatchedAt)
      .where(sql`${t.dispatchedAt} is not null`),
  ],
);

/**
 * Which durable subscriber has acted on which event: the idempotency key of a delivery. A
 * subscriber that takes a transaction gets this row inserted in that same transaction, so its
 * effect and "done" commit together (it acts exactly once); the others get it after they return.
 */
export const outboxDeliveries = pgTable(
  'outbox_deliveries',
  {
    subscriber: text('subscriber').notNull(),
    eventId: bigint('event_id', { mode: 'number' })
      .notNull()
      .references(() => outboxEvents.id, { onDelete: 'cascade' }),
    deliveredAt: at('delivered_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.subscriber, t.eventId] }), index('outbox_deliveries_event_idx').on(t.eventId)],
);

/**
 * One background job as staff see it (server/src/platform/jobs.ts): status, progress, result and
 * the handler's checkpoint. graphile-worker's own tables schedule and lock the work; this row is
 * the job's truth and the fence against a stale attempt (`attempt`).
 */
export const jobRuns = pgTable(
  'job_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    payload: jsonb('payload').notNull(),
    status: text('status', { enum: jobStatuses }).notNull().default('queued'),
    /** At most one unfinished run per (org, kind, singleton key). */
    singletonKey: text('singleton_key'),
    /** At most one run ever per (org, kind, idempotency key). */
    idempotencyKey: text('idempotency_key'),
    /** Attempts started; each chunk commits only while it is still its attempt's number. */
    attempt: integer('attempt').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull(),
    /** Where the handler resumes after a crash or retry; written with each chunk of work. */
    checkpoint: jsonb('checkpoint'),
    progress: jsonb('progress').$type<JobProgress>(),
    result: jsonb('result'),
    error: text('error'),
    /** The graphile-worker job that schedules this run. */
    queueJobId: bigint('queue_job_id', { mode: 'number' }),
    /** The node (and graphile worker) running the current attempt, to release it if that node dies. */
    nodeId: text('node_id'),
    workerId: text('worker_id'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: at('created_at').notNull().defaultNow(),
    startedAt: at('started_at'),
    updatedAt: at('updated_at').notNull().defaultNow(),
    finishedAt: at('finished_at'),
  },
  (t) => [
    uniqueIndex('job_runs_singleton_idx')
      .on(t.orgId, t.kind, t.singletonKey)
      .where(sql`${t.singletonKey} is not null and ${t.finishedAt} is null`),
    uniqueIndex('job_runs_idempotency_idx')
      .on(t.orgId, t.kind, t.idempotencyKey)
      .where(sql`${t.idempotencyKey} is not null`),
    /** What the reaper looks at: unfinished runs, by status and node. */
    index('job_runs_unfinished_idx')
      .on(t.status, t.nodeId)
      .where(sql`${t.finishedAt} is null`),
    index('job_runs_org_idx').on(t.orgId, t.createdAt),
  ],
);

/**
 * What a job works through, fixed when it starts (server/src/platform/job-data.ts): the ids a
 * list query matched then, numbered in the order the job takes them. Steps walk it by position
 * (keyset), so records created or changed meanwhile neither shift nor join the work, and a
 * resumed attempt carries on from its checkpoint's position. Dropped when the job ends.
 */
export const jobTargets = pgTable(
  'job_targets',
  {
    runId: uuid('run_id')
      .notNull()
      .references(() => jobRuns.id, { onDelete: 'cascade' }),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    /** A record's id (for customer jobs a customer's); no foreign key: a record deleted meanwhile is skipped. */
    targetId: uuid('target_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.position] })],
);

/**
 * A file a job writes (a CSV export), in PostgreSQL so any node serves it: one row per step, in
 * order of `seq`, committed with the step's checkpoint (a resumed job never writes a part twice).
 * Cleaned up a day after the job finishes.
 */
export const jobFileChunks = pgTable(
  'job_file_chunks',
  {
    runId: uuid('run_id')
      .notNull()
      .references(() => jobRuns.id, { onDelete: 'cascade' }),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    data: bytea('data').notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.seq] })],
);
