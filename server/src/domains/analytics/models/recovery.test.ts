/**
 * Parameter recovery: customers drawn from known parameters (a seeded generator, so the draw is the
 * same on every machine) are fitted, and each estimate must lie within two of its standard errors
 * of the truth. Plus the data no model can be fitted to: a typed refusal that says why, never NaN.
 */
import { describe, expect, it } from 'vitest';
import { fitBgNbd, fitGammaGamma, fitParetoNbd, fitPurchaseModels, type Fitted } from './fit.ts';
import { defaultPredictionSettings, predictCustomers, predictSummary } from './predict.ts';
import { simulateBgNbd, simulateParetoNbd } from './simulate.ts';
import { groupSummaries } from './summary.ts';

/**
 * Each estimate within 2.5 of its standard errors: a run checks seven or eight z-scores, each a
 * draw (across seeds 16–21 the Pareto/NBD ones spread as N(0, 1) would, up to 2.5), so a bound of
 * exactly 2 would fail some seeds by chance alone.
 */
function expectRecovered(fit: Fitted<string, readonly number[]>, truth: Record<string, number>) {
  expect(fit.standardErrors).not.toBeNull();
  for (const [name, value] of Object.entries(truth)) {
    const z = (fit.named[name]! - value) / fit.standardErrors![name]!;
    expect(Math.abs(z), `${fit.model} ${name}: ${fit.named[name]} vs ${value} (se ${fit.standardErrors![name]})`).toBeLessThan(2.5);
  }
}

/**
 * Simulated to the hour (the summaries' "days" are hours here, unitDays 168): at a day's resolution
 * several purchases of the heaviest buyers fall on one day and count once, which biases α by about
 * one and a half standard errors at 20,000 customers. That is the data's property, not the
 * estimator's; recovery tests the estimator.
 */
const HOURS = { unitDays: 7 * 24, TDaysRange: [180 * 24, 540 * 24] as const };

describe('parameter recovery', { timeout: 120_000 }, () => {
  it('recovers BG/NBD parameters and Gamma-Gamma spend from 20,000 simulated customers', () => {
    const truth = { r: 0.4, alpha: 6, a: 0.8, b: 3 };
    const spend = { p: 5, q: 4, gamma: 20 };
    const customers = simulateBgNbd([truth.r, truth.alpha, truth.a, truth.b], {
      customers: 20_000,
      ...HOURS,
      seed: 15,
      spend: [spend.p, spend.q, spend.gamma],
    });
    const fit = fitBgNbd(groupSummaries(customers, HOURS.unitDays));
    if (!fit.ok) throw new Error(fit.message);
    expectRecovered(fit, truth);
    const spendFit = fitGammaGamma(customers.x, customers.meanRepeatValue);
    if (!spendFit.ok) throw new Error(spendFit.message);
    expectRecovered(spendFit, spend);
    // Spend is drawn independently of frequency, and the fit sees no correlation.
    expect(Math.abs(spendFit.spendFrequencyCorrelation)).toBeLessThan(0.05);
  });

  it('recovers Pareto/NBD parameters from 10,000 simulated customers, and prefers it over BG/NBD on them', () => {
    const truth = { r: 0.6, alpha: 8, s: 0.8, beta: 12 };
    const customers = simulateParetoNbd([truth.r, truth.alpha, truth.s, truth.beta], { customers: 10_000, ...HOURS, seed: 16 });
    const grouped = groupSummaries(customers, HOURS.unitDays);
    const fit = fitParetoNbd(grouped);
    if (!fit.ok) throw new Error(fit.message);
    expectRecovered(fit, truth);
    const bgnbd = fitBgNbd(grouped);
    expect(bgnbd.ok && bgnbd.logLikelihood).toBeLessThan(fit.logLikelihood);
  });
});

describe('data the models cannot be fitted to', { timeout: 60_000 }, () => {
  const none = { x: new Int32Array(0), txDays: new Int32Array(0), TDays: new Int32Array(0) };
  const oneTimeBuyers = { x: new Int32Array(500), txDays: new Int32Array(500), TDays: Int32Array.from({ length: 500 }, (_, i) => 10 + i) };
  const single = { x: Int32Array.of(4), txDays: Int32Array.of(80), TDays: Int32Array.of(120) };

  it.each([
    ['no customers', none, 'no-customers', /no customers/],
    ['only one-time buyers', oneTimeBuyers, 'no-repeat-purchases', /every customer bought once/],
    ['a single customer', single, 'too-few-customers', /1 customer with purchases; at least 20/],
  ] as const)('%s: says why, for both purchase models', (_, data, reason, message) => {
    const fits = fitPurchaseModels(groupSummaries(data));
    for (const fit of [fits.bgnbd, fits.paretoNbd, fits.chosen]) {
      expect(fit.ok).toBe(false);
      if (fit.ok) continue;
      expect(fit.reason).toBe(reason);
      expect(fit.message).toMatch(/^cannot fit: /);
      expect(fit.message).toMatch(message);
    }
  });

  it('refuses spend without enough repeat buyers', () => {
    expect(fitGammaGamma([], [])).toMatchObject({ ok: false, reason: 'no-repeat-purchases' });
    expect(fitGammaGamma([0, 0, 0], [0, 0, 0])).toMatchObject({ ok: false, reason: 'no-repeat-purchases' });
    expect(fitGammaGamma([2], [30])).toMatchObject({ ok: false, reason: 'too-few-customers', message: expect.stringMatching(/1 repeat buyer;/) });
  });

  it('says a parameter runs off when nobody ever drops out (every customer still buying at the end)', () => {
    // Everyone buys steadily up to the last day: nothing shows a dropout, so a → 0 (p ≡ 0).
    const n = 300;
    const data = {
      x: Int32Array.from({ length: n }, (_, i) => 1 + (i % 10)),
      txDays: Int32Array.from({ length: n }, () => 364),
      TDays: Int32Array.from({ length: n }, () => 364),
    };
    const fit = fitBgNbd(groupSummaries(data));
    expect(fit.ok).toBe(false);
    if (!fit.ok) expect(fit.message).toMatch(/^cannot fit: the bgnbd parameter \w+ runs off to (zero|infinity)/);
  });
});

describe('predictions', { timeout: 60_000 }, () => {
  it('are finite for every customer, including one with hundreds of purchases', () => {
    const customers = simulateBgNbd([0.4, 6, 0.8, 3], { customers: 5000, TDaysRange: [180, 540], seed: 3, spend: [5, 4, 20] });
    customers.x[0] = 400;
    customers.txDays[0] = 519;
    customers.TDays[0] = 520;
    customers.meanRepeatValue[0] = 55;
    const grouped = groupSummaries(customers);
    const fit = fitBgNbd(grouped);
    const spend = fitGammaGamma(customers.x, customers.meanRepeatValue);
    if (!fit.ok || !spend.ok) throw new Error('fit failed');
    const predictions = predictCustomers(fit, spend, grouped, customers.meanRepeatValue);
    for (const column of Object.values(predictions)) for (const v of column) expect(Number.isFinite(v)).toBe(true);
    // Four hundred purchases in 74 weeks, the last yesterday: alive, buying five times a week.
    expect(predictions.pAlive[0]).toBeGreaterThan(0.5);
    expect(predictions.expectedPurchases[0]).toBeGreaterThan(100);
    expect(predictions.nextMedianDays[0]).toBeLessThan(3);
  });

  it('discount future purchases and give no next-order range to a customer who is probably gone', () => {
    const fit = fitBgNbd(groupSummaries(simulateBgNbd([0.4, 6, 0.8, 3], { customers: 3000, TDaysRange: [180, 540], seed: 4 })));
    if (!fit.ok) throw new Error(fit.message);
    const active = { x: 6, tx: 70, T: 72 };
    const undiscounted = predictSummary(fit, active, { ...defaultPredictionSettings, annualDiscountRate: 0 });
    const discounted = predictSummary(fit, active, { ...defaultPredictionSettings, annualDiscountRate: 0.1 });
    expect(undiscounted.discountedPurchases).toBeCloseTo(undiscounted.expectedPurchases, 12);
    expect(discounted.discountedPurchases).toBeLessThan(discounted.expectedPurchases);
    expect(discounted.discountedPurchases).toBeGreaterThan(discounted.expectedPurchases / 1.1);
    const q = discounted.nextPurchaseDays!;
    expect(q.q1).toBeLessThan(q.median!);
    expect(q.median!).toBeLessThan(q.q3!);
    const gone = predictSummary(fit, { x: 6, tx: 10, T: 72 }, defaultPredictionSettings);
    expect(gone.pAlive).toBeLessThan(defaultPredictionSettings.minAliveForNextPurchase);
    expect(gone.nextPurchaseDays).toBeNull();
  });
});
