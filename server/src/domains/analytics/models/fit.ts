/**
 * Fitting the models by maximum likelihood, and the typed refusal when the data cannot determine
 * them. A refusal says why in words staff can read; a fit never returns NaN or an infinity.
 */
import { bgnbdLogLikelihood, type BgNbdParams } from './bgnbd.ts';
import { gammaGammaLogLikelihood, spendData, spendFrequencyCorrelation, type GammaGammaParams } from './gammagamma.ts';
import { invert, minimize, newtonPolish, standardErrors } from './optimize.ts';
import { seededRandom } from './simulate.ts';
import { paretoNbdLogLikelihood, type ParetoNbdParams } from './paretonbd.ts';
import { thinGroups, type GroupedSummaries } from './summary.ts';

export type PurchaseModelName = 'bgnbd' | 'pareto-nbd';

export type CannotFit = {
  ok: false;
  reason: 'no-customers' | 'no-repeat-purchases' | 'too-few-customers' | 'degenerate' | 'infinite-mean';
  message: string;
};

export type Fitted<Name extends string, P> = {
  ok: true;
  model: Name;
  params: P;
  /** The same parameters by name, as shown and stored. */
  named: Record<string, number>;
  /** Standard errors by name; null when the information matrix is not positive definite. */
  standardErrors: Record<string, number> | null;
  logLikelihood: number;
  /** Customers the fit saw, and distinct summaries it evaluated. */
  customers: number;
  groups: number;
  evaluations: number;
  milliseconds: number;
};

export type BgNbdFit = Fitted<'bgnbd', BgNbdParams>;
export type ParetoNbdFit = Fitted<'pareto-nbd', ParetoNbdParams>;
export type PurchaseFit = BgNbdFit | ParetoNbdFit;
export type GammaGammaFit = Fitted<'gamma-gamma', GammaGammaParams> & {
  /** Pearson correlation of repeat purchases and mean value: the model assumes independence. */
  spendFrequencyCorrelation: number;
};

/** Fewer customers than this and the four parameters are guesses, not estimates. */
export const MIN_CUSTOMERS = 20;
export const MIN_REPEAT_BUYERS = 10;
/**
 * A log-parameter beyond ±this ran off to 0 or ∞: the data do not pin it down. The shape
 * parameters are pure numbers (about 0.01 to 100 in every published fit); the scales α, β and γ
 * carry the data's units (time, money in minor units), so they get room for any currency.
 */
const SHAPE_PARAMETERS = new Set(['r', 'a', 'b', 's', 'p', 'q']);
const LOG_SHAPE_LIMIT = 9;
const LOG_SCALE_LIMIT = 25;

const cannot = (reason: CannotFit['reason'], message: string): CannotFit => ({ ok: false, reason, message });

function checkPurchaseData(data: GroupedSummaries): CannotFit | null {
  if (data.customers === 0) return cannot('no-customers', 'cannot fit: there are no customers with a purchase');
  if (data.customers < MIN_CUSTOMERS)
    return cannot(
      'too-few-customers',
      `cannot fit: ${data.customers} customer${data.customers === 1 ? '' : 's'} with purchases; at least ${MIN_CUSTOMERS} are needed`,
    );
  if (data.maxX === 0) return cannot('no-repeat-purchases', 'cannot fit: every customer bought once, so nothing shows how often customers come back');
  return null;
}

/** Above this many customers Nelder–Mead works on a random share of this size; Newton then finishes on all. */
export const ROUGH_FIT_CUSTOMERS = 40_000;

type Likelihood<P> = { logLikelihood: (params: P) => number; customers: number };

/**
 * Nelder–Mead to near the maximum (on a subsample when the data are large: it needs ~1,000
 * evaluations), then Newton's method on all the data (a few dozen evaluations), whose final
 * Hessian gives the standard errors.
 */
function maximize<Name extends string, P extends readonly number[]>(
  model: Name,
  names: readonly string[],
  full: Likelihood<P>,
  rough: Likelihood<P> | null,
  start: number[],
  groups: number,
): Fitted<Name, P> | CannotFit {
  const started = performance.now();
  // Per customer, so the stopping tolerance means the same at 100 and at a million customers.
  const objective = (l: Likelihood<P>) => (logParams: number[]) => -l.logLikelihood(logParams.map(Math.exp) as unknown as P) / l.customers;
  // Newton converges from where the simplex has narrowed to about 1e-4 in every log-parameter.
  const near = minimize(objective(rough ?? full), start.map(Math.log), { ftol: 1e-10, xtol: 1e-4 });
  let found = newtonPolish(objective(full), near.x);
  let evaluations = near.evaluations + found.evaluations;
  if (!found.hessian) {
    // Not positive definite where Newton stopped: let the simplex finish on all the data.
    const again = minimize(objective(full), found.x);
    evaluations += again.evaluations;
    found = { ...again, hessian: null };
  }
  const params = found.x.map(Math.exp) as unknown as P;
  const logLik = -found.value * full.customers;
  const runaway = found.x.findIndex((v, i) => Math.abs(v) > (SHAPE_PARAMETERS.has(names[i]!) ? LOG_SHAPE_LIMIT : LOG_SCALE_LIMIT));
  if (runaway >= 0 || !Number.isFinite(logLik) || !params.every((v) => Number.isFinite(v) && v > 0))
    return cannot(
      'degenerate',
      `cannot fit: the ${model} parameter ${names[Math.max(runaway, 0)]} runs off to ${found.x[Math.max(runaway, 0)]! > 0 ? 'infinity' : 'zero'}, so the data do not determine it`,
    );
  // Covariance of the log-parameters is the inverse of the total information; the delta method
  // turns it into standard errors of the parameters (se(θ) = θ · se(ln θ)).
  const covariance = found.hessian && invert(found.hessian.map((row) => row.map((v) => v * full.customers)));
  let se = covariance?.map((row, i) => params[i]! * Math.sqrt(row[i]!)) ?? null;
  if (se && !se.every((v) => Number.isFinite(v) && v > 0)) se = null;
  se ??= standardErrors((p) => full.logLikelihood(p as unknown as P), [...params]);
  return {
    ok: true,
    model,
    params,
    named: Object.fromEntries(names.map((n, i) => [n, params[i]!])),
    standardErrors: se && Object.fromEntries(names.map((n, i) => [n, se[i]!])),
    logLikelihood: logLik,
    customers: full.customers,
    groups,
    evaluations,
    milliseconds: performance.now() - started,
  };
}

/** A seeded random share of about ROUGH_FIT_CUSTOMERS customers, or null when the data are small enough. */
function roughSample(data: GroupedSummaries): GroupedSummaries | null {
  if (data.customers <= ROUGH_FIT_CUSTOMERS * 1.5) return null;
  return thinGroups(data, ROUGH_FIT_CUSTOMERS / data.customers, seededRandom(data.customers));
}

/** Starting values: a mean rate near the observed one, moderate heterogeneity and dropout. */
function startRate(data: GroupedSummaries): { r: number; alpha: number } {
  let purchases = 0;
  let time = 0;
  for (let g = 0; g < data.groups; g++) ((purchases += data.weight[g]! * data.x[g]!), (time += data.weight[g]! * data.T[g]!));
  const rate = Math.max(purchases / Math.max(time, 1e-9), 1e-6);
  return { r: 1, alpha: 1 / rate };
}

export function fitBgNbd(data: GroupedSummaries): BgNbdFit | CannotFit {
  const refused = checkPurchaseData(data);
  if (refused) return refused;
  const { r, alpha } = startRate(data);
  const sample = roughSample(data);
  return maximize<'bgnbd', BgNbdParams>(
    'bgnbd',
    ['r', 'alpha', 'a', 'b'],
    { logLikelihood: (p) => bgnbdLogLikelihood(p, data), customers: data.customers },
    sample && { logLikelihood: (p) => bgnbdLogLikelihood(p, sample), customers: sample.customers },
    [r, alpha, 1, 1],
    data.groups,
  );
}

export function fitParetoNbd(data: GroupedSummaries): ParetoNbdFit | CannotFit {
  const refused = checkPurchaseData(data);
  if (refused) return refused;
  const { r, alpha } = startRate(data);
  const sample = roughSample(data);
  return maximize<'pareto-nbd', ParetoNbdParams>(
    'pareto-nbd',
    ['r', 'alpha', 's', 'beta'],
    { logLikelihood: (p) => paretoNbdLogLikelihood(p, data), customers: data.customers },
    sample && { logLikelihood: (p) => paretoNbdLogLikelihood(p, sample), customers: sample.customers },
    [r, alpha, 1, alpha],
    data.groups,
  );
}

/**
 * Both purchase models, and the one with the higher log-likelihood (they have four parameters
 * each, so this is also the AIC and BIC choice).
 */
export function fitPurchaseModels(data: GroupedSummaries): {
  chosen: PurchaseFit | CannotFit;
  bgnbd: BgNbdFit | CannotFit;
  paretoNbd: ParetoNbdFit | CannotFit;
} {
  const bgnbd = fitBgNbd(data);
  const paretoNbd = fitParetoNbd(data);
  const fits = [bgnbd, paretoNbd].filter((f): f is PurchaseFit => f.ok);
  const chosen = fits.sort((a, b) => b.logLikelihood - a.logLikelihood)[0] ?? bgnbd;
  return { chosen, bgnbd, paretoNbd };
}

/** Gamma-Gamma on the customers with x ≥ 1 repeat purchases and a positive mean value. */
export function fitGammaGamma(x: ArrayLike<number>, meanValue: ArrayLike<number>): GammaGammaFit | CannotFit {
  const d = spendData(x, meanValue);
  if (d.n === 0) return cannot('no-repeat-purchases', 'cannot fit spend: no customer has a repeat purchase with a value');
  if (d.n < MIN_REPEAT_BUYERS)
    return cannot('too-few-customers', `cannot fit spend: ${d.n} repeat buyer${d.n === 1 ? '' : 's'}; at least ${MIN_REPEAT_BUYERS} are needed`);
  let total = 0;
  for (let i = 0; i < d.n; i++) total += d.mean[i]!;
  // Every k-th repeat buyer for the rough fit of a large set (their order is arbitrary).
  const every = Math.ceil(d.n / ROUGH_FIT_CUSTOMERS);
  const sample =
    every > 1
      ? spendData(
          Float64Array.from(d.x).filter((_, i) => i % every === 0),
          Float64Array.from(d.mean).filter((_, i) => i % every === 0),
        )
      : null;
  const fit = maximize<'gamma-gamma', GammaGammaParams>(
    'gamma-gamma',
    ['p', 'q', 'gamma'],
    { logLikelihood: (p) => gammaGammaLogLikelihood(p, d), customers: d.n },
    sample && { logLikelihood: (p) => gammaGammaLogLikelihood(p, sample), customers: sample.n },
    // p/ν is a purchase's mean: start with q = 3 and γ so that pγ/(q−1) is the observed mean.
    [1, 3, (2 * total) / d.n],
    d.n,
  );
  if (!fit.ok) return fit;
  if (fit.params[1] <= 1)
    return cannot('infinite-mean', `cannot fit spend: q = ${fit.params[1].toFixed(3)} ≤ 1 gives customers no finite mean value per purchase`);
  return { ...fit, spendFrequencyCorrelation: spendFrequencyCorrelation(d) };
}
