import { z } from 'zod';
import { defineJob } from '../../platform/jobs.ts';
import { fitInWorker } from './fit-in-worker.ts';
import type { CannotFit, GammaGammaFit, PurchaseFit } from './models/fit.ts';
import { insertFits, readPurchaseSummaries, type StoredFit } from './repository.ts';

const todayUtc = () => new Date().toISOString().slice(0, 10);

/**
 * `clv.fit`: fits BG/NBD, Pareto/NBD and Gamma-Gamma to one organization's purchases up to
 * `calibrationEnd` (today by default) and stores the parameters, the log-likelihoods and the
 * model chosen; a model that cannot be fitted is stored with its reason. One at a time per
 * organization. The fit (about 12 s of CPU at a million customers) runs on a worker thread, so
 * the node keeps answering meanwhile. The nightly schedule comes with the dashboard.
 */
export const clvFitJob = defineJob({
  kind: 'clv.fit',
  payload: z.object({ calibrationEnd: z.iso.date().optional() }),
  checkpoint: z.object({ fitId: z.string() }),
  maxAttempts: 3,
  queue: (_payload, orgId) => `clv.fit:${orgId}`,
  async run(job) {
    // A retry after the rows were stored finds them by the checkpoint and does not fit again.
    if (job.checkpoint) return { fitId: job.checkpoint.fitId };
    const calibrationEnd = job.payload.calibrationEnd ?? todayUtc();
    const total = 3;
    job.progress({ done: 0, total, message: 'Reading purchase summaries' });
    const summaries = await readPurchaseSummaries(job.db, job.orgId, calibrationEnd);
    const customers = summaries.x.length;
    job.progress({ done: 1, total, message: `Fitting BG/NBD, Pareto/NBD and Gamma-Gamma to ${customers} customers` });
    const { bgnbd, paretoNbd, chosen: best, spend, repeatBuyers } = await fitInWorker(summaries, job.signal);
    const fitId = job.runId;
    const chosen = best.ok ? best.model : null;
    const row = (model: StoredFit['model'], fit: PurchaseFit | GammaGammaFit | CannotFit, seen: number): StoredFit => ({
      orgId: job.orgId,
      fitId,
      model,
      chosen: model === chosen,
      calibrationEnd,
      ...(fit.ok
        ? {
            params: fit.named,
            standardErrors: fit.standardErrors,
            logLikelihood: fit.logLikelihood,
            customers: fit.customers,
            details: {
              groups: fit.groups,
              evaluations: fit.evaluations,
              milliseconds: Math.round(fit.milliseconds),
              ...('spendFrequencyCorrelation' in fit ? { spendFrequencyCorrelation: fit.spendFrequencyCorrelation } : {}),
            },
          }
        : { customers: seen, cannotFit: fit.message }),
    });
    await job.step(async (tx) => {
      await insertFits(tx, [row('bgnbd', bgnbd, customers), row('pareto-nbd', paretoNbd, customers), row('gamma-gamma', spend, repeatBuyers)]);
      return { checkpoint: { fitId }, progress: { done: total, total, message: 'Stored' } };
    });
    return { fitId, chosen, customers };
  },
});
