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
 * distinct triple once, weighted by how many customers share it. `groupOf[i]` is customer i's
 * group, to spread per-group predictions back to customers.
 */
export type GroupedSummaries = {
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
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
  const txs: number[] = [];
  const Ts: number[] = [];
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
      txs.push(tx / unitDays);
      Ts.push(T / unitDays);
      weights.push(0);
    }
    weights[g]!++;
    groupOf[i] = g;
  }
  return {
    x: Float64Array.from(xs),
    tx: Float64Array.from(txs),
    T: Float64Array.from(Ts),
    weight: Float64Array.from(weights),
    groups: xs.length,
    customers: n,
    maxX: xs.reduce((m, v) => Math.max(m, v), 0),
    groupOf,
  };
}
