import { z } from 'zod';

/**
 * What staff see of a background job (server/src/platform/jobs.ts): `GET /api/jobs/{id}` and the
 * `job:progress` event on /staff carry these shapes.
 */

/**
 * queued: waiting for a worker (also after a node stopped mid-run: it is picked up again);
 * running: a worker has it; retrying: an attempt failed and another is scheduled (see `error`);
 * succeeded / failed: final (failed: every attempt failed).
 */
export const jobStatuses = ['queued', 'running', 'retrying', 'succeeded', 'failed'] as const;
export type JobStatus = (typeof jobStatuses)[number];

export const JobProgressSchema = z
  .object({
    /** 0–100, from done/total when the job knows its total; null while it does not. */
    percent: z.number().min(0).max(100).nullable(),
    done: z.number().int().nonnegative().nullable(),
    total: z.number().int().nonnegative().nullable(),
    /** Seconds left at the rate of the current attempt so far; null until there is a rate. */
    etaSeconds: z.number().int().nonnegative().nullable(),
    message: z.string().nullable(),
  })
  .meta({ id: 'JobProgress' });
export type JobProgress = z.infer<typeof JobProgressSchema>;

export const JobRunSchema = z
  .object({
    id: z.uuid(),
    kind: z.string().meta({ description: 'What the job does, e.g. customers.export' }),
    status: z.enum(jobStatuses),
    progress: JobProgressSchema,
    /** What the job returned when it succeeded (its kind decides the shape). */
    result: z.unknown().nullable(),
    /** The last attempt's error, also while retrying. */
    error: z.string().nullable(),
    /** Attempts started so far, and how many it may take. */
    attempt: z.number().int(),
    maxAttempts: z.number().int(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: 'JobRun' });
export type JobRun = z.infer<typeof JobRunSchema>;

/** `job:progress` on /staff: a job of the receiver's organization moved on. */
export type JobProgressEvent = Pick<JobRun, 'id' | 'kind' | 'status' | 'progress' | 'error' | 'attempt'> & { result?: unknown };
