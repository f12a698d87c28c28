/**
 * Per-customer predictions from fitted models: P(alive), expected purchases over the horizon, the
 * expected value per purchase, the discounted customer value over the horizon, and the quartiles of
 * the time to the next purchase given alive. Computed once per distinct (x, t_x, T) and spread to
 * customers (the value per purchase is the only per-customer part), so a refresh of a million
 * customers is a pass over typed arrays; one customer after a new order is the same function on
 * one summary.
 */
import { bgnbdExpectedPurchases, bgnbdNextPurchaseQuantiles, bgnbdPAlive } from './bgnbd.ts';
import type { GammaGammaFit, PurchaseFit } from './fit.ts';
import { gammaGammaExpectedSpend } from './gammagamma.ts';
import { paretoNbdExpectedPurchases, paretoNbdNextPurchaseQuantiles, paretoNbdPAlive } from './paretonbd.ts';
import { DAYS_PER_WEEK, type GroupedSummaries } from './summary.ts';

export const DAYS_PER_YEAR = 365.25;

export type PredictionSettings = {
  /** How far ahead expected purchases and value are counted, in days (a setting; 365 by default). */
  horizonDays: number;
  /** Annual discount rate of future value, e.g. 0.1 for 10 %. */
  annualDiscountRate: number;
  /** Below this P(alive) no next-purchase date range is given ("no order expected"). */
  minAliveForNextPurchase: number;
  /** The models' time unit in days (the summaries were grouped with it). */
  unitDays: number;
};

export const defaultPredictionSettings: PredictionSettings = {
  horizonDays: 365,
  annualDiscountRate: 0.1,
  minAliveForNextPurchase: 0.2,
  unitDays: DAYS_PER_WEEK,
};

const QUARTILES = [0.25, 0.5, 0.75] as const;

type Summary = { x: number; tx: number; T: number };

const pAlive = (fit: PurchaseFit, s: Summary) =>
  fit.model === 'bgnbd' ? bgnbdPAlive(fit.params, s.x, s.tx, s.T) : paretoNbdPAlive(fit.params, s.x, s.tx, s.T);

const expected = (fit: PurchaseFit, t: number, s: Summary) =>
  fit.model === 'bgnbd' ? bgnbdExpectedPurchases(fit.params, t, s.x, s.tx, s.T) : paretoNbdExpectedPurchases(fit.params, t, s.x, s.tx, s.T);

/** Quartiles of the wait to the next purchase given alive, in the model's unit; null where never reached. */
const nextQuartiles = (fit: PurchaseFit, s: Summary): (number | null)[] =>
  fit.model === 'bgnbd' ? bgnbdNextPurchaseQuantiles(fit.params, s.x, s.T, QUARTILES) : paretoNbdNextPurchaseQuantiles(fit.params, s.x, s.T, QUARTILES);

/** What depends on (x, t_x, T) only. */
export type SummaryPrediction = {
  pAlive: number;
  expectedPurchases: number;
  /** Σ over the horizon's months of the purchases expected in the month × the month-end discount factor. */
  discountedPurchases: number;
  /** Days from the end of the data to the next purchase's quartiles, given alive; null: no order expected. */
  nextPurchaseDays: { q1: number; median: number | null; q3: number | null } | null;
};

export function predictSummary(fit: PurchaseFit, s: Summary, settings: PredictionSettings): SummaryPrediction {
  const unitsPerYear = DAYS_PER_YEAR / settings.unitDays;
  const horizon = settings.horizonDays / settings.unitDays;
  // Month by month, each month's expected purchases discounted from its end: the usual discrete
  // approximation of ∫ e^(−δt) dE[Y(t)].
  const months = Math.max(1, Math.round((settings.horizonDays / DAYS_PER_YEAR) * 12));
  let before = 0;
  let discounted = 0;
  for (let k = 1; k <= months; k++) {
    const t = (horizon * k) / months;
    const now = expected(fit, t, s);
    discounted += (now - before) * Math.pow(1 + settings.annualDiscountRate, -t / unitsPerYear);
    before = now;
  }
  const alive = pAlive(fit, s);
  let next: SummaryPrediction['nextPurchaseDays'] = null;
  if (alive >= settings.minAliveForNextPurchase) {
    const [q1, median, q3] = nextQuartiles(fit, s).map((q) => (q === null ? null : q * settings.unitDays));
    if (q1 != null) next = { q1, median: median ?? null, q3: q3 ?? null };
  }
  return { pAlive: alive, expectedPurchases: before, discountedPurchases: discounted, nextPurchaseDays: next };
}

/** The expected value of one future purchase: Gamma-Gamma's conditional mean, or the customer's own mean without a spend model. */
export function expectedValuePerPurchase(spend: GammaGammaFit | null, x: number, meanRepeatValue: number): number | null {
  if (spend) return gammaGammaExpectedSpend(spend.params, x, x > 0 && meanRepeatValue > 0 ? meanRepeatValue : 0);
  return x > 0 && meanRepeatValue > 0 ? meanRepeatValue : null;
}

/** Columns of per-customer predictions (typed arrays; `hasNext` 0 where no next-purchase range is given). */
export type CustomerPredictions = {
  pAlive: Float64Array;
  expectedPurchases: Float64Array;
  expectedValuePerPurchase: Float64Array;
  /** Discounted value over the horizon; 0 for customers without an expected value per purchase. */
  clv: Float64Array;
  hasNext: Uint8Array;
  nextQ1Days: Float64Array;
  nextMedianDays: Float64Array;
  nextQ3Days: Float64Array;
};

/** Predictions for every customer of grouped summaries (x and mean value per customer, in the grouping's order). */
export function predictCustomers(
  fit: PurchaseFit,
  spend: GammaGammaFit | null,
  data: GroupedSummaries,
  meanRepeatValue: ArrayLike<number>,
  settings: PredictionSettings = defaultPredictionSettings,
): CustomerPredictions {
  const perGroup: SummaryPrediction[] = new Array(data.groups);
  for (let g = 0; g < data.groups; g++) perGroup[g] = predictSummary(fit, { x: data.x[g]!, tx: data.tx[g]!, T: data.T[g]! }, settings);
  const n = data.customers;
  const out: CustomerPredictions = {
    pAlive: new Float64Array(n),
    expectedPurchases: new Float64Array(n),
    expectedValuePerPurchase: new Float64Array(n),
    clv: new Float64Array(n),
    hasNext: new Uint8Array(n),
    nextQ1Days: new Float64Array(n),
    nextMedianDays: new Float64Array(n),
    nextQ3Days: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const g = data.groupOf[i]!;
    const p = perGroup[g]!;
    const value = expectedValuePerPurchase(spend, data.x[g]!, meanRepeatValue[i]!) ?? 0;
    out.pAlive[i] = p.pAlive;
    out.expectedPurchases[i] = p.expectedPurchases;
    out.expectedValuePerPurchase[i] = value;
    out.clv[i] = p.discountedPurchases * value;
    if (p.nextPurchaseDays) {
      out.hasNext[i] = 1;
      out.nextQ1Days[i] = p.nextPurchaseDays.q1;
      out.nextMedianDays[i] = p.nextPurchaseDays.median ?? -1;
      out.nextQ3Days[i] = p.nextPurchaseDays.q3 ?? -1;
    }
  }
  return out;
}
