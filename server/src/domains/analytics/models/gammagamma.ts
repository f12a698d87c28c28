/**
 * Gamma-Gamma spend model (Fader & Hardie 2013, "The Gamma-Gamma Model of Monetary Value"): a
 * customer's purchases are Gamma(p, ν) with ν ~ Gamma(q, γ) across customers, independent of how
 * often they buy. Fitted on customers with x ≥ 1 repeat purchases from x and the mean m_x of their
 * values. Parameters are [p, q, γ].
 */
import { lnGamma } from './special.ts';

export type GammaGammaParams = readonly [p: number, q: number, gamma: number];

/** Repeat buyers' x and mean value, with the per-customer logarithms the likelihood reuses precomputed. */
export type SpendData = {
  x: Float64Array;
  mean: Float64Array;
  lnX: Float64Array;
  lnMean: Float64Array;
  maxX: number;
  n: number;
};

export function spendData(x: ArrayLike<number>, mean: ArrayLike<number>): SpendData {
  const keep: number[] = [];
  for (let i = 0; i < x.length; i++) if (x[i]! > 0 && mean[i]! > 0) keep.push(i);
  const xs = Float64Array.from(keep, (i) => x[i]!);
  const ms = Float64Array.from(keep, (i) => mean[i]!);
  return {
    x: xs,
    mean: ms,
    lnX: xs.map(Math.log),
    lnMean: ms.map(Math.log),
    maxX: xs.reduce((m, v) => Math.max(m, v), 0),
    n: keep.length,
  };
}

/** The full density of the observed means (every term, so the value compares with the note's). */
export function gammaGammaLogLikelihood([p, q, gamma]: GammaGammaParams, d: SpendData): number {
  const byX = new Float64Array(d.maxX + 1);
  for (let x = 1; x <= d.maxX; x++) byX[x] = lnGamma(p * x + q) - lnGamma(p * x);
  let total = d.n * (q * Math.log(gamma) - lnGamma(q));
  for (let i = 0; i < d.n; i++) {
    const x = d.x[i]!;
    const px = p * x;
    total += byX[x]! + px * d.lnX[i]! + (px - 1) * d.lnMean[i]! - (px + q) * Math.log(gamma + x * d.mean[i]!);
  }
  return total;
}

/**
 * E[M | x, m_x]: the customer's expected value per purchase, a weighted mean of the population mean
 * pγ/(q−1) and their own m_x. Infinite population mean when q ≤ 1 (callers refuse such a fit).
 */
export function gammaGammaExpectedSpend([p, q, gamma]: GammaGammaParams, x: number, meanValue: number): number {
  if (x === 0) return (p * gamma) / (q - 1);
  return (p * (gamma + x * meanValue)) / (p * x + q - 1);
}

/** Pearson correlation of x and m_x among repeat buyers: the model assumes none. */
export function spendFrequencyCorrelation(d: SpendData): number {
  let sx = 0;
  let sm = 0;
  for (let i = 0; i < d.n; i++) ((sx += d.x[i]!), (sm += d.mean[i]!));
  const mx = sx / d.n;
  const mm = sm / d.n;
  let cov = 0;
  let vx = 0;
  let vm = 0;
  for (let i = 0; i < d.n; i++) {
    const dx = d.x[i]! - mx;
    const dm = d.mean[i]! - mm;
    cov += dx * dm;
    vx += dx * dx;
    vm += dm * dm;
  }
  return vx > 0 && vm > 0 ? cov / Math.sqrt(vx * vm) : 0;
}
