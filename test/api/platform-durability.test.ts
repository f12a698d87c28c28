import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobProgressEvent } from '@foyer/schema/validation';
import { connect, type Database } from '@foyer/server/platform/db/connect.ts';
import { createTestDatabase } from '../support/db.ts';
import { createProbeTable } from '../support/platform-probe.ts';
import { kill9, signInOwner, spawnFoyer, type FoyerProcess } from '../support/process.ts';
import { dropRedisPrefix, redisReachable, REDIS_URL } from '../support/redis.ts';
import { connectStaff, until, type StaffClient } from '../support/sockets.ts';

/**
 * The outbox and the job queue against kill -9 and across nodes: real server processes
 * (test/support/platform-probe-main.ts: src/main.ts plus the probes of platform-probe.ts) on one
 * PostgreSQL database.
 */
const PROBE_ENTRY = '../test/support/platform-probe-main.ts';
const processes: FoyerProcess[] = [];
const sockets: StaffClient[] = [];
let databaseUrl: string;
let database: Database;

beforeAll(async () => {
  databaseUrl = await createTestDatabase();
  database = connect(databaseUrl, 4);
  await createProbeTable(database.db);
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await Promise.all(processes.map((p) => p.stop()));
  await database?.close();
});

async function start(node: string, env: Record<string, string> = {}) {
  const p = await spawnFoyer({ DATABASE_URL: databaseUrl, PROBE_NODE: node, ...env }, PROBE_ENTRY);
  processes.push(p);
  return p;
}
const query = async <T extends object>(text: string, params: unknown[] = []) => (await database.pool.query<T>(text, params)).rows;
const effectsOf = (eventId: number) =>
  query<{ source: string; node: string }>('select source, node from probe_effects where key = $1 and source like $2 order by id', [String(eventId), 'probe.%']);
/** The probes' delivery marks (the domains' own subscribers of customer.changed have theirs beside). */
const marksOf = async (eventId: number) =>
  (
    await query<{ subscriber: string }>("select subscriber from outbox_deliveries where event_id = $1 and subscriber like 'probe.%' order by subscriber", [
      eventId,
    ])
  ).map((r) => r.subscriber);

describe('kill -9', () => {
  it('between an event commit and its delivery: after a restart each durable subscriber acts on it exactly once', async () => {
    // probe.first and probe.flaky commit, then probe.blocking makes its effect and hangs inside its transaction.
    const first = await start('first', { PROBE_BLOCK: '1' });
    const written = await (await signInOwner(first)).post('/api/probe/events', { count: 1 });
    expect(written.status).toBe(200);
    const [eventId] = written.body.ids as number[];
    await until(async () => first.output().includes(`probe: blocking on event ${eventId}`) || undefined, 10_000, 'the subscriber to block');
    await kill9(first);

    // Committed: the event, and the effects of the first two subscribers with their marks; nothing of probe.blocking.
    expect((await effectsOf(eventId!)).map((e) => e.source)).toEqual(['probe.first', 'probe.flaky']);
    expect(await marksOf(eventId!)).toEqual(['probe.first', 'probe.flaky']);
    const [before] = await query<{ dispatched: boolean }>('select dispatched_at is not null as dispatched from outbox_events where id = $1', [eventId]);
    expect(before!.dispatched).toBe(false);

    const restartedAt = Date.now();
    const second = await start('second');
    await until(
      async () => (await query<{ id: string }>('select id from outbox_events where id = $1 and dispatched_at is not null', [eventId]))[0],
      10_000,
      'the event delivered after the restart',
    );
    console.log(`kill -9 outbox: delivered ${Date.now() - restartedAt} ms after the restart began`);
    const effects = await effectsOf(eventId!);
    expect(effects).toEqual([
      { source: 'probe.first', node: 'first' },
      { source: 'probe.flaky', node: 'first' },
      { source: 'probe.blocking', node: 'second' },
    ]);
    expect(await marksOf(eventId!)).toEqual(['probe.blocking', 'probe.first', 'probe.flaky', 'probe.outside']);
    await second.stop();
  }, 120_000);

  it('of the node running a job: after a restart the job resumes from its last committed step and applies each step once', async () => {
    // Alone on the database (also when the test above failed before it stopped its node).
    await Promise.all(processes.map((p) => p.stop()));
    const node = await start('job-first');
    const enqueued = await (await signInOwner(node)).post('/api/probe/jobs', { total: 40, delayMs: 100 });
    expect(enqueued.status).toBe(200);
    const runId = enqueued.body.id as string;
    const counted = async () =>
      (await query<{ key: string }>('select key from probe_effects where source = $1 order by id', [`job:${runId}`])).map((r) => Number(r.key));
    await until(async () => (await counted()).length >= 10 || undefined, 20_000, 'ten steps done');
    await kill9(node);
    const doneBeforeKill = (await counted()).length;
    expect(doneBeforeKill).toBeLessThan(40);
    const [mid] = await query<{ status: string; attempt: number; checkpoint: { next: number } }>(
      'select status, attempt, checkpoint from job_runs where id = $1',
      [runId],
    );
    expect(mid).toMatchObject({ status: 'running', attempt: 1, checkpoint: { next: doneBeforeKill } });

    const restartedAt = Date.now();
    const again = await start('job-second');
    const resumedAt = await until(
      async () => {
        const [row] = await query<{ attempt: number }>('select attempt from job_runs where id = $1', [runId]);
        return row && row.attempt === 2 && Date.now();
      },
      20_000,
      'a second attempt',
    );
    console.log(`kill -9 job: resumed ${resumedAt - restartedAt} ms after the restart began, at step ${doneBeforeKill}`);
    await until(
      async () => (await query<{ status: string }>('select status from job_runs where id = $1 and finished_at is not null', [runId]))[0],
      30_000,
      'the job finished',
    );
    expect(await counted()).toEqual(Array.from({ length: 40 }, (_, i) => i));
    const got = await (await signInOwner(again)).get(`/api/jobs/${runId}`);
    expect(got.body).toMatchObject({ status: 'succeeded', attempt: 2, result: { counted: 40 }, progress: { done: 40, total: 40, percent: 100 } });
    // The steps after the kill were done by the restarted node.
    const nodes = await query<{ node: string; n: number }>('select node, count(*)::int as n from probe_effects where source = $1 group by node order by node', [
      `job:${runId}`,
    ]);
    expect(nodes).toEqual([
      { node: 'job-first', n: doneBeforeKill },
      { node: 'job-second', n: 40 - doneBeforeKill },
    ]);
    await again.stop();
  }, 120_000);

  it('of the node running a job while another node is up: the other node notices and resumes the job', async () => {
    await Promise.all(processes.map((p) => p.stop()));
    const nodes = [await start('pair-1'), await start('pair-2')];
    const enqueued = await (await signInOwner(nodes[0]!)).post('/api/probe/jobs', { total: 40, delayMs: 100 });
    const runId = enqueued.body.id as string;
    const counted = async () =>
      (await query<{ key: string }>('select key from probe_effects where source = $1 order by id', [`job:${runId}`])).map((r) => Number(r.key));
    await until(async () => (await counted()).length >= 5 || undefined, 20_000, 'five steps done');
    const [row] = await query<{ node_id: string }>('select node_id from job_runs where id = $1', [runId]);
    // node ids are <host>-<pid>-<random>
    const victim = nodes.find((n) => row!.node_id.split('-').at(-2) === String(n.child.pid))!;
    const survivor = nodes.find((n) => n !== victim)!;
    const killedAt = Date.now();
    await kill9(victim);
    const resumedAt = await until(
      async () => {
        const [r] = await query<{ attempt: number }>('select attempt from job_runs where id = $1', [runId]);
        return r && r.attempt === 2 && Date.now();
      },
      20_000,
      'a second attempt',
    );
    console.log(`kill -9 of the job's node: the other node resumed it ${resumedAt - killedAt} ms later`);
    await until(
      async () => (await query<{ status: string }>('select status from job_runs where id = $1 and finished_at is not null', [runId]))[0],
      30_000,
      'the job finished',
    );
    expect(await counted()).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect((await (await signInOwner(survivor)).get(`/api/jobs/${runId}`)).body).toMatchObject({ status: 'succeeded', attempt: 2 });
    await survivor.stop();
  }, 120_000);
});

const noRedis = await redisReachable();
if (noRedis) console.warn(`platform-durability: skipping the two-node tests: ${noRedis}`);

describe.skipIf(!!noRedis)('two nodes sharing PostgreSQL and Redis', () => {
  const prefix = `foyer-test-${randomBytes(4).toString('hex')}:`;
  const env = { REDIS_URL, REDIS_PREFIX: prefix };
  let nodeA: FoyerProcess;
  let nodeB: FoyerProcess;

  beforeAll(async () => {
    // A database of their own: the nodes restarted above must not take these nodes' work.
    databaseUrl = await createTestDatabase();
    await database.close();
    database = connect(databaseUrl, 4);
    await createProbeTable(database.db);
    nodeA = await start('A', env);
    nodeB = await start('B', env);
  }, 120_000);
  afterAll(() => dropRedisPrefix(prefix));

  it('an event written through node A reaches the local subscribers of node B within a second; durable subscribers act once, on either node', async () => {
    // One event per transaction (its created_at, the transaction's start, is then close to its commit).
    const client = await signInOwner(nodeA);
    const ids: number[] = [];
    for (let i = 0; i < 20; i++) ids.push(...((await client.post('/api/probe/events', { count: 1 })).body.ids as number[]));
    // Local subscribers write their effect (with the database's clock) as they run.
    const local = await until(
      async () => {
        const rows = await query<{ key: string; ms: number }>(
          `select p.key, extract(epoch from p.at - e.created_at) * 1000 as ms
           from probe_effects p join outbox_events e on e.id = p.key::bigint
          where p.source = 'local' and p.node = 'B' and p.key = any($1::text[])`,
          [ids.map(String)],
        );
        return rows.length === ids.length && rows;
      },
      5000,
      'every event heard on B',
    );
    const ms = local.map((r) => Number(r.ms)).sort((a, b) => a - b);
    console.log(`node A → local subscriber on node B: p50 ${ms[Math.floor(ms.length / 2)]!.toFixed(1)} ms, max ${ms.at(-1)!.toFixed(1)} ms`);
    expect(ms.at(-1)!).toBeLessThan(1000);
    await until(
      async () =>
        (await query<{ n: number }>('select count(*)::int as n from outbox_events where id = any($1::bigint[]) and dispatched_at is null', [ids]))[0]!.n === 0,
      10_000,
      'all dispatched',
    );
    const durable = await query<{ source: string; n: number }>(
      `select source, count(*)::int as n from probe_effects where key = any($1::text[]) and source like 'probe.%' group by source order by source`,
      [ids.map(String)],
    );
    expect(durable).toEqual(['probe.blocking', 'probe.first', 'probe.flaky'].map((source) => ({ source, n: 20 })));
    const byNode = await query<{ node: string; n: number }>(
      `select node, count(*)::int as n from probe_effects where key = any($1::text[]) and source = 'probe.first' group by node order by node`,
      [ids.map(String)],
    );
    console.log(`durable deliveries by node: ${byNode.map((r) => `${r.node} ${r.n}`).join(', ')}`);
  }, 60_000);

  it('a job enqueued through node A shows its progress to staff on node B, whichever node runs it', async () => {
    const client = await signInOwner(nodeA);
    const onB = await connectStaff(nodeB.url, client.cookie);
    sockets.push(onB);
    const heard: JobProgressEvent[] = [];
    onB.on('job:progress', (e) => heard.push(e));
    const { id } = (await client.post('/api/probe/jobs', { total: 8, delayMs: 100 })).body as { id: string };
    await until(async () => heard.some((e) => e.id === id && e.status === 'succeeded') || undefined, 20_000, 'succeeded on B');
    const mine = heard.filter((e) => e.id === id);
    expect(mine.some((e) => e.status === 'running' && (e.progress.done ?? 0) > 0)).toBe(true);
    const [run] = await query<{ node_id: string }>('select node_id from job_runs where id = $1', [id]);
    // node ids are <host>-<pid>-<random>
    const ranOn = run!.node_id.split('-').at(-2) === String(nodeA.child.pid) ? 'A' : 'B';
    console.log(`the job ran on node ${ranOn}; staff on B heard ${mine.length} job:progress events`);
  }, 60_000);
});
