/**
 * `pnpm bench:requests`: what one request costs in Foyer against a bare endpoint (bare-server.ts:
 * node:http + pg, one statement per request) answering the same question from the same database,
 * the same data and in the same run. Each server runs in a process of its own (requests-node.ts)
 * so that Foyer's CPU time per request can be read; the client is this process.
 *
 * Kinds: by-id read, list page 1 (a tag and a language in name order), a name search (a last-name
 * prefix), a phone search (a UK number as staff type it), create a customer, update one field. At
 * each concurrency every kind runs in rounds that alternate Foyer and bare (Foyer first, then bare
 * first), so that a noisy neighbour on the machine weighs on both alike.
 *
 * Progress and the goals go to stderr; the last line of stdout is the result as JSON.
 *
 * BENCH_DATABASE_URL   a PostgreSQL the bench may create a database in (else an embedded cluster
 *                      in a temporary directory, removed afterwards)
 * BENCH_CUSTOMERS      how many customers to seed (100,000)
 * BENCH_REQUESTS       measured requests per kind, server and concurrency (300), after 30 to warm up
 * BENCH_CONCURRENCY    the concurrencies, comma-separated (1,8)
 * BENCH_KINDS          the kinds to run, comma-separated (all six)
 * BENCH_CPU_PROF       a directory: Foyer's process writes a V8 CPU profile there (node --cpu-prof)
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { normalizePhone } from '@foyer/schema/validation';
import { seedCustomers } from '@foyer/server/seed.ts';
import { openDatabase } from './database.ts';
import { buildRequests } from './inputs.ts';
import { percentile, round } from './measure.ts';
import type { NodeMessage } from './requests-node.ts';

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 100_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 300);
const CONCURRENCIES = (process.env.BENCH_CONCURRENCY ?? '1,8').split(',').map(Number);
const WARMUP = 30;
const ROUNDS = 4;
const GOALS = { byIdFactor: 2, readThroughputShare: 0.5, searchFactorOfBareById: 3, maxSearchP95Ms: 30 };

const ALL_KINDS = ['byId', 'listPage1', 'nameSearch', 'phoneSearch', 'create', 'update'] as const;
type Kind = (typeof ALL_KINDS)[number];
const KINDS = process.env.BENCH_KINDS ? ALL_KINDS.filter((k) => process.env.BENCH_KINDS!.split(',').includes(k)) : ALL_KINDS;
const READS: Kind[] = ['byId', 'listPage1', 'nameSearch', 'phoneSearch'];
type Target = 'foyer' | 'bare';
type Call = { method: 'GET' | 'POST' | 'PATCH'; path: string; body?: unknown };

const say = (message: string) => process.stderr.write(`${message}\n`);
const load = () => loadavg().map((l) => Math.round(l * 100) / 100);

/** A server process of the bench (requests-node.ts) and the CPU time it reports. */
class ServerProcess {
  private waiting: ((message: NodeMessage) => void)[] = [];
  private constructor(private readonly child: ChildProcess) {
    child.on('message', (message: NodeMessage) => this.waiting.shift()?.(message));
  }

  static async start(args: string[], execArgv: string[] = []): Promise<{ server: ServerProcess; url: string; orgId?: string }> {
    const child = fork(fileURLToPath(new URL('./requests-node.ts', import.meta.url)), args, {
      execArgv: [...process.execArgv, ...execArgv],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const server = new ServerProcess(child);
    const ready = await new Promise<NodeMessage>((resolve, reject) => {
      server.waiting.push(resolve);
      child.once('exit', (code) => reject(new Error(`The ${args[0]} server exited with ${code} before it listened`)));
    });
    if (ready.type !== 'ready') throw new Error('The server did not say it was ready');
    return { server, url: ready.url, orgId: ready.orgId };
  }

  async cpuMs(): Promise<number> {
    const answer = new Promise<NodeMessage>((resolve) => this.waiting.push(resolve));
    this.child.send('cpu');
    const message = await answer;
    return message.type === 'cpu' ? message.ms : NaN;
  }

  async stop() {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send('stop');
    await exited;
  }
}

/** Keep-alive HTTP, timed from the request to the body's last byte; a status other than expected stops the bench. */
class Client {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 16 });
  cookie = '';
  constructor(private readonly baseUrl: string) {}

  send(call: Call): Promise<{ ms: number; status: number; body: string }> {
    const url = new URL(call.path, this.baseUrl);
    const payload = call.body === undefined ? undefined : JSON.stringify(call.body);
    const headers: Record<string, string> = { cookie: this.cookie };
    if (payload) Object.assign(headers, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) });
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const req = request(url, { method: call.method, agent: this.agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ ms: performance.now() - started, status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(payload);
    });
  }

  async login(email: string, password: string) {
    const res = await new Promise<{ status: number; cookie: string }>((resolve, reject) => {
      const payload = JSON.stringify({ email, password });
      const req = request(
        new URL('/api/auth/login', this.baseUrl),
        { method: 'POST', agent: this.agent, headers: { 'content-type': 'application/json', 'content-length': String(payload.length) } },
        (r) => {
          r.resume();
          r.on('end', () => resolve({ status: r.statusCode ?? 0, cookie: String(r.headers['set-cookie']?.[0] ?? '').split(';')[0]! }));
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
    if (res.status !== 200) throw new Error(`login failed: ${res.status}`);
    this.cookie = res.cookie;
  }

  close() {
    this.agent.destroy();
  }
}

/** Runs the calls with `concurrency` in flight; the times in call order and the wall time of the whole. */
async function runAll(client: Client, calls: Call[], concurrency: number, expect: number) {
  const ms: number[] = new Array(calls.length);
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < calls.length) {
      const i = next++;
      const res = await client.send(calls[i]!);
      if (res.status !== expect) throw new Error(`${calls[i]!.method} ${calls[i]!.path}: ${res.status} ${res.body.slice(0, 300)}`);
      ms[i] = res.ms;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { ms, wallMs: performance.now() - started };
}

type Side = { p50: number; p95: number; p99: number; rps: number };
const side = (ms: number[], wallMs: number): Side => {
  const sorted = [...ms].sort((a, b) => a - b);
  return {
    p50: round(percentile(sorted, 0.5)),
    p95: round(percentile(sorted, 0.95)),
    p99: round(percentile(sorted, 0.99)),
    rps: Math.round((ms.length * 1000) / wallMs),
  };
};
const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

/** A UK mobile number that Foyer accepts, different on each call. */
function freshPhone(seed: number): string {
  for (let i = 0; ; i++) {
    // Scattered, not consecutive: some blocks of numbers are not allocated and a run of
    // neighbours would walk a whole block.
    const candidate = `+4479${String(Number((BigInt(seed * 1009 + i) * 2654435761n) % 100_000_000n)).padStart(8, '0')}`;
    if (normalizePhone(candidate, 'GB')) return candidate;
  }
}

/** Each kind's calls for one server, `count` of them, the same inputs for both (bare paths drop /api). */
async function buildCalls(pool: pg.Pool, orgId: string, per: number, rounds: number, run: string) {
  // Reads are the same at every concurrency, and past 800 they repeat (tablesample gives a 100k
  // directory about a thousand customers to draw from); writes go to other customers each time.
  const reads = await buildRequests(pool, orgId, Math.min(per, 800));
  const count = per * rounds;
  const { rows: updates } = await pool.query<{ id: string }>(
    `select replace(id::text, '-', '') as id from customers where org_id = $1 order by md5(id::text || $3) limit $2`,
    [orgId, 2 * count, run],
  );
  const forTarget = (target: Target, offset: number): Record<Kind, Call[]> => {
    const path = (p: string) => (target === 'foyer' ? p : p.replace(/^\/api/, ''));
    const get = (kind: 'floor' | 'listPage1' | 'nameFragment' | 'phone') =>
      Array.from({ length: per }, (_, i) => ({ method: 'GET' as const, path: path(reads[kind][i % reads[kind].length]!.path) }));
    return {
      byId: get('floor'),
      listPage1: get('listPage1'),
      nameSearch: get('nameFragment'),
      phoneSearch: get('phone'),
      create: Array.from({ length: count }, (_, i) => ({
        method: 'POST' as const,
        path: path('/api/customers'),
        body: {
          firstName: 'Bench',
          lastName: `Create${target}${i}`,
          emails: [`bench.${run}.${target}.${i}@requests.bench.test`],
          phones: [freshPhone(offset + i)],
        },
      })),
      // Distinct customers for each server, and a name that differs from the current one.
      update: updates
        .slice(offset, offset + count)
        .map((u, i) => ({ method: 'PATCH' as const, path: path(`/api/customers/${u.id}`), body: { firstName: `Upd${run}${i}` } })),
    };
  };
  return { foyer: forTarget('foyer', 0), bare: forTarget('bare', count) };
}

async function main() {
  const started = performance.now();
  const database = await openDatabase({ postgresFlags: ['-c', 'shared_buffers=512MB', '-c', 'max_wal_size=4GB'] });
  const stops: (() => Promise<void>)[] = [];
  try {
    const admin = { email: 'owner@requests.bench.local', password: randomBytes(12).toString('base64url') };
    const cpuProf = process.env.BENCH_CPU_PROF;
    const foyer = await ServerProcess.start(['foyer', database.url, admin.email, admin.password], cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${cpuProf}`] : []);
    stops.push(() => foyer.server.stop());
    const orgId = foyer.orgId!;
    const pool = new pg.Pool({ connectionString: database.url, max: 4 });
    stops.push(() => pool.end());
    say(`seeding ${CUSTOMERS.toLocaleString('en')} customers (load ${load().join(' ')})`);
    await seedCustomers(pool, orgId, CUSTOMERS);
    await pool.query(
      'vacuum (analyze) customers, customer_emails, customer_phones, customer_addresses, customer_tags, customer_companies, custom_field_values',
    );
    say(`seeded in ${Math.round(performance.now() - started) / 1000} s`);
    const bare = await ServerProcess.start(['bare', database.url, orgId]);
    stops.push(() => bare.server.stop());

    const clients = { foyer: new Client(foyer.url), bare: new Client(bare.url) };
    await clients.foyer.login(admin.email, admin.password);
    const per = WARMUP + REQUESTS;
    const run = randomBytes(3).toString('hex');
    const calls = await buildCalls(pool, orgId, per, CONCURRENCIES.length, run);
    const loadStart = load();
    say(
      `${REQUESTS} measured requests per kind, server and concurrency after ${WARMUP} to warm up, in ${ROUNDS} alternating rounds (load ${loadStart.join(' ')})`,
    );

    const result: Record<string, unknown> = {};
    for (const [ci, concurrency] of CONCURRENCIES.entries()) {
      const atThis: Record<string, unknown> = {};
      for (const kind of KINDS) {
        const expect = kind === 'create' ? 201 : 200;
        const times = { foyer: [] as number[], bare: [] as number[] };
        const wall = { foyer: 0, bare: 0 };
        let foyerCpuMs = 0;
        const slice = (target: Target) => (READS.includes(kind) ? calls[target][kind] : calls[target][kind].slice(ci * per, (ci + 1) * per));
        for (const target of ['foyer', 'bare'] as const) await runAll(clients[target], slice(target).slice(0, WARMUP), concurrency, expect);
        const chunk = Math.ceil(REQUESTS / ROUNDS);
        for (let r = 0; r < ROUNDS; r++) {
          const order: Target[] = r % 2 === 0 ? ['foyer', 'bare'] : ['bare', 'foyer'];
          for (const target of order) {
            const part = slice(target).slice(WARMUP + r * chunk, WARMUP + (r + 1) * chunk);
            const cpuBefore = target === 'foyer' ? await foyer.server.cpuMs() : 0;
            const { ms, wallMs } = await runAll(clients[target], part, concurrency, expect);
            if (target === 'foyer') foyerCpuMs += (await foyer.server.cpuMs()) - cpuBefore;
            times[target].push(...ms);
            wall[target] += wallMs;
          }
        }
        const f = side(times.foyer, wall.foyer);
        const b = side(times.bare, wall.bare);
        const entry = {
          foyer: f,
          bare: b,
          ratio: { p50: ratio(f.p50, b.p50), p95: ratio(f.p95, b.p95), p99: ratio(f.p99, b.p99), rps: ratio(f.rps, b.rps) },
          foyerCpuMsPerRequest: Math.round((foyerCpuMs / times.foyer.length) * 100) / 100,
        };
        atThis[kind] = entry;
        say(
          `  c${concurrency} ${kind.padEnd(12)} foyer p50 ${f.p50} p95 ${f.p95} p99 ${f.p99} ms ${f.rps}/s  |  bare p50 ${b.p50} p95 ${b.p95} p99 ${b.p99} ms ${b.rps}/s` +
            `  |  ×${entry.ratio.p50} p50, ×${entry.ratio.p95} p95, ${entry.ratio.rps} of bare's req/s; foyer CPU ${entry.foyerCpuMsPerRequest} ms/req  (load ${load()[0]})`,
        );
      }
      result[`c${concurrency}`] = atThis;
    }
    const loadEnd = load();
    const goals = checkGoals(result);
    console.log(JSON.stringify({ customers: CUSTOMERS, requestsPerKind: REQUESTS, ...result, goals, loadAvg: { start: loadStart, end: loadEnd } }));
    for (const client of Object.values(clients)) client.close();
  } finally {
    for (const stop of stops.reverse()) await stop().catch((err: Error) => say(`stopping: ${err.message}`));
    await database.close();
  }
}

type Entry = { foyer: Side; bare: Side; ratio: { p50: number; p95: number; rps: number } };

/** Each goal of issue 19 as measured here, with whether it is met. */
function checkGoals(result: Record<string, unknown>) {
  const goals: Record<string, { value: number; limit: number; met: boolean }> = {};
  const at = (c: string) => result[c] as Record<Kind, Entry> | undefined;
  for (const c of Object.keys(result)) {
    const byId = at(c)!.byId;
    if (!byId) continue;
    goals[`${c}.byId.p50Ratio`] = { value: byId.ratio.p50, limit: GOALS.byIdFactor, met: byId.ratio.p50 <= GOALS.byIdFactor };
    goals[`${c}.byId.p95Ratio`] = { value: byId.ratio.p95, limit: GOALS.byIdFactor, met: byId.ratio.p95 <= GOALS.byIdFactor };
    for (const kind of ['listPage1', 'nameSearch', 'phoneSearch'] as const) {
      const limit = Math.min(GOALS.searchFactorOfBareById * byId.bare.p95, GOALS.maxSearchP95Ms);
      const p95 = at(c)![kind]?.foyer.p95;
      if (p95 === undefined) continue;
      goals[`${c}.${kind}.p95`] = { value: p95, limit: round(limit), met: p95 <= limit };
    }
  }
  const c8 = at('c8');
  if (c8)
    for (const kind of READS.filter((k) => c8[k]))
      goals[`c8.${kind}.rpsShare`] = { value: c8[kind].ratio.rps, limit: GOALS.readThroughputShare, met: c8[kind].ratio.rps >= GOALS.readThroughputShare };
  for (const [name, g] of Object.entries(goals)) say(`  ${name.padEnd(26)} ${g.value} (limit ${g.limit})  ${g.met ? 'ok' : 'MISSED'}`);
  return goals;
}

await main();
