import { Worker } from 'node:worker_threads';
import type { CustomerValueFit, FitInput } from './fit-all.ts';

/**
 * Runs fitCustomerValue on a worker thread (fit-worker.mjs) and resolves with its result; the
 * summaries' arrays are moved to the worker, not copied. Aborting terminates the worker.
 */
export function fitInWorker(input: FitInput, signal?: AbortSignal): Promise<CustomerValueFit> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./fit-worker.mjs', import.meta.url), {
      workerData: input,
      transferList: [input.x.buffer, input.txDays.buffer, input.TDays.buffer, input.meanRepeatValue.buffer] as ArrayBuffer[],
    });
    const abort = () => void worker.terminate();
    signal?.addEventListener('abort', abort, { once: true });
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', abort);
      fn();
    };
    worker.once('message', (result: CustomerValueFit) => settle(() => resolve(result)));
    worker.once('error', (error) => settle(() => reject(error)));
    worker.once('exit', (code) => settle(() => reject(new Error(`the fit's worker stopped (exit code ${code}) before it answered`))));
  });
}
