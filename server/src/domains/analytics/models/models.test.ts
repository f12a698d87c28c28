/**
 * The likelihoods and predictions against independent references: the README of ../shared/cdnow
 * (Hardie's Excel sheet, the R BTYD manual, lifetimes' tests) and the textbook formulas evaluated
 * with mpmath at 40 digits (the un-transformed hypergeometric series, so these also check the
 * rearrangements that keep ours bounded).
 */
import { describe, expect, it } from 'vitest';
import {
  bgnbdExpectedPurchases,
  bgnbdExpectedPurchasesNew,
  bgnbdLogLikelihood,
  bgnbdNextPurchaseQuantiles,
  bgnbdPAlive,
  bgnbdProbabilityOfPurchases,
  type BgNbdParams,
} from './bgnbd.ts';
import { gammaGammaExpectedSpend } from './gammagamma.ts';
import { paretoNbdExpectedPurchases, paretoNbdLogLikelihood, paretoNbdNextPurchaseQuantiles, paretoNbdPAlive, type ParetoNbdParams } from './paretonbd.ts';
import { groupedFromRows, groupSummaries } from './summary.ts';

/** One customer as grouped data, for the individual log-likelihood. */
const one = (x: number, tx: number, T: number) => groupedFromRows([{ x, tx, T }]);

const publishedBgNbd: BgNbdParams = [0.243, 4.414, 0.793, 2.426];
/** lifetimes' full-precision fit on the same data (docs/Quickstart.md). */
const fullBgNbd: BgNbdParams = [0.242593, 4.413532, 0.792886, 2.425752];
/** CDNOW customer 1 (sample id 0001): first purchase 1997-01-01, last repeat 1997-08-02, calibration end 1997-09-30. */
const customer1 = { x: 2, tx: 213 / 7, T: 272 / 7 };

describe('BG/NBD', () => {
  it('gives customer 1 the P(alive) and 39-week expectation of the references', () => {
    expect(bgnbdPAlive(fullBgNbd, customer1.x, customer1.tx, customer1.T)).toBeCloseTo(0.7266, 4);
    expect(bgnbdExpectedPurchases(fullBgNbd, 39, customer1.x, customer1.tx, customer1.T)).toBeCloseTo(1.226, 3);
    // Hardie's sheet works from the two-decimal summary and the rounded parameters: 1.22603.
    expect(bgnbdExpectedPurchases(publishedBgNbd, 39, 2, 30.43, 38.86)).toBeCloseTo(1.22603, 5);
    // mpmath, the textbook formula: 1.2259980061009212.
    expect(bgnbdExpectedPurchases(fullBgNbd, 39, customer1.x, customer1.tx, customer1.T)).toBeCloseTo(1.2259980061009212, 12);
  });

  it("gives a new customer's E[X(t)] of lifetimes' test", () => {
    const times = [0.1429, 1, 3, 31.8571, 32, 78];
    const lifetimes = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576];
    // The formula evaluated exactly (mpmath); lifetimes' 1.8576 at 78 weeks is 4e-4 off it.
    const exact = [0.007816074266190708, 0.05318475535987746, 0.15063196938549922, 1.0404945104731045, 1.0437374335585874, 1.8579721052041323];
    times.forEach((t, i) => {
      const e = bgnbdExpectedPurchasesNew(fullBgNbd, t);
      expect(Math.abs(e - lifetimes[i]!)).toBeLessThan(5e-4);
      expect(e).toBeCloseTo(exact[i]!, 12);
    });
  });

  it('gives P(X(t) = n) of the R BTYD manual', () => {
    expect(bgnbdProbabilityOfPurchases(publishedBgNbd, 2, 10) / 1.07869e-7).toBeCloseTo(1, 5);
    expect(bgnbdProbabilityOfPurchases(publishedBgNbd, 39, 0)).toBeCloseTo(0.5737864, 7);
    let total = 0;
    for (let n = 0; n < 400; n++) total += bgnbdProbabilityOfPurchases(publishedBgNbd, 39, n);
    expect(total).toBeCloseTo(1, 10);
  });

  it('matches the individual log-likelihood, also with hundreds of purchases', () => {
    const reference: [number, number, number, number][] = [
      [2, 30.43, 38.86, -9.45860630706627],
      [0, 0, 38.86, -0.5547132764381585],
      [300, 38, 39, 274.9755634417977],
      [300, 20, 39, 440.50786252910996],
      [1000, 51.5, 52, 1869.3569506753936],
    ];
    for (const [x, tx, T, ll] of reference) expect(bgnbdLogLikelihood(publishedBgNbd, one(x, tx, T))).toBeCloseTo(ll, 9);
  });

  it('predicts without overflow for customers with hundreds of purchases, and a = 1 is no singularity', () => {
    expect(bgnbdExpectedPurchases(publishedBgNbd, 52, 300, 38.5, 39)).toBeCloseTo(237.00547846652086, 8);
    expect(bgnbdExpectedPurchases([0.3, 5, 2.5, 4], 520, 40, 50, 52)).toBeCloseTo(23.465083741059676, 9);
    expect(bgnbdExpectedPurchases([0.3, 5, 1.0000001, 4], 52, 4, 30, 52)).toBeCloseTo(1.4560934164623955, 6);
    const atOne = bgnbdExpectedPurchases([0.3, 5, 1, 4], 52, 4, 30, 52);
    expect(atOne).toBeCloseTo(1.4560934164623955, 6);
    for (const x of [100, 500, 2000]) {
      const values = [
        bgnbdPAlive(publishedBgNbd, x, 5, 52),
        bgnbdExpectedPurchases(publishedBgNbd, 52, x, 51.9, 52),
        bgnbdExpectedPurchases(publishedBgNbd, 52, x, 5, 52),
      ];
      for (const v of values) expect(Number.isFinite(v)).toBe(true);
    }
  });

  it('places the next purchase by the Lomax quantiles of the posterior rate', () => {
    const [q1, median, q3] = bgnbdNextPurchaseQuantiles(fullBgNbd, 2, customer1.T, [0.25, 0.5, 0.75]);
    // P(wait > u) = ((α+T)/(α+T+u))^(r+x) at each quantile.
    for (const [q, u] of [
      [0.25, q1!],
      [0.5, median!],
      [0.75, q3!],
    ] as const)
      expect(Math.pow((4.413532 + customer1.T) / (4.413532 + customer1.T + u), 2.242593)).toBeCloseTo(1 - q, 12);
  });
});

describe('Pareto/NBD', () => {
  const published: ParetoNbdParams = [0.553, 10.578, 0.606, 11.669];

  it('matches the textbook likelihood (mpmath) on both sides of α = β and for hundreds of purchases', () => {
    const cases: [ParetoNbdParams, number, number, number, number][] = [
      [published, 2, 30.43, 38.86, -9.554283245150407],
      [published, 0, 0, 38.86, -0.5210462940808904],
      [[0.553, 30, 0.606, 2], 5, 10, 39, -17.52684280058292],
      [[0.5, 2, 1.3, 80], 7, 20, 39, -19.211230711818427],
      [published, 300, 38, 39, 239.71881650087673],
      [published, 300, 20, 39, 378.361334668516],
      [[0.9, 1, 0.4, 100], 12, 3, 52, -4.872598876036411],
    ];
    for (const [params, x, tx, T, ll] of cases) expect(paretoNbdLogLikelihood(params, one(x, tx, T))).toBeCloseTo(ll, 9);
  });

  it('gives the R BTYD walkthrough customer (x 26, t_x 30.86, T 31) 25.46 purchases in 52 weeks', () => {
    expect(paretoNbdExpectedPurchases([0.5533, 10.5777, 0.6062, 11.6687], 52, 26, 30.86, 31)).toBeCloseTo(25.46, 2);
  });

  it('is finite with hundreds of purchases and with s = 1', () => {
    for (const x of [100, 500, 2000]) {
      expect(Number.isFinite(paretoNbdPAlive(published, x, 5, 52))).toBe(true);
      expect(Number.isFinite(paretoNbdExpectedPurchases(published, 52, x, 51.9, 52))).toBe(true);
    }
    const near = paretoNbdExpectedPurchases([0.5, 10, 1 + 1e-9, 12], 52, 3, 20, 39);
    expect(paretoNbdExpectedPurchases([0.5, 10, 1, 12], 52, 3, 20, 39)).toBeCloseTo(near, 7);
  });

  it('gives next-purchase quantiles whose probability the closed-form density integrates to', () => {
    const [r, alpha, s, beta] = published;
    const [x, T] = [4, 30];
    const quantiles = paretoNbdNextPurchaseQuantiles(published, x, T, [0.25, 0.5, 0.99]);
    expect(quantiles[2]).toBeNull(); // a customer alive now may still die before buying again
    // Midpoint rule on a fine grid of the density in the original variable.
    const density = (v: number) => ((r + x) / (alpha + T + v)) * Math.pow((alpha + T) / (alpha + T + v), r + x) * Math.pow((beta + T) / (beta + T + v), s);
    for (const [q, u] of [
      [0.25, quantiles[0]!],
      [0.5, quantiles[1]!],
    ] as const) {
      let p = 0;
      const steps = 200_000;
      for (let i = 0; i < steps; i++) p += density(((i + 0.5) * u) / steps) * (u / steps);
      expect(p).toBeCloseTo(q, 5);
    }
  });
});

describe('Gamma-Gamma', () => {
  it("gives CDNOW customers 1–10 the expected spend of lifetimes' test", () => {
    const params = [6.2488, 3.7446, 15.4477] as const;
    // x and zbar of the first ten rows of cdnow_customers_summary_with_transactions.csv.
    const customers: [number, number][] = [
      [2, 22.35],
      [1, 11.77],
      [0, 0],
      [0, 0],
      [0, 0],
      [7, 73.74],
      [1, 11.77],
      [0, 0],
      [2, 25.55],
      [0, 0],
    ];
    const expected = [24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17];
    // lifetimes asserts these within 0.01 (customer 1 is 24.6586 by the formula).
    customers.forEach(([x, m], i) => expect(Math.abs(gammaGammaExpectedSpend(params, x, m) - expected[i]!)).toBeLessThanOrEqual(0.01));
    expect(gammaGammaExpectedSpend(params, 2, 22.35)).toBeCloseTo((6.2488 * (15.4477 + 2 * 22.35)) / (2 * 6.2488 + 3.7446 - 1), 12);
  });
});

describe('grouping', () => {
  it('evaluates each distinct (x, t_x, T) once, weighted, with the same log-likelihood as customer by customer', () => {
    const x = Int32Array.of(0, 2, 0, 2, 5, 0);
    const txDays = Int32Array.of(0, 100, 0, 100, 200, 0);
    const TDays = Int32Array.of(150, 250, 150, 250, 260, 30);
    const grouped = groupSummaries({ x, txDays, TDays });
    expect(grouped.groups).toBe(4);
    expect([...grouped.groupOf]).toEqual([0, 1, 0, 1, 2, 3]);
    let separately = 0;
    for (let i = 0; i < x.length; i++) separately += bgnbdLogLikelihood(publishedBgNbd, one(x[i]!, txDays[i]! / 7, TDays[i]! / 7));
    expect(bgnbdLogLikelihood(publishedBgNbd, grouped)).toBeCloseTo(separately, 10);
  });

  it('refuses an impossible summary', () => {
    expect(() => groupSummaries({ x: Int32Array.of(1), txDays: Int32Array.of(40), TDays: Int32Array.of(30) })).toThrow(/inconsistent/);
  });
});
