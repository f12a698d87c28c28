/**
 * The presence half of `pnpm bench:realtime` (C7): 1,000 staff sockets connected to a real Foyer
 * server (its own process, as in production), customers entering booking flows at 200 per second
 * for 20 s and leaving each a little later; the latency from a flow's `flow:identify` to the
 * "online" event's arrival at every one of the 1,000 staff sockets. In the same run, the same
 * fan-out through a bare socket.io server with no logic (bare-socketio.ts) is the reference.
 *
 * Foyer is measured first, then stopped, then the reference: each server alone on the machine.
 * Foyer sends an organization's presence changes at most every 25 ms (PRESENCE_BATCH_MS) in one
 * message; the reference sends one message per change, as a server with no logic would.
 * The staff sockets live in two worker threads (see presence-staff-worker.ts); the flows, one
 * WebSocket per customer from its own loopback address, speaking the socket.io protocol, in a third
 * (presence-flow-worker.ts): the main thread only coordinates. Both servers are driven by the same
 * flow and staff clients. About 3,000 file descriptors are open at once: `ulimit -n` must allow it
 * (4096 or more).
 *
 * Run alone: `server/node_modules/.bin/tsx test/bench/realtime-presence.ts` (JSON on the last line).
 * BENCH_DATABASE_URL: a PostgreSQL to create the bench database in (else an embedded cluster).
 * BENCH_STAFF, BENCH_RATE, BENCH_SECONDS: 1000, 200, 20.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { toSystemId } from '@foyer/schema/validation';
import { connect } from '@foyer/server/platform/db/connect.ts';
import { SESSION_COOKIE } from '@foyer/server/platform/http/context.ts';
import { OFFLINE_GRACE_MS, SWEEP_MS } from '@foyer/server/domains/presence/store.ts';
import { issueFlowToken } from '@foyer/server/domains/bookings/flow-tokens.ts';
import { seedCustomers } from '@foyer/server/seed.ts';
import { SERVER_NODE_ARGS } from '../support/server-process.ts';
import { openDatabase } from './database.ts';

const STAFF = Number(process.env.BENCH_STAFF ?? 1000);
const RATE = Number(process.env.BENCH_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
/** Not measured: the first customers warm both servers up (JIT, pools). */
const WARMUP_SECONDS = 2;
/** How long a customer stays in the flow before leaving (so leaving runs at the same rate). */
const DWELL_MS = 2000;
const WORKERS = 2;
const GOALS = { p99Ms: 50, referenceFactor: 2 };

const serverDir = fileURLToPath(new URL('../../server', import.meta.url));
/** Worker threads do not inherit tsx's loader: each registers it, then loads the TypeScript worker. */
const tsxApi = new URL('../../server/node_modules/tsx/dist/esm/api/index.mjs', import.meta.url).href;
const workerSource = (file: string) =>
  `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(new URL(file, import.meta.url).href)}); })`;
const say = (message: string) => process.stderr.write(`${message}\n`);
const round = (ms: number) => Math.round(ms * 10) / 10;
const percentile = (sorted: Float64Array, p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? NaN;

export type PresenceBench = {
  p50: number;
  p99: number;
  reference: { p50: number; p99: number };
  /** Presence changes delivered to staff sockets during Foyer's run (online and offline). */
  events: number;
  sockets: number;
  /** (socket, customer) pairs whose "online" had not arrived when the run ended: not in the percentiles, so read them together. */
  missing: number;
  /** Flows that could not connect or identify (a saturated machine: connect timeouts). */
  flowFailures: number;
  serverCpuSeconds: number;
};

/** Starts a process and resolves with what `ready` finds in its output. */
function startProcess(command: string, args: string[], env: Record<string, string>, ready: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(command, args, { cwd: serverDir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')} did not start:\n${output}`)), 60_000);
    let started = false;
    // After the start, the output is only counted (and its warnings shown once): a growing string
    // searched on every chunk would slow the bench's own event loop.
    let later = 0;
    const check = (d: Buffer) => {
      if (started) {
        if (later++ === 0) say(`server output after start: ${String(d).slice(0, 500)}`);
        return;
      }
      output += d;
      const match = ready.exec(output);
      if (match) {
        started = true;
        clearTimeout(timer);
        resolve({ child, match });
      }
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}:\n${output}`)));
  });
}

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });

/** 1,000 staff members with a session each, and the customers with their flow tokens: set-based. */
async function prepare(databaseUrl: string, customers: number) {
  const database = connect(databaseUrl);
  try {
    const { rows: orgs } = await database.pool.query<{ id: string }>('select id from organizations order by created_at limit 1');
    const orgId = orgs[0]!.id;
    const run = randomBytes(3).toString('hex');
    const { rows: users } = await database.pool.query<{ id: string }>(
      `insert into users (org_id, email, name, password_hash, role)
       select $1, 'bench-' || $2 || '-' || g || '@bench.test', 'Bench Staff ' || g, 'no password: signed in by the bench', 'staff'
       from generate_series(1, $3) g returning id`,
      [orgId, run, STAFF],
    );
    const tokens = users.map(() => randomBytes(32).toString('base64url'));
    await database.pool.query(
      `insert into sessions (token_hash, user_id, org_id, expires_at)
       select h, u, $3, now() + interval '1 day' from unnest($1::text[], $2::uuid[]) as t(h, u)`,
      [tokens.map((t) => createHash('sha256').update(t).digest('hex')), users.map((u) => u.id), orgId],
    );
    await seedCustomers(database.pool, orgId, customers);
    const { rows } = await database.pool.query<{ id: string }>('select id from customers where org_id = $1 limit $2', [orgId, customers]);
    const flowTokens: string[] = [];
    for (let i = 0; i < rows.length; i += 200)
      flowTokens.push(...(await Promise.all(rows.slice(i, i + 200).map((r) => issueFlowToken(database.db, orgId, r.id)))));
    return { cookies: tokens.map((t) => `${SESSION_COOKIE}=${t}`), customerIds: rows.map((r) => toSystemId(r.id)), flowTokens };
  } finally {
    await database.close();
  }
}

/** One visitor per loopback address (127.1.x.y), as customers on their own phones would be: the per-address limits see each once. */
const addressOf = (i: number) => `127.1.${Math.floor(i / 250)}.${(i % 250) + 1}`;

/** CPU seconds (user + system) a process (or, under /proc/self/task, a thread) has used so far, from /proc (Linux). */
function cpuSeconds(pid: number | string | undefined, where = '/proc'): number {
  try {
    const fields = readFileSync(`${where}/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** CPU seconds of each of this process's threads: where the bench's own CPU goes. */
const threadCpu = () => new Map(readdirSync('/proc/self/task').map((tid) => [tid, cpuSeconds(tid, '/proc/self/task')]));
const busiest = (before: Map<string, number>, after: Map<string, number>, names: Map<string, string>) =>
  [...after]
    .map(([tid, s]) => [names.get(tid) ?? tid, s - (before.get(tid) ?? 0)] as const)
    .filter(([, s]) => s >= 0.5)
    .sort((a, b) => b[1] - a[1])
    .map(([tid, s]) => `${tid} ${round(s)} s`)
    .join(', ');

type Measured = { p50: number; p99: number; events: number; missing: number; samples: number; serverCpuSeconds: number; flowFailures: number };

/** Connects the staff sockets (in worker threads), runs the flows, and measures. */
async function measure(
  label: string,
  server: ChildProcess,
  url: string,
  cookies: (string | undefined)[],
  customerIds: string[],
  tokens: string[],
): Promise<Measured> {
  const share = Math.ceil(cookies.length / WORKERS);
  const workers = Array.from(
    { length: WORKERS },
    (_, w) =>
      new Worker(workerSource('./presence-staff-worker.ts'), {
        eval: true,
        workerData: { url, cookies: cookies.slice(w * share, (w + 1) * share), customerIds },
      }),
  );
  const next = (worker: Worker) =>
    new Promise<any>((resolve, reject) => {
      worker.once('message', (m) => (m.error ? reject(new Error(m.error)) : resolve(m)));
      worker.once('error', reject);
    });
  const names = new Map([[String(process.pid), 'main']]);
  for (const [w, m] of (await Promise.all(workers.map(next))).entries()) names.set(m.tid, `staff ${w + 1}`);
  say(`${label}: ${cookies.length} staff sockets connected; customers enter at ${RATE}/s for ${WARMUP_SECONDS} + ${SECONDS} s`);

  const total = RATE * (WARMUP_SECONDS + SECONDS);
  const flows = new Worker(workerSource('./presence-flow-worker.ts'), {
    eval: true,
    workerData: { url, tokens, total, measuredFrom: RATE * WARMUP_SECONDS, rate: RATE, dwellMs: DWELL_MS, addresses: tokens.map((_, i) => addressOf(i)) },
  });
  names.set((await next(flows)).tid, 'flows');
  const cpuBefore = cpuSeconds(server.pid);
  const benchCpuBefore = process.cpuUsage();
  const threadsBefore = threadCpu();
  const launched = next(flows);
  flows.postMessage({ start: true });
  await launched;
  // Everyone leaves, the offline events (after the grace) go out, then the workers report.
  await new Promise((r) => setTimeout(r, DWELL_MS + OFFLINE_GRACE_MS + SWEEP_MS + 1500));
  const threadsAfter = threadCpu();
  const flowReport = next(flows) as Promise<{ sent: Float64Array; failures: number; acknowledged: number; reasons: Record<string, number> }>;
  flows.postMessage({ finish: true });
  const { sent, failures, acknowledged, reasons } = await flowReport;
  await flows.terminate();
  const serverCpuSeconds = Math.round((cpuSeconds(server.pid) - cpuBefore) * 10) / 10;
  const benchCpu = process.cpuUsage(benchCpuBefore);
  const reports = await Promise.all(
    workers.map((w) => {
      const report = next(w);
      w.postMessage({ finish: sent });
      return report as Promise<{ latencies: Float64Array; missing: number; events: number }>;
    }),
  );
  await Promise.all(workers.map((w) => w.terminate()));
  const all = new Float64Array(reports.reduce((n, r) => n + r.latencies.length, 0));
  let offset = 0;
  for (const r of reports) (all.set(r.latencies, offset), (offset += r.latencies.length));
  all.sort();
  const result = {
    p50: round(percentile(all, 0.5)),
    p99: round(percentile(all, 0.99)),
    events: reports.reduce((n, r) => n + r.events, 0),
    missing: reports.reduce((n, r) => n + r.missing, 0),
    samples: all.length,
    serverCpuSeconds,
    flowFailures: failures,
  };
  say(
    `${label}: server CPU ${serverCpuSeconds} s, bench CPU ${Math.round((benchCpu.user + benchCpu.system) / 1e5) / 10} s (threads over 0.5 s: ${busiest(threadsBefore, threadsAfter, names)}), load ${loadavg()[0]!.toFixed(1)}`,
  );
  say(
    `${label}: p90 ${round(percentile(all, 0.9))} ms, p95 ${round(percentile(all, 0.95))} ms, p99.9 ${round(percentile(all, 0.999))} ms, max ${round(all[all.length - 1] ?? NaN)} ms`,
  );
  say(
    `${label}: p50 ${result.p50} ms, p99 ${result.p99} ms over ${result.samples} arrivals; ${result.events} events; ${result.missing} missing; ${acknowledged} of ${total} identifies acknowledged; ${failures} flow failures ${JSON.stringify(reasons)}`,
  );
  return result;
}

export async function benchPresence(): Promise<PresenceBench> {
  const customers = RATE * (WARMUP_SECONDS + SECONDS);
  const database = await openDatabase({ onLog: () => {} });
  const children: ChildProcess[] = [];
  try {
    const foyer = await startProcess(
      process.execPath,
      // BENCH_PROFILE=<dir>: a V8 CPU profile of the Foyer server, written when it stops.
      [...(process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : []), ...SERVER_NODE_ARGS],
      {
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        DATABASE_URL: database.url,
        FOYER_ADMIN_EMAIL: 'owner@bench.test',
        FOYER_ADMIN_PASSWORD: randomBytes(12).toString('hex'),
      },
      /Foyer is running at (http:\/\/\S+)/,
    );
    children.push(foyer.child);
    say(`preparing ${STAFF} staff sessions and ${customers} customers`);
    const data = await prepare(database.url, customers);
    // One server at a time, each alone on the machine while it is measured: Foyer, then the reference.
    const measured = await measure('Foyer', foyer.child, foyer.match[1]!, data.cookies, data.customerIds, data.flowTokens);
    await stop(foyer.child);
    let reference: { p50: number; p99: number } = { p50: NaN, p99: NaN };
    if (!process.env.BENCH_SKIP_REFERENCE) {
      await new Promise((r) => setTimeout(r, 2000)); // let the closed connections settle
      const bare = await startProcess(
        process.execPath,
        ['--import', 'tsx', fileURLToPath(new URL('./bare-socketio.ts', import.meta.url))],
        {},
        /listening (\d+)/,
      );
      children.push(bare.child);
      reference = await measure(
        'bare socket.io',
        bare.child,
        `http://127.0.0.1:${bare.match[1]}`,
        data.cookies.map(() => undefined),
        data.customerIds,
        data.customerIds,
      );
    }
    const ok = measured.p99 <= GOALS.p99Ms && measured.p99 <= GOALS.referenceFactor * reference.p99 && measured.missing === 0;
    say(`goals (p99 ≤ ${GOALS.p99Ms} ms, ≤ ${GOALS.referenceFactor}× the reference, nothing missing): ${ok ? 'met' : 'NOT met'}`);
    return {
      p50: measured.p50,
      p99: measured.p99,
      reference: { p50: reference.p50, p99: reference.p99 },
      events: measured.events,
      sockets: STAFF,
      missing: measured.missing,
      flowFailures: measured.flowFailures,
      serverCpuSeconds: measured.serverCpuSeconds,
    };
  } finally {
    await Promise.all(children.map(stop));
    await database.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  benchPresence().then(
    (result) => {
      process.stdout.write(`${JSON.stringify({ presence: result })}\n`);
      process.exit(0);
    },
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
