/**
 * Maximum likelihood without derivatives: Nelder–Mead on log-parameters (so every parameter stays
 * positive), restarted from its own best point until a restart no longer improves it (a simplex can
 * collapse early on the long, curved ridges these likelihoods have), then standard errors from a
 * central-difference Hessian of the log-likelihood in the natural parameters.
 */

export type Minimum = { x: number[]; value: number; evaluations: number };

/**
 * Minimises `f` from `start` with the adaptive coefficients of Gao & Han (2012), which keep the
 * method converging in 4+ dimensions. Stops when the simplex's values differ by less than `ftol`
 * and its points by less than `xtol`, or after `maxEvaluations`.
 */
export function nelderMead(f: (x: number[]) => number, start: number[], { step = 0.5, ftol = 1e-12, xtol = 1e-9, maxEvaluations = 20_000 } = {}): Minimum {
  const n = start.length;
  const alpha = 1;
  const beta = 1 + 2 / n;
  const gamma = 0.75 - 1 / (2 * n);
  const delta = 1 - 1 / n;
  let evaluations = 0;
  const value = (x: number[]) => {
    evaluations++;
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  let points = [start.slice()];
  for (let i = 0; i < n; i++) {
    const p = start.slice();
    p[i] = p[i]! + step;
    points.push(p);
  }
  let values = points.map(value);
  const along = (from: number[], to: number[], t: number) => from.map((v, i) => v + t * (to[i]! - v));
  while (evaluations < maxEvaluations) {
    const order = values.map((_, i) => i).sort((i, j) => values[i]! - values[j]!);
    points = order.map((i) => points[i]!);
    values = order.map((i) => values[i]!);
    const best = values[0]!;
    const worst = values[n]!;
    const spread = Math.max(...points.slice(1).map((p) => Math.max(...p.map((v, i) => Math.abs(v - points[0]![i]!)))));
    if (Math.abs(worst - best) <= ftol * (1 + Math.abs(best)) && spread <= xtol) break;
    const centroid = new Array<number>(n).fill(0);
    for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) centroid[i]! += points[k]![i]! / n;
    const reflected = along(centroid, points[n]!, -alpha);
    const fr = value(reflected);
    if (fr < best) {
      const expanded = along(centroid, points[n]!, -alpha * beta);
      const fe = value(expanded);
      [points[n], values[n]] = fe < fr ? [expanded, fe] : [reflected, fr];
      continue;
    }
    if (fr < values[n - 1]!) {
      [points[n], values[n]] = [reflected, fr];
      continue;
    }
    const outside = fr < worst;
    const contracted = outside ? along(centroid, reflected, gamma) : along(centroid, points[n]!, gamma);
    const fc = value(contracted);
    if (fc < (outside ? fr : worst)) {
      [points[n], values[n]] = [contracted, fc];
      continue;
    }
    for (let k = 1; k <= n; k++) {
      points[k] = along(points[0]!, points[k]!, delta);
      values[k] = value(points[k]!);
    }
  }
  const i = values.indexOf(Math.min(...values));
  return { x: points[i]!, value: values[i]!, evaluations };
}

/** Nelder–Mead restarted from its best point (smaller simplex each time) until it stops improving. */
export function minimize(f: (x: number[]) => number, start: number[], { maxEvaluations = 40_000, ftol = 1e-12, xtol = 1e-9 } = {}): Minimum {
  let result = nelderMead(f, start, { maxEvaluations, ftol, xtol });
  let evaluations = result.evaluations;
  for (let restart = 0, step = 0.1; restart < 8 && evaluations < maxEvaluations; restart++, step /= 2) {
    const again = nelderMead(f, result.x, { step, ftol, xtol, maxEvaluations: maxEvaluations - evaluations });
    evaluations += again.evaluations;
    const improved = result.value - again.value;
    if (again.value < result.value) result = again;
    if (!(improved > 1e-13 * (1 + Math.abs(result.value)))) break;
  }
  return { ...result, evaluations };
}

/** Central-difference Hessian of `f` at `x`, steps relative to each coordinate (or absolute ones, for log-parameters). */
export function hessian(f: (x: number[]) => number, x: number[], relativeStep = 1e-4, absolute = false): number[][] {
  const n = x.length;
  const h = x.map((v) => (absolute ? relativeStep : relativeStep * Math.max(Math.abs(v), 1e-3)));
  const at = (di: number, si: number, dj: number, sj: number) => {
    const p = x.slice();
    p[di] = p[di]! + si * h[di]!;
    p[dj] = p[dj]! + sj * h[dj]!;
    return f(p);
  };
  const f0 = f(x);
  const H = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    const p = x.slice();
    p[i] = p[i]! + h[i]!;
    const fp = f(p);
    p[i] = x[i]! - h[i]!;
    const fm = f(p);
    H[i]![i] = (fp - 2 * f0 + fm) / (h[i]! * h[i]!);
    for (let j = 0; j < i; j++) {
      const v = (at(i, 1, j, 1) - at(i, 1, j, -1) - at(i, -1, j, 1) + at(i, -1, j, -1)) / (4 * h[i]! * h[j]!);
      H[i]![j] = v;
      H[j]![i] = v;
    }
  }
  return H;
}

/** The inverse of a small square matrix (Gauss–Jordan, partial pivoting); null when singular. */
export function invert(matrix: number[][]): number[][] | null {
  const n = matrix.length;
  const m = matrix.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    if (!(Math.abs(m[pivot]![col]!) > 1e-300)) return null;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    const p = m[col]![col]!;
    for (let j = 0; j < 2 * n; j++) m[col]![j]! /= p;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const factor = m[r]![col]!;
      if (factor !== 0) for (let j = 0; j < 2 * n; j++) m[r]![j]! -= factor * m[col]![j]!;
    }
  }
  return m.map((row) => row.slice(n));
}

/**
 * Standard errors of a maximum-likelihood estimate: the square roots of the diagonal of the inverse
 * observed information (the Hessian of −log L at the estimate). null when the information is not
 * positive definite there (a flat direction: the data do not pin that parameter down).
 */
export function standardErrors(logLikelihood: (params: number[]) => number, estimate: number[]): number[] | null {
  const information = hessian((p) => -logLikelihood(p), estimate);
  const covariance = invert(information);
  if (!covariance) return null;
  const se = covariance.map((row, i) => Math.sqrt(row[i]!));
  return se.every((v) => Number.isFinite(v) && v > 0) ? se : null;
}

/** Cholesky solve of H·d = g; null when H is not positive definite. */
function solvePositiveDefinite(H: number[][], g: number[]): number[] | null {
  const n = g.length;
  const L = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let sum = H[i]![j]!;
      for (let k = 0; k < j; k++) sum -= L[i]![k]! * L[j]![k]!;
      if (i === j) {
        if (!(sum > 0)) return null;
        L[i]![i] = Math.sqrt(sum);
      } else L[i]![j] = sum / L[j]![j]!;
    }
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let sum = g[i]!;
    for (let k = 0; k < i; k++) sum -= L[i]![k]! * y[k]!;
    y[i] = sum / L[i]![i]!;
  }
  const d = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i]!;
    for (let k = i + 1; k < n; k++) sum -= L[k]![i]! * d[k]!;
    d[i] = sum / L[i]![i]!;
  }
  return d;
}

/** Central-difference gradient (small steps: it must resolve a nearly flat maximum). */
function gradient(f: (x: number[]) => number, x: number[], h = 1e-5): number[] {
  return x.map((_, i) => {
    const p = x.slice();
    p[i] = x[i]! + h;
    const fp = f(p);
    p[i] = x[i]! - h;
    return (fp - f(p)) / (2 * h);
  });
}

/**
 * Newton's method with numerical derivatives and step halving, from a point near the minimum (a
 * Nelder–Mead result, possibly of a subsample): converges in a few iterations, each about
 * 1 + 4n + 2n² evaluations, which is what a fit of a million customers can afford. Returns the
 * Hessian at the end too (the observed information, for standard errors); null `hessian` when it
 * is not positive definite there.
 */
export function newtonPolish(
  f: (x: number[]) => number,
  start: number[],
  { maxIterations = 25, tolerance = 1e-13 } = {},
): Minimum & { hessian: number[][] | null } {
  let x = start.slice();
  let value = f(x);
  let evaluations = 1;
  const counted = (p: number[]) => (evaluations++, f(p));
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    const g = gradient(counted, x);
    const H = hessian(counted, x, 1e-3, true);
    const step = solvePositiveDefinite(H, g);
    if (!step) return { x, value, evaluations, hessian: null };
    let t = 1;
    let moved = false;
    for (let halving = 0; halving < 30; halving++, t /= 2) {
      const candidate = x.map((v, i) => v - t * step[i]!);
      const v = counted(candidate);
      if (v <= value) {
        ((x = candidate), (value = v), (moved = true));
        break;
      }
    }
    // The Newton decrement g·H⁻¹g is twice the decrease still to be had: below the tolerance the
    // rest is noise in the numerical gradient.
    const decrement = g.reduce((sum, gi, i) => sum + gi * step[i]!, 0);
    // The Hessian of this iteration stands for the final one: the step was below the tolerance.
    if (!moved || decrement < tolerance) return { x, value, evaluations, hessian: H };
  }
  return { x, value, evaluations, hessian: hessian(counted, x, 1e-3, true) };
}
