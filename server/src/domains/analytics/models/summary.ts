/**
 * Repeat-purchase summaries, the only input the models need: per customer x (repeat purchase days:
 * several orders on one day count once, and the first day is not a repeat), t_x (time from the
 * first purchase to the last repeat one, 0 when x = 0) and T (time from the first purchase to the
 * end of the calibration period), all counted in whole days on the venue's calendar; the models
 * work in weeks (days / 7), as the published BG/NBD and Pareto/NBD estimates do.
 */

export const DAYS_PER_WEEK = 7;

/** One purchase: the customer, the day it fell on (any integer day count, e.g. days since 1970-01-01 on the venue's calendar) and its value. */
export type Purchase = { customer: string | number; day: number; value: number };

/** Column-wise summaries, one entry per customer (columns so a million customers are a few typed arrays). */
export type CustomerSummaries = {
  customer: (string | number)[];
  x: Int32Array;
  txDays: Int32Array;
  TDays: Int32Array;
  /** Mean value of the x repeat purchase days (each day's purchases summed); 0 when x = 0. */
  meanRepeatValue: Float64Array;
  firstDay: Int32Array;
};

/**
 * Summarises purchases up to and including `calibrationEndDay`; customers whose first purchase is
 * later are left out (they have no calibration history).
 */
export function summarizePurchases(purchases: Iterable<Purchase>, calibrationEndDay: number): CustomerSummaries {
  const byCustomer = new Map<string | number, Map<number, number>>();
  for (const p of purchases) {
    if (p.day > calibrationEndDay) continue;
    let days = byCustomer.get(p.customer);
    if (!days) byCustomer.set(p.customer, (days = new Map()));
    days.set(p.day, (days.get(p.day) ?? 0) + p.value);
  }
  const n = byCustomer.size;
  const out: CustomerSummaries = {
    customer: [],
    x: new Int32Array(n),
    txDays: new Int32Array(n),
    TDays: new Int32Array(n),
    meanRepeatValue: new Float64Array(n),
    firstDay: new Int32Array(n),
  };
  let i = 0;
  for (const [customer, days] of byCustomer) {
    const sorted = [...days.keys()].sort((a, b) => a - b);
    const first = sorted[0]!;
    const last = sorted.at(-1)!;
    let repeatValue = 0;
    for (let k = 1; k < sorted.length; k++) repeatValue += days.get(sorted[k]!)!;
    out.customer.push(customer);
    out.x[i] = sorted.length - 1;
    out.txDays[i] = last - first;
    out.TDays[i] = calibrationEndDay - first;
    out.meanRepeatValue[i] = sorted.length > 1 ? repeatValue / (sorted.length - 1) : 0;
    out.firstDay[i] = first;
    i++;
  }
  return out;
}

/**
 * Customers with equal (x, t_x, T) contribute equal likelihood terms: the models evaluate each
 * distinct triple once, weighted by how many customers share it. Times are also indexes into
 * `times`, the distinct time values, so a likelihood takes ln(α + t) once per distinct time rather
 * than once per group. `groupOf[i]` is customer i's group, to spread per-group predictions back.
 */
export type GroupedSummaries = {
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  txIndex: Uint32Array;
  TIndex: Uint32Array;
  times: Float64Array;
  weight: Float64Array;
  /** Number of distinct (x, t_x, T). */
  groups: number;
  /** Number of customers (the sum of the weights). */
  customers: number;
  /** The largest x (the models tabulate per-x terms up to it). */
  maxX: number;
  groupOf: Uint32Array;
};

/** Groups summaries given in whole days, converting to the models' time unit (`unitDays` days). */
export function groupSummaries(s: Pick<CustomerSummaries, 'x' | 'txDays' | 'TDays'>, unitDays: number = DAYS_PER_WEEK): GroupedSummaries {
  const n = s.x.length;
  const index = new Map<number, number>();
  const groupOf = new Uint32Array(n);
  const xs: number[] = [];
  const txDays: number[] = [];
  const TDays: number[] = [];
  const weights: number[] = [];
  let maxT = 0;
  for (let i = 0; i < n; i++) maxT = Math.max(maxT, s.TDays[i]! + 1);
  for (let i = 0; i < n; i++) {
    const x = s.x[i]!;
    const tx = s.txDays[i]!;
    const T = s.TDays[i]!;
    if (x < 0 || tx < 0 || T < tx || (x === 0 && tx !== 0)) throw new RangeError(`customer ${i}: inconsistent summary x=${x}, t_x=${tx}, T=${T}`);
    // A numeric key (exact below 2^53 for any realistic x and days) is far cheaper than a string.
    const key = (x * maxT + tx) * maxT + T;
    let g = index.get(key);
    if (g === undefined) {
      g = xs.length;
      index.set(key, g);
      xs.push(x);
      txDays.push(tx);
      TDays.push(T);
      weights.push(0);
    }
    weights[g]!++;
    groupOf[i] = g;
  }
  // Whole days: the distinct times are the day grid 0..max, and a day count is its own index.
  return {
    x: Float64Array.from(xs),
    tx: Float64Array.from(txDays, (d) => d / unitDays),
    T: Float64Array.from(TDays, (d) => d / unitDays),
    txIndex: Uint32Array.from(txDays),
    TIndex: Uint32Array.from(TDays),
    times: Float64Array.from({ length: maxT }, (_, d) => d / unitDays),
    weight: Float64Array.from(weights),
    groups: xs.length,
    customers: n,
    maxX: xs.reduce((m, v) => Math.max(m, v), 0),
    groupOf,
  };
}

/** Summaries already in the models' unit (e.g. weeks with decimals), one row per customer or weighted group. */
export function groupedFromRows(rows: readonly { x: number; tx: number; T: number; weight?: number }[]): GroupedSummaries {
  const times = [...new Set(rows.flatMap((r) => [r.tx, r.T]))];
  const at = new Map(times.map((t, i) => [t, i]));
  const weight = Float64Array.from(rows, (r) => r.weight ?? 1);
  return {
    x: Float64Array.from(rows, (r) => r.x),
    tx: Float64Array.from(rows, (r) => r.tx),
    T: Float64Array.from(rows, (r) => r.T),
    txIndex: Uint32Array.from(rows, (r) => at.get(r.tx)!),
    TIndex: Uint32Array.from(rows, (r) => at.get(r.T)!),
    times: Float64Array.from(times),
    weight,
    groups: rows.length,
    customers: weight.reduce((a, b) => a + b, 0),
    maxX: rows.reduce((m, r) => Math.max(m, r.x), 0),
    groupOf: Uint32Array.from(rows, (_, i) => i),
  };
}

/**
 * A random share of the customers (each group's weight thinned), seeded: a cheap stand-in for the
 * whole data while the optimiser is still far from the maximum.
 */
export function thinGroups(data: GroupedSummaries, keep: number, random: () => number): GroupedSummaries {
  const picked: number[] = [];
  const weights: number[] = [];
  for (let g = 0; g < data.groups; g++) {
    const expected = data.weight[g]! * keep;
    const w = Math.floor(expected) + (random() < expected - Math.floor(expected) ? 1 : 0);
    if (w > 0) (picked.push(g), weights.push(w));
  }
  const take = <A extends Float64Array | Uint32Array>(column: A) =>
    column.constructor === Float64Array ? (Float64Array.from(picked, (g) => column[g]!) as A) : (Uint32Array.from(picked, (g) => column[g]!) as A);
  return {
    x: take(data.x),
    tx: take(data.tx),
    T: take(data.T),
    txIndex: take(data.txIndex),
    TIndex: take(data.TIndex),
    times: data.times,
    weight: Float64Array.from(weights),
    groups: picked.length,
    customers: weights.reduce((a, b) => a + b, 0),
    maxX: picked.reduce((m, g) => Math.max(m, data.x[g]!), 0),
    groupOf: new Uint32Array(0),
  };
}
