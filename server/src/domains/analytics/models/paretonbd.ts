/**
 * Pareto/NBD (Schmittlein, Morrison & Colombo 1987): while alive a customer buys at a Poisson rate
 * λ ~ Gamma(r, α) and dies at an exponential time with rate μ ~ Gamma(s, β). Parameters are
 * [r, α, s, β]. The likelihood follows Fader & Hardie's note "A Note on Implementing the Pareto/NBD
 * Model in MATLAB" (2005), with the Gauss hypergeometric term rearranged so it stays bounded.
 */
import { lnGamma, logAddExp, logSubExp } from './special.ts';
import type { GroupedSummaries } from './summary.ts';

export type ParetoNbdParams = readonly [r: number, alpha: number, s: number, beta: number];

/** ln ₂F₁(1, b; c; z) for 0 ≤ z < 1 and b < c: terms fall by (b+k)/(c+k)·z < z each, summed past the 1 for log1p's accuracy. */
function lnHyp1(b: number, c: number, z: number): number {
  if (z === 0) return 0;
  let term = (b / c) * z;
  let sum = term;
  for (let k = 1; k < 100_000 && term > 1e-17 * sum; k++) {
    term *= ((b + k) / (c + k)) * z;
    sum += term;
  }
  return Math.log1p(sum);
}

/**
 * ln A₀(t) so that A₀ = A₀(t_x) − A₀(T) in Fader & Hardie's notation, i.e.
 * (r+s+x) ∫_{t_x}^{T} (α+τ)^−(r+x) (β+τ)^−(s+1) dτ. Their ₂F₁(r+s+x, ·; r+s+x+1; z) diverges as z → 1
 * (α ≫ β or β ≫ α) and its terms grow with x; Euler's transformation turns it into
 * ₂F₁(1, ·; r+s+x+1; z), whose terms fall by at least z each, and moves the (1−z) power into the
 * closed-form part, which is then a sum of logarithms: lnA = ln(α+t), lnB = ln(β+t).
 */
function lnA0Part(r: number, alpha: number, s: number, beta: number, x: number, t: number, lnA: number, lnB: number): number {
  const c = r + s + x + 1;
  if (alpha >= beta) return lnHyp1(r + x, c, (alpha - beta) / (alpha + t)) - (r + x) * lnA - s * lnB;
  return lnHyp1(s + 1, c, (beta - alpha) / (beta + t)) + (1 - r - x) * lnA - (1 + s) * lnB;
}

/** ln of the part of the likelihood for dying unobserved between t_x and T: (s/(r+s+x)) A₀. */
function lnDiedBetween(
  [r, alpha, s, beta]: ParetoNbdParams,
  x: number,
  tx: number,
  T: number,
  lnA = [Math.log(alpha + tx), Math.log(alpha + T)],
  lnB = [Math.log(beta + tx), Math.log(beta + T)],
): number {
  const lnA0 = logSubExp(lnA0Part(r, alpha, s, beta, x, tx, lnA[0]!, lnB[0]!), lnA0Part(r, alpha, s, beta, x, T, lnA[1]!, lnB[1]!));
  return Math.log(s) - Math.log(r + s + x) + lnA0;
}

/**
 * The distinct (x, time) pairs of grouped data: A₀'s two parts depend on x and one time only, and
 * far fewer pairs than groups exist (a million customers: ~330,000 groups, tens of thousands of
 * pairs), so each evaluation sums the hypergeometric series once per pair. Built once per data set.
 */
type PairIndex = { pairs: number; pairX: Float64Array; pairTime: Uint32Array; txPair: Uint32Array; TPair: Uint32Array };
const pairIndexes = new WeakMap<GroupedSummaries, PairIndex>();

function pairIndexOf(data: GroupedSummaries): PairIndex {
  const cached = pairIndexes.get(data);
  if (cached) return cached;
  const ids = new Map<number, number>();
  const pairX: number[] = [];
  const pairTime: number[] = [];
  const id = (x: number, time: number) => {
    const key = x * data.times.length + time;
    let p = ids.get(key);
    if (p === undefined) (ids.set(key, (p = pairX.length)), pairX.push(x), pairTime.push(time));
    return p;
  };
  const txPair = new Uint32Array(data.groups);
  const TPair = new Uint32Array(data.groups);
  for (let g = 0; g < data.groups; g++) {
    txPair[g] = id(data.x[g]!, data.txIndex[g]!);
    TPair[g] = id(data.x[g]!, data.TIndex[g]!);
  }
  const index = { pairs: pairX.length, pairX: Float64Array.from(pairX), pairTime: Uint32Array.from(pairTime), txPair, TPair };
  pairIndexes.set(data, index);
  return index;
}

export function paretoNbdLogLikelihood([r, alpha, s, beta]: ParetoNbdParams, data: GroupedSummaries): number {
  const pairs = pairIndexOf(data);
  const common = new Float64Array(data.maxX + 1);
  const lnShare = new Float64Array(data.maxX + 1);
  const base = -lnGamma(r) + r * Math.log(alpha) + s * Math.log(beta);
  for (let x = 0; x <= data.maxX; x++) {
    common[x] = base + lnGamma(r + x);
    lnShare[x] = Math.log(s) - Math.log(r + s + x);
  }
  const lnAlphaPlus = data.times.map((t) => Math.log(alpha + t));
  const lnBetaPlus = data.times.map((t) => Math.log(beta + t));
  const part = new Float64Array(pairs.pairs);
  for (let p = 0; p < pairs.pairs; p++) {
    const t = pairs.pairTime[p]!;
    part[p] = lnA0Part(r, alpha, s, beta, pairs.pairX[p]!, data.times[t]!, lnAlphaPlus[t]!, lnBetaPlus[t]!);
  }
  let total = 0;
  for (let g = 0; g < data.groups; g++) {
    const x = data.x[g]!;
    const T = data.TIndex[g]!;
    const aliveAtT = -(r + x) * lnAlphaPlus[T]! - s * lnBetaPlus[T]!;
    const died = lnShare[x]! + logSubExp(part[pairs.txPair[g]!]!, part[pairs.TPair[g]!]!);
    total += data.weight[g]! * (common[x]! + logAddExp(aliveAtT, died));
  }
  return total;
}

/** P(alive at T | x, t_x, T). */
export function paretoNbdPAlive(params: ParetoNbdParams, x: number, tx: number, T: number): number {
  const [r, alpha, s, beta] = params;
  const logOdds = lnDiedBetween(params, x, tx, T) + (r + x) * Math.log(alpha + T) + s * Math.log(beta + T);
  return 1 / (1 + Math.exp(logOdds));
}

/** E[purchases in (T, T + t] | x, t_x, T]; (1 − u^(s−1))/(s − 1) via expm1, so s = 1 is its limit. */
export function paretoNbdExpectedPurchases(params: ParetoNbdParams, t: number, x: number, tx: number, T: number): number {
  const [r, alpha, s, beta] = params;
  if (t <= 0) return 0;
  const L = Math.log1p(t / (beta + T));
  const e = s - 1;
  const integral = e === 0 ? L : -Math.expm1(-e * L) / e;
  return (((r + x) * (beta + T)) / (alpha + T)) * integral * paretoNbdPAlive(params, x, tx, T);
}

/**
 * Quantiles of the time to the next purchase of a customer alive at T. Given alive, λ ~ Gamma(r+x,
 * α+T) and μ ~ Gamma(s, β+T), and the customer may die before buying again, so the law is defective:
 * P(next purchase by u) = ∫₀ᵘ (r+x)/(α+T+v) ((α+T)/(α+T+v))^(r+x) ((β+T)/(β+T+v))^s dv, whose
 * limit is the chance of ever buying again. A quantile it never reaches is null. Integrated in
 * w = ln(1 + v/(α+T)) (composite Simpson), where the integrand is (r+x) e^−(r+x)w times a factor in (0, 1].
 */
export function paretoNbdNextPurchaseQuantiles(
  [r, alpha, s, beta]: ParetoNbdParams,
  x: number,
  T: number,
  probabilities: readonly number[],
  panels = 128,
): (number | null)[] {
  const k = r + x;
  const wMax = Math.min(700, 40 / k);
  const h = wMax / panels;
  const density = (w: number) => k * Math.exp(-k * w - s * Math.log1p(((alpha + T) * Math.expm1(w)) / (beta + T)));
  const cumulative = new Float64Array(panels + 1);
  let previous = density(0);
  for (let i = 1; i <= panels; i++) {
    const mid = density((i - 0.5) * h);
    const end = density(i * h);
    cumulative[i] = cumulative[i - 1]! + (h / 6) * (previous + 4 * mid + end);
    previous = end;
  }
  return probabilities.map((q) => {
    if (!(cumulative[panels]! >= q)) return null;
    let lo = 0;
    let hi = panels;
    while (hi - lo > 1) {
      const m = (lo + hi) >> 1;
      if (cumulative[m]! < q) lo = m;
      else hi = m;
    }
    // Linear interpolation between grid points, then Newton steps on the exact integral from the
    // grid point (Simpson over less than one panel), as the cumulative curve bends between points.
    const from = lo * h;
    let w = (lo + (q - cumulative[lo]!) / (cumulative[hi]! - cumulative[lo]!)) * h;
    for (let i = 0; i < 3; i++) {
      const at = cumulative[lo]! + ((w - from) / 6) * (density(from) + 4 * density((from + w) / 2) + density(w));
      w -= (at - q) / density(w);
    }
    return (alpha + T) * Math.expm1(w);
  });
}
