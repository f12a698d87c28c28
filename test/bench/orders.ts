/**
 * `pnpm bench:orders` (issue 13): orders pushed through the API as a till would — an API key as a
 * bearer token, an Idempotency-Key and an external id on each, a payment with it — at concurrency
 * 8 for 30 s against a real server in its own process. Prints orders/s, the latency (p50/p99) and
 * the p99 delay until the customer's figures show the order: a sampler, beside the 8 pushers,
 * sends orders for customers of its own (one order each) and polls their figures until
 * totalOrders is 1, timed from the order's 201. In the same run, as the reference: GET
 * /api/health at the same concurrency (what the HTTP stack alone does here).
 *
 * Goals: ≥ 500 orders/s on the 2-core machine, figures within 1 s at p99.
 * BENCH_CUSTOMERS (10,000), BENCH_SECONDS (30), BENCH_CONCURRENCY (8); BENCH_DATABASE_URL as the others.
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import pg from 'pg';
import { seedCustomers } from '@foyer/server/seed.ts';
import { startFoyerProcess } from '../support/server-process.ts';
import { openDatabase } from './database.ts';

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 10_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const SAMPLED = 2_000;
const GOALS = { ordersPerSecond: 500, figuresP99Ms: 1000 };
const ADMIN = { email: 'owner@bench.test', password: `bench-${randomBytes(8).toString('hex')}` };

const say = (message: string) => process.stderr.write(`${message}\n`);
const round = (ms: number) => Math.round(ms * 10) / 10;
const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? NaN;
};

async function main() {
  const database = await openDatabase();
  const server = await startFoyerProcess(database.url, ADMIN, { LOG_LEVEL: 'error' });
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  try {
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const me = (await login.json()) as { organization: { id: string } };
    const orgId = me.organization.id;
    say(`seeding ${CUSTOMERS.toLocaleString('en')} customers`);
    await seedCustomers(pool, orgId, CUSTOMERS + SAMPLED, { seed: 13 });
    const { rows } = await pool.query<{ id: string }>(`select replace(id::text, '-', '') as id from customers where org_id = $1 order by id`, [orgId]);
    const sampled = rows.slice(0, SAMPLED).map((r) => r.id);
    const pushed = rows.slice(SAMPLED).map((r) => r.id);
    const keyRes = await fetch(`${server.url}/api/api-keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ name: 'Bench till', permissions: ['orders.create', 'orders.view'] }),
    });
    const { secret } = (await keyRes.json()) as { secret: string };
    const auth = { authorization: `Bearer ${secret}`, 'content-type': 'application/json' };

    let seq = 0;
    const order = (customer: string) => {
      const n = ++seq;
      return fetch(`${server.url}/api/orders`, {
        method: 'POST',
        headers: { ...auth, 'idempotency-key': `bench-${n}` },
        body: JSON.stringify({
          channel: 'pos',
          externalId: `R-${n}`,
          customer: { ref: customer },
          lines: [
            { name: 'Flat white', quantity: 2, unitPriceCents: 340, taxRateBp: 2000 },
            { name: 'Croissant', quantity: 1, unitPriceCents: 280 },
          ],
          payment: { method: 'card', amountCents: 1096 },
        }),
      });
    };

    // The reference: the HTTP stack alone, at the same concurrency, for 5 s.
    const health = await drive(5, CONCURRENCY, async () => {
      const res = await fetch(`${server.url}/api/health`);
      await res.arrayBuffer();
      return res.status === 200;
    });
    say(`reference: ${Math.round(health.perSecond)} health checks/s`);

    // Warm up (JIT, pools), not measured.
    await drive(2, CONCURRENCY, async () => (await order(pushed[Math.floor(Math.random() * pushed.length)]!)).status === 201);

    const delays: number[] = [];
    let sampling = true;
    const sampler = (async () => {
      for (const customer of sampled) {
        if (!sampling) break;
        const res = await order(customer);
        if (res.status !== 201) throw new Error(`sample order: ${res.status} ${await res.text()}`);
        await res.arrayBuffer();
        const placed = performance.now();
        for (;;) {
          const f = await fetch(`${server.url}/api/customers/${customer}/orders`, { headers: auth });
          const body = (await f.json()) as { figures: { totalOrders: number } };
          if (body.figures.totalOrders >= 1) break;
          if (performance.now() - placed > 30_000) throw new Error('figures did not show the order within 30 s');
          await new Promise((r) => setTimeout(r, 5));
        }
        delays.push(performance.now() - placed);
      }
    })();
    const load = loadavg()[0]!;
    const run = await drive(SECONDS, CONCURRENCY, async () => {
      const res = await order(pushed[Math.floor(Math.random() * pushed.length)]!);
      await res.arrayBuffer();
      return res.status === 201;
    });
    sampling = false;
    await sampler;
    // What the outbox still had to do when the pushing stopped, and how long it took: its own throughput.
    const pendingSql = `select count(*)::int as n from outbox_events where dispatched_at is null and available_at <= now()`;
    const backlog = (await pool.query<{ n: number }>(pendingSql)).rows[0]!.n;
    const drainStarted = performance.now();
    while ((await pool.query<{ n: number }>(pendingSql)).rows[0]!.n > 0) await new Promise((r) => setTimeout(r, 50));
    const drainMs = performance.now() - drainStarted;
    const { rows: events } = await pool.query<{ n: number }>(`select count(*)::int as n from outbox_events`);
    const { rows: counted } = await pool.query<{ n: number; external: number }>(
      `select count(*)::int as n, count(distinct external_id)::int as external from orders where org_id = $1`,
      [orgId],
    );
    const result = {
      bench: 'orders',
      seconds: SECONDS,
      concurrency: CONCURRENCY,
      customers: CUSTOMERS,
      ordersPerSecond: Math.round(run.perSecond),
      failed: run.failed,
      latencyMs: { p50: round(pct(run.latencies, 0.5)), p99: round(pct(run.latencies, 0.99)) },
      figuresDelayMs: { samples: delays.length, p50: round(pct(delays, 0.5)), p99: round(pct(delays, 0.99)) },
      ordersStored: counted[0]!.n,
      duplicates: counted[0]!.n - counted[0]!.external,
      outbox: { events: events[0]!.n, backlogAtEnd: backlog, drainMs: Math.round(drainMs) },
      reference: { healthPerSecond: Math.round(health.perSecond) },
      goals: GOALS,
      loadBefore: round(load),
    };
    console.log(JSON.stringify(result));
  } finally {
    await pool.end();
    await server.stop();
    await database.close();
  }
}

/** Runs `task` in `concurrency` loops for `seconds`: completions per second, latencies, failures. */
async function drive(seconds: number, concurrency: number, task: () => Promise<boolean>) {
  const latencies: number[] = [];
  let failed = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const t = performance.now();
        const ok = await task().catch(() => false);
        latencies.push(performance.now() - t);
        if (!ok) failed++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return { perSecond: (latencies.length - failed) / elapsed, latencies, failed };
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
