import type { z } from 'zod';
import type { Db } from '../../platform/db/connect.ts';
import type { JobContext, ProgressReport } from '../../platform/jobs.ts';
import { createLogger } from '../../platform/logger.ts';
import type { Tx } from '../../platform/outbox.ts';
import { importJob } from './service.ts';

type Payload = z.infer<typeof importJob.payload>;
type Checkpoint = z.infer<NonNullable<typeof importJob.checkpoint>>;

/**
 * Runs an import's job code in this process, for the CLI (which has no queue of its own): each
 * step is a transaction with its checkpoint kept in memory, progress goes to `onProgress`. The
 * batches commit exactly as the queued job's do.
 */
export async function runImportHere(db: Db, orgId: string, payload: Payload, onProgress: (p: ProgressReport) => void) {
  const controller = new AbortController();
  const ctx: JobContext<Payload, Checkpoint> = {
    runId: crypto.randomUUID(),
    orgId,
    payload,
    attempt: 1,
    checkpoint: undefined,
    signal: controller.signal,
    db,
    logger: createLogger('silent'),
    step: async (work: (tx: Tx) => Promise<{ checkpoint?: Checkpoint; progress?: ProgressReport } | void>) => {
      const out = await db.transaction((tx) => work(tx as Tx));
      if (out?.checkpoint) ctx.checkpoint = out.checkpoint;
      if (out?.progress) onProgress(out.progress);
    },
    progress: onProgress,
  };
  return importJob.run(ctx);
}
