import { describe, expect, it } from 'vitest';
import { fitCustomerValue } from './fit-all.ts';
import { fitInWorker } from './fit-in-worker.ts';
import { simulateBgNbd } from './models/simulate.ts';

describe('fitInWorker', { timeout: 60_000 }, () => {
  it('fits on another thread: the event loop keeps turning, and the result is the in-process one', async () => {
    const customers = simulateBgNbd([0.3, 5, 0.8, 2.5], { customers: 8000, TDaysRange: [30, 500], seed: 7, spend: [6, 3.7, 1500] });
    const inProcess = fitCustomerValue({
      x: customers.x.slice(),
      txDays: customers.txDays.slice(),
      TDays: customers.TDays.slice(),
      meanRepeatValue: customers.meanRepeatValue.slice(),
    });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const result = await fitInWorker(customers);
    clearInterval(timer);
    // On this thread the fit would run inside the call, and no timer could fire until it returned.
    expect(ticks).toBeGreaterThanOrEqual(2);
    // The arrays moved to the worker.
    expect(customers.x.length).toBe(0);
    const named = (fit: { ok: boolean; named?: Record<string, number> }) => (fit.ok ? fit.named : fit);
    expect(named(result.bgnbd)).toEqual(named(inProcess.bgnbd));
    expect(named(result.paretoNbd)).toEqual(named(inProcess.paretoNbd));
    expect(named(result.spend)).toEqual(named(inProcess.spend));
    expect(result.chosen.ok && result.chosen.model).toBe(inProcess.chosen.ok && inProcess.chosen.model);
    expect(result).toMatchObject({ customers: 8000, repeatBuyers: inProcess.repeatBuyers });
  });

  it('stops the worker when aborted', async () => {
    const customers = simulateBgNbd([0.3, 5, 0.8, 2.5], { customers: 50_000, TDaysRange: [30, 500], seed: 8 });
    const controller = new AbortController();
    const fitting = fitInWorker(customers, controller.signal);
    setTimeout(() => controller.abort(), 50);
    await expect(fitting).rejects.toThrow(/stopped/);
  });
});
