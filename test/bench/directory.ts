/**
 * `pnpm bench:directory`: seeds a million customers into a fresh database, then times the
 * customer directory over HTTP against the real server (in this process): searches, filtered
 * lists and the single-customer read as the floor. Progress, the goals check and the plans of
 * the slowest searches go to stderr; the last line of stdout is the result as JSON.
 *
 * BENCH_DATABASE_URL   a PostgreSQL the bench may create a database in (else an embedded cluster
 *                      in a temporary directory, tuned for the load, removed afterwards)
 * BENCH_CUSTOMERS      how many customers to seed (1,000,000)
 * BENCH_REQUESTS       measured requests per kind (200), after 20 to warm up
 * BENCH_CONCURRENCY    requests in flight at once (1: one after another)
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { readConfig } from '@foyer/server/platform/config.ts';
import { createLogger } from '@foyer/server/platform/logger.ts';
import { startFoyer, type RunningFoyer } from '@foyer/server/server.ts';
import { seedCustomers } from '@foyer/server/seed.ts';
import { buildRequests, type BenchRequest, type Kind } from './inputs.ts';
import { BenchClient, runAll, summarize, type Summary, type Timed } from './measure.ts';
import { openDatabase } from './database.ts';
import { PlanCapture } from './plans.ts';

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 1_000_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 1);
const WARMUP = 20;
const GOALS = { seedSeconds: 90, maxP95Ms: 30, floorFactor: 3 };

/**
 * The embedded cluster's settings for a million-row load and for reading plans: enough shared
 * buffers to hold the tables and their indexes, no checkpoint (and the full-page writes after it)
 * in the middle of the load, and auto_explain loaded but idle until PlanCapture switches it on.
 */
const CLUSTER_FLAGS = [
  'shared_buffers=4GB',
  'max_wal_size=20GB',
  'checkpoint_timeout=1h',
  'wal_buffers=64MB',
  'maintenance_work_mem=1GB',
  'shared_preload_libraries=auto_explain',
].flatMap((setting) => ['-c', setting]);

const SEARCHES: Kind[] = ['nameFragment', 'nameTypo', 'partialEmail', 'phone', 'customerNumber'];
const LISTS: Kind[] = ['listPage1', 'listPage200'];
const KINDS: Kind[] = ['floor', ...SEARCHES, ...LISTS];

const say = (message: string) => process.stderr.write(`${message}\n`);
const seconds = (ms: number) => Math.round(ms / 100) / 10;
const load = () => Math.round(loadavg()[0]! * 100) / 100;

async function seed(foyer: RunningFoyer, orgId: string) {
  say(`seeding ${CUSTOMERS.toLocaleString('en')} customers (load ${load()})`);
  const started = performance.now();
  const report = await seedCustomers(foyer.database.pool, orgId, CUSTOMERS, {
    onProgress: ({ done, total }) => say(`  ${done.toLocaleString('en')} / ${total.toLocaleString('en')}  ${seconds(performance.now() - started)} s`),
  });
  const seedSeconds = seconds(performance.now() - started);
  say(`seeded in ${seedSeconds} s (load ${load()}); where the time went:`);
  for (const [step, ms] of Object.entries(report.ms)) say(`  ${step.padEnd(18)} ${seconds(ms)} s`);
  // After a million inserts autovacuum would start on these tables in the middle of the
  // measurement; vacuum now instead (it also sets the visibility map for index-only scans).
  const vacuumStarted = performance.now();
  await foyer.database.pool.query(
    'vacuum (analyze) customers, customer_emails, customer_phones, customer_addresses, customer_tags, customer_companies, custom_field_values, audit_log',
  );
  say(`vacuum (analyze) after the seed: ${seconds(performance.now() - vacuumStarted)} s (not part of the seed time)`);
  return seedSeconds;
}

/**
 * Page 200 as the list reaches it: its Next link carries the previous page's `nextCursor` as
 * `after` (web/src/routes/(app)/customers/+page.svelte). Page 199 of each filter is read once, not
 * timed, and page 200 is then asked for with its cursor, as the 199th click on Next does.
 */
async function asTheUiPages(client: BenchClient, requests: BenchRequest[]): Promise<BenchRequest[]> {
  const cursors = new Map<string, string>();
  for (const path of new Set(requests.map((r) => r.path))) {
    const previous = path.replace(/&page=200$/, '&page=199');
    const page = await client.json<{ nextCursor: string | null }>(previous);
    if (!page.nextCursor) throw new Error(`No page 200 after ${previous}`);
    cursors.set(path, page.nextCursor);
  }
  return requests.map((r) => ({ ...r, path: `${r.path}&after=${cursors.get(r.path)}` }));
}

async function measure(client: BenchClient, requests: Record<Kind, BenchRequest[]>) {
  const results = {} as Record<Kind, Timed[]>;
  const summaries = {} as Record<Kind, Summary>;
  for (const kind of KINDS) {
    await runAll(client, requests[kind].slice(0, WARMUP), CONCURRENCY);
    results[kind] = await runAll(client, requests[kind].slice(WARMUP), CONCURRENCY);
    summaries[kind] = summarize(results[kind], kind !== 'floor');
    const s = summaries[kind];
    const rates = [s.hitRate !== undefined && `hits ${s.hitRate}`, s.foundRate !== undefined && `found ${s.foundRate}`].filter(Boolean).join(', ');
    say(`  ${kind.padEnd(15)} p50 ${s.p50}  p95 ${s.p95}  p99 ${s.p99} ms  errors ${s.errors}${rates ? `  ${rates}` : ''}  (load ${load()})`);
  }
  return { results, summaries };
}

/** Prints whether each goal is met; true when all are. */
function checkGoals(seedSeconds: number, summaries: Record<Kind, Summary>): boolean {
  const limit = Math.min(GOALS.floorFactor * summaries.floor.p95, GOALS.maxP95Ms);
  say(
    `goals: each search and list p95 ≤ ${GOALS.floorFactor} × floor p95 (${summaries.floor.p95} ms) and < ${GOALS.maxP95Ms} ms, ` +
      `so ≤ ${Math.round(limit * 10) / 10} ms; seed < ${GOALS.seedSeconds} s`,
  );
  let met = seedSeconds < GOALS.seedSeconds;
  say(`  seed            ${seedSeconds} s  ${met ? 'ok' : 'MISSED'}`);
  for (const kind of [...SEARCHES, ...LISTS]) {
    const { p95, errors } = summaries[kind];
    const ok = p95 <= limit && p95 < GOALS.maxP95Ms && errors === 0;
    met &&= ok;
    say(`  ${kind.padEnd(15)} p95 ${p95} ms${errors ? `, ${errors} errors` : ''}  ${ok ? 'ok' : 'MISSED'}`);
  }
  return met;
}

/**
 * The statements behind the two searches and the list with the highest p95, replayed with their
 * slowest inputs.
 */
async function explainSlowest(foyer: RunningFoyer, client: BenchClient, plans: PlanCapture, summaries: Record<Kind, Summary>, results: Record<Kind, Timed[]>) {
  const { rows } = await foyer.database.pool.query<{ libs: string }>(`select current_setting('shared_preload_libraries') as libs`);
  if (!rows[0]!.libs.includes('auto_explain')) return say('plans: auto_explain is not loaded on this server; skipped');
  const byP95 = (kinds: Kind[]) => [...kinds].sort((a, b) => summaries[b].p95 - summaries[a].p95);
  for (const kind of [...byP95(SEARCHES).slice(0, 2), byP95(LISTS)[0]!]) {
    const inputs = [...results[kind]].sort((a, b) => b.ms - a.ms).slice(0, 3);
    const captured = await plans.during(foyer.database.pool, () => runAll(client, inputs, 1));
    say(`\n=== ${kind} (p95 ${summaries[kind].p95} ms): the slowest statements of its 3 slowest requests, replayed ===`);
    for (const input of inputs) say(`  GET ${decodeURIComponent(input.path)}  (${Math.round(input.ms * 10) / 10} ms when measured)`);
    for (const plan of captured.slice(0, 2)) say(`--- ${plan.ms} ms\n${plan.text}\n`);
  }
}

async function main() {
  const plans = new PlanCapture();
  const database = await openDatabase({ postgresFlags: CLUSTER_FLAGS, onLog: plans.onLog });
  try {
    const admin = { email: 'owner@bench.foyer.local', password: randomBytes(12).toString('base64url') };
    const foyer = await startFoyer({ ...readConfig({ PORT: '0', HOST: '127.0.0.1' }), databaseUrl: database.url, admin }, createLogger('silent'));
    try {
      const { rows } = await foyer.database.pool.query<{ orgId: string }>('select org_id as "orgId" from users where email = $1', [admin.email]);
      const orgId = rows[0]!.orgId;
      const seedSeconds = await seed(foyer, orgId);

      const client = new BenchClient(foyer.url);
      await client.login(admin.email, admin.password);
      const requests = await buildRequests(foyer.database.pool, orgId, WARMUP + REQUESTS);
      requests.listPage200 = await asTheUiPages(client, requests.listPage200);
      say(`${REQUESTS} requests per kind after ${WARMUP} to warm up, ${CONCURRENCY === 1 ? 'one at a time' : `${CONCURRENCY} at a time`} (load ${load()})`);
      const { results, summaries } = await measure(client, requests);
      checkGoals(seedSeconds, summaries);
      await explainSlowest(foyer, client, plans, summaries, results);

      const perKind = Object.fromEntries(KINDS.map((k) => [k, summaries[k]]));
      console.log(JSON.stringify({ seedSeconds, customers: CUSTOMERS, concurrency: CONCURRENCY, ...perKind, loadAvg1m: load() }));
    } finally {
      await foyer.close();
    }
  } finally {
    await database.close();
  }
}

await main();
