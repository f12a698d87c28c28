/**
 * BG/NBD (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy Way"): while active, a customer
 * buys at a Poisson rate λ ~ Gamma(r, α); after each repeat purchase they drop out with probability
 * p ~ Beta(a, b). Parameters are [r, α, a, b]; times are in the summaries' unit (weeks).
 */
import { lnBeta, lnGamma, logAddExp } from './special.ts';
import type { GroupedSummaries } from './summary.ts';

export type BgNbdParams = readonly [r: number, alpha: number, a: number, b: number];

/** The log-likelihood of all customers, each distinct (x, t_x, T) once times its weight (FHL 2005 eq. 6). */
export function bgnbdLogLikelihood([r, alpha, a, b]: BgNbdParams, data: GroupedSummaries): number {
  // Everything that depends on x alone is tabulated once per evaluation, not once per customer.
  const common = new Float64Array(data.maxX + 1);
  const dropout = new Float64Array(data.maxX + 1);
  const base = -lnGamma(r) + r * Math.log(alpha) + lnGamma(a + b) - lnGamma(b);
  for (let x = 0; x <= data.maxX; x++) {
    common[x] = base + lnGamma(r + x) + lnGamma(b + x) - lnGamma(a + b + x);
    dropout[x] = x > 0 ? Math.log(a) - Math.log(b + x - 1) : -Infinity;
  }
  const lnAlphaPlus = data.times.map((t) => Math.log(alpha + t));
  let total = 0;
  for (let g = 0; g < data.groups; g++) {
    const x = data.x[g]!;
    const rx = r + x;
    const stillActive = -rx * lnAlphaPlus[data.TIndex[g]!]!;
    const droppedAfterLast = x > 0 ? dropout[x]! - rx * lnAlphaPlus[data.txIndex[g]!]! : -Infinity;
    total += data.weight[g]! * (common[x]! + logAddExp(stillActive, droppedAfterLast));
  }
  return total;
}

/** P(alive at T | x, t_x, T) (FHL 2005 eq. 11), in log space so hundreds of purchases cannot overflow it. */
export function bgnbdPAlive([r, alpha, a, b]: BgNbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return 1;
  const logOdds = Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
  return 1 / (1 + Math.exp(logOdds));
}

/**
 * E[purchases in (T, T + t] | x, t_x, T] (FHL 2005 eq. 10). The ₂F₁(r+x, b+x; a+b+x−1; z) there has
 * terms that grow like (1−z)^−x before (α+T)^(r+x)/(α+T+t)^(r+x) shrinks them back; after Euler's
 * transformation the two factors cancel exactly, leaving (1−z)^(a−1) ₂F₁(a+b−1−r, a−1; a+b+x−1; z),
 * whose terms are bounded. The 1/(a−1) factor is divided out of the bracket analytically (every
 * term of the series carries (a−1)), so a = 1 is no singularity.
 */
export function bgnbdExpectedPurchases(params: BgNbdParams, t: number, x: number, tx: number, T: number): number {
  const [r, alpha, a, b] = params;
  if (t <= 0) return 0;
  const z = t / (alpha + T + t);
  const log1mz = Math.log1p(-z);
  const A = a + b - 1 - r;
  const C = a + b + x - 1;
  // Σ_{k≥1} (A)_k (a)_{k−1} / ((C)_k k!) z^k, i.e. (₂F₁(A, a−1; C; z) − 1) / (a − 1).
  let term = (A / C) * z;
  let series = term;
  for (let k = 1; k < 100_000 && Math.abs(term) > 1e-17 * Math.abs(series); k++) {
    term *= (((A + k) * (a + k - 1)) / ((C + k) * (k + 1))) * z;
    series += term;
  }
  const e = a - 1;
  const powerOverE = e === 0 ? -log1mz : -Math.expm1(e * log1mz) / e;
  const bracketOverE = powerOverE - Math.exp(e * log1mz) * series;
  return C * bracketOverE * bgnbdPAlive(params, x, tx, T);
}

/** E[X(t)] for a customer who just made their first purchase (FHL 2005 eq. 9). */
export const bgnbdExpectedPurchasesNew = (params: BgNbdParams, t: number) => bgnbdExpectedPurchases(params, t, 0, 0, 0);

/** P(X(t) = n): a new customer makes exactly n repeat purchases in t (FHL 2005 eq. 8). */
export function bgnbdProbabilityOfPurchases([r, alpha, a, b]: BgNbdParams, t: number, n: number): number {
  const lnP = Math.log(alpha / (alpha + t));
  const lnQ = Math.log(t / (alpha + t));
  // NBD(r, α) probabilities of j purchases in t while active.
  const nbd = (j: number) => Math.exp(lnGamma(r + j) - lnGamma(r) - lnGamma(j + 1) + r * lnP + j * lnQ);
  const activeAll = Math.exp(lnBeta(a, b + n) - lnBeta(a, b)) * nbd(n);
  if (n === 0) return activeAll;
  // P(NBD ≥ n): summed from whichever side avoids 1 − (a number close to 1).
  let head = 0;
  for (let j = 0; j < n; j++) head += nbd(j);
  let atLeastN: number;
  if (head < 0.5) atLeastN = 1 - head;
  else {
    atLeastN = 0;
    let pj = nbd(n);
    for (let j = n; pj > 1e-18 * atLeastN || j < n + 10; j++) {
      atLeastN += pj;
      pj *= ((r + j) / (j + 1)) * Math.exp(lnQ);
      if (j > n + 1_000_000) break;
    }
  }
  return activeAll + Math.exp(lnBeta(a + 1, b + n - 1) - lnBeta(a, b)) * atLeastN;
}

/**
 * The time to the next purchase of a customer who is alive at T. In BG/NBD a customer drops out
 * only right after a purchase, so one alive at T surely buys again, after an exponential time whose
 * rate has the posterior Gamma(r + x, α + T): a Lomax law with P(wait > u) = ((α+T)/(α+T+u))^(r+x).
 * Returns its quantiles (same unit as T).
 */
export function bgnbdNextPurchaseQuantiles([r, alpha]: BgNbdParams, x: number, T: number, probabilities: readonly number[]): number[] {
  return probabilities.map((q) => (alpha + T) * Math.expm1(-Math.log1p(-q) / (r + x)));
}
