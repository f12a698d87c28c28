/**
 * Customers drawn from the models themselves, from a seeded generator: the parameter-recovery test
 * and the benchmark's million customers. Returns summaries in whole days, as the venue's data are.
 */
import type { BgNbdParams } from './bgnbd.ts';
import type { GammaGammaParams } from './gammagamma.ts';
import type { ParetoNbdParams } from './paretonbd.ts';

/** sfc32: small, fast and good enough for simulation; the same seed gives the same customers everywhere. */
export function seededRandom(seed: number): () => number {
  let a = 0x9e3779b9 ^ seed;
  let b = 0x243f6a88 + seed;
  let c = 0xb7e15162 ^ (seed * 31);
  let d = 1;
  const next = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 20; i++) next();
  return () => {
    let u = next();
    while (u === 0) u = next();
    return u;
  };
}

function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(random())) * Math.cos(2 * Math.PI * random());
}

/** Gamma(shape, rate) by Marsaglia & Tsang, boosted for shapes below 1. */
export function gammaVariate(random: () => number, shape: number, rate: number): number {
  if (shape < 1) return gammaVariate(random, shape + 1, rate) * Math.pow(random(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return (d * v) / rate;
  }
}

const betaVariate = (random: () => number, a: number, b: number) => {
  const x = gammaVariate(random, a, 1);
  return x / (x + gammaVariate(random, b, 1));
};

export type SimulatedCustomers = {
  x: Int32Array;
  txDays: Int32Array;
  TDays: Int32Array;
  meanRepeatValue: Float64Array;
};

type Options = {
  customers: number;
  /** Each customer's T in days, drawn uniformly from this range (customers acquired over time). */
  TDaysRange: readonly [number, number];
  seed: number;
  /** Spend: each purchase Gamma(p, ν), ν ~ Gamma(q, γ) per customer. */
  spend?: GammaGammaParams;
  /** The rates' time unit in days (params are per week by default). */
  unitDays?: number;
};

/**
 * Purchase times in continuous time, then summarised per whole day as the venue's calendar would:
 * purchases on the same day (after rounding down) count once. Rates are per `unitDays`.
 */
function simulate(options: Options, purchasesOf: (random: () => number, T: number) => number[]): SimulatedCustomers {
  const { customers: n, TDaysRange, seed, spend, unitDays = 7 } = options;
  const random = seededRandom(seed);
  const out: SimulatedCustomers = {
    x: new Int32Array(n),
    txDays: new Int32Array(n),
    TDays: new Int32Array(n),
    meanRepeatValue: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const TDays = TDaysRange[0] + Math.floor(random() * (TDaysRange[1] - TDaysRange[0] + 1));
    // The first purchase falls at a uniform moment of day 0, so a later purchase's day is
    // floor(offset + t): day counts then measure time without bias, as a real calendar does.
    const offset = random();
    const times = purchasesOf(random, (TDays + 1 - offset) / unitDays);
    let x = 0;
    let lastDay = 0;
    for (const t of times) {
      const d = Math.floor(offset + t * unitDays);
      if (d > lastDay && d <= TDays) (x++, (lastDay = d));
    }
    out.x[i] = x;
    out.txDays[i] = lastDay;
    out.TDays[i] = TDays;
    if (spend && x > 0) {
      const nu = gammaVariate(random, spend[1], spend[2]);
      let total = 0;
      for (let k = 0; k < x; k++) total += gammaVariate(random, spend[0], nu);
      out.meanRepeatValue[i] = total / x;
    }
  }
  return out;
}

/** BG/NBD customers: after each repeat purchase they drop out with probability p. */
export function simulateBgNbd([r, alpha, a, b]: BgNbdParams, options: Options): SimulatedCustomers {
  return simulate(options, (random, T) => {
    const lambda = gammaVariate(random, r, alpha);
    const p = betaVariate(random, a, b);
    const times: number[] = [];
    for (let t = 0; ;) {
      t += -Math.log(random()) / lambda;
      if (t > T) return times;
      times.push(t);
      if (random() < p) return times;
    }
  });
}

/** Pareto/NBD customers: an exponential lifetime, Poisson purchases until it ends. */
export function simulateParetoNbd([r, alpha, s, beta]: ParetoNbdParams, options: Options): SimulatedCustomers {
  return simulate(options, (random, T) => {
    const lambda = gammaVariate(random, r, alpha);
    const end = Math.min(T, -Math.log(random()) / gammaVariate(random, s, beta));
    const times: number[] = [];
    for (let t = -Math.log(random()) / lambda; t <= end; t += -Math.log(random()) / lambda) times.push(t);
    return times;
  });
}
