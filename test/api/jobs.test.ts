import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobProgressEvent } from '@foyer/schema/validation';
import { connect, type Database } from '@foyer/server/platform/db/connect.ts';
import { enqueue, getJobRun } from '@foyer/server/platform/jobs.ts';
import { createTestDatabase } from '../support/db.ts';
import { startTestFoyer, type TestFoyer } from '../support/foyer.ts';
import { createProbeTable, probeCount, probeExtensions, probeSleep } from '../support/platform-probe.ts';
import { connectStaff, sleep, until, type StaffClient } from '../support/sockets.ts';

/** The job queue on two in-process nodes sharing one database. */
let database: Database;
let nodeA: TestFoyer;
let nodeB: TestFoyer;
const sockets: StaffClient[] = [];

beforeAll(async () => {
  const databaseUrl = await createTestDatabase();
  database = connect(databaseUrl, 4);
  await createProbeTable(database.db);
  nodeA = await startTestFoyer({ databaseUrl, ...probeExtensions({ node: 'A' }) });
  nodeB = await startTestFoyer({ databaseUrl, ...probeExtensions({ node: 'B' }) });
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await nodeA?.close();
  await nodeB?.close();
  await database?.close();
});

const query = async <T extends object>(text: string, params: unknown[] = []) => (await database.pool.query<T>(text, params)).rows;
const counted = async (runId: string) =>
  (await query<{ key: string }>('select key from probe_effects where source = $1 order by id', [`job:${runId}`])).map((r) => Number(r.key));
const runOf = (orgId: string, id: string) => getJobRun(database.db, orgId, id);
const finished = (orgId: string, id: string, timeout = 20_000) =>
  until(
    async () => {
      const run = await runOf(orgId, id);
      return (run?.status === 'succeeded' || run?.status === 'failed') && run;
    },
    timeout,
    `job ${id} finished`,
  );

describe('the job queue', () => {
  it('runs a job, shows its progress live to staff of its organization only, and answers GET /api/jobs/{id} for that organization only', async () => {
    const staff = await nodeA.signIn();
    const other = await nodeA.signIn();
    // One socket per node: without Redis a node's emits reach its own sockets, and either node may run the job.
    const mine = [await connectStaff(nodeA.url, staff.cookie), await connectStaff(nodeB.url, staff.cookie)];
    const theirs = [await connectStaff(nodeA.url, other.cookie), await connectStaff(nodeB.url, other.cookie)];
    sockets.push(...mine, ...theirs);
    const heard: JobProgressEvent[] = [];
    const overheard: JobProgressEvent[] = [];
    for (const s of mine) s.on('job:progress', (e) => heard.push(e));
    for (const s of theirs) s.on('job:progress', (e) => overheard.push(e));

    const enqueued = await staff.post('/api/probe/jobs', { total: 10, delayMs: 80 });
    expect(enqueued.status).toBe(200);
    const { id } = enqueued.body as { id: string };
    const run = await finished(staff.orgId, id);
    expect(run).toMatchObject({ status: 'succeeded', result: { counted: 10 }, attempt: 1, error: null });
    expect(await counted(id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);

    const got = await staff.get(`/api/jobs/${id}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      id,
      kind: 'probe.count',
      status: 'succeeded',
      result: { counted: 10 },
      progress: { percent: 100, done: 10, total: 10, etaSeconds: 0 },
    });
    expect((await other.get(`/api/jobs/${id}`)).status).toBe(404);
    expect((await staff.get(`/api/jobs/${randomUUID()}`)).status).toBe(404);
    expect((await staff.get('/api/jobs/nope')).status).toBe(400);
    const doc = (await staff.get('/api/openapi.json')).body;
    expect(doc.paths['/api/jobs/{id}'].get).toBeDefined();
    expect(doc.components.schemas.JobRun.properties.progress).toBeDefined();

    await until(async () => heard.some((e) => e.id === id && e.status === 'succeeded'), 2000, 'the succeeded event');
    const mineForJob = heard.filter((e) => e.id === id);
    expect(mineForJob[0]).toMatchObject({ kind: 'probe.count', status: 'running', attempt: 1 });
    // Progress on the way: counts, a percent and an ETA, going up.
    const during = mineForJob.filter((e) => e.status === 'running' && e.progress.done !== null && e.progress.done > 0);
    expect(during.length).toBeGreaterThan(1);
    expect(during.some((e) => e.progress.total === 10 && e.progress.percent! > 0 && e.progress.etaSeconds !== null)).toBe(true);
    expect(during.map((e) => e.progress.done)).toEqual([...during.map((e) => e.progress.done)].sort((a, b) => a! - b!));
    expect(mineForJob.at(-1)).toMatchObject({ status: 'succeeded', result: { counted: 10 }, progress: { percent: 100 } });
    expect(overheard).toEqual([]);
  });

  it('retries a failed attempt with backoff and gives up after maxAttempts', async () => {
    const staff = await nodeA.signIn();
    const retried = await enqueue(nodeA.database.db, probeCount, { orgId: staff.orgId, payload: { total: 3, failAttempts: 1 } });
    const gaveUp = await enqueue(nodeA.database.db, probeCount, { orgId: staff.orgId, payload: { total: 3, failAttempts: 3 } });
    const retrying = await until(
      async () => {
        const run = await runOf(staff.orgId, retried.id);
        return run?.status === 'retrying' && run;
      },
      5000,
      'retrying',
    );
    expect(retrying.error).toMatch(/fails attempt 1/);
    const failedAt = Date.now();
    const run = await finished(staff.orgId, retried.id);
    // graphile-worker's backoff: e^1 ≈ 2.7 s after the first failure.
    expect(Date.now() - failedAt).toBeGreaterThan(1500);
    expect(run).toMatchObject({ status: 'succeeded', attempt: 2, error: null, result: { counted: 3 } });
    expect(await counted(retried.id)).toEqual([0, 1, 2]);

    const failed = await finished(staff.orgId, gaveUp.id, 30_000);
    expect(failed).toMatchObject({ status: 'failed', attempt: 3, maxAttempts: 3, error: 'probe.count fails attempt 3' });
    expect(await counted(gaveUp.id)).toEqual([]);
    expect(failed.finishedAt).not.toBeNull();
  }, 60_000);

  it('keeps one unfinished run per singleton key, and one run ever per idempotency key', async () => {
    const staff = await nodeA.signIn();
    const payload = { total: 3, delayMs: 100 };
    const first = await enqueue(nodeA.database.db, probeCount, { orgId: staff.orgId, payload, singletonKey: 'count' });
    const again = await enqueue(nodeB.database.db, probeCount, { orgId: staff.orgId, payload, singletonKey: 'count' });
    expect(again).toEqual({ id: first.id, created: false });
    await finished(staff.orgId, first.id);
    const later = await enqueue(nodeA.database.db, probeCount, { orgId: staff.orgId, payload, singletonKey: 'count' });
    expect(later.created).toBe(true);
    expect(later.id).not.toBe(first.id);

    const key = randomUUID();
    const once = await enqueue(nodeA.database.db, probeCount, { orgId: staff.orgId, payload, idempotencyKey: key });
    await finished(staff.orgId, once.id);
    expect(await enqueue(nodeA.database.db, probeCount, { orgId: staff.orgId, payload, idempotencyKey: key })).toEqual({ id: once.id, created: false });
    // Keys are the organization's own.
    const elsewhere = await nodeA.signIn();
    expect((await enqueue(nodeA.database.db, probeCount, { orgId: elsewhere.orgId, payload, idempotencyKey: key })).created).toBe(true);
    await finished(staff.orgId, later.id);
  });

  it('runs at most `concurrency` jobs of a kind at once on a node', async () => {
    const staff = await nodeA.signIn();
    const runs = await Promise.all([0, 1, 2, 3, 4, 5].map(() => enqueue(nodeA.database.db, probeSleep, { orgId: staff.orgId, payload: { ms: 250 } })));
    for (const r of runs) await finished(staff.orgId, r.id);
    const spans = await query<{ node_id: string; started: string; ended: string }>(
      `select r.node_id, e.key as started, e.node as ended from job_runs r join probe_effects e on e.source = 'sleep:' || r.id where r.id = any($1::uuid[])`,
      [runs.map((r) => r.id)],
    );
    expect(spans).toHaveLength(6);
    for (const node of new Set(spans.map((s) => s.node_id))) {
      const mine = spans.filter((s) => s.node_id === node).sort((a, b) => Number(a.started) - Number(b.started));
      for (let i = 1; i < mine.length; i++) expect(Number(mine[i]!.started)).toBeGreaterThanOrEqual(Number(mine[i - 1]!.ended));
    }
  });

  it('fences a stale attempt: once another attempt took the run over, its steps commit nothing', async () => {
    const staff = await nodeA.signIn();
    const { id } = await enqueue(nodeA.database.db, probeCount, { orgId: staff.orgId, payload: { total: 30, delayMs: 40 } });
    await until(async () => (await counted(id)).length >= 3 || undefined, 10_000, 'three steps');
    // What a node that (wrongly) thought the runner dead does when it takes the run: a new attempt.
    // This waits for the step in progress, which holds the run's row.
    await query('update job_runs set attempt = attempt + 1 where id = $1', [id]);
    const atTakeover = (await counted(id)).length;
    await sleep(1000);
    expect((await counted(id)).length).toBe(atTakeover);
    // The stale attempt gave up; graphile retries the run, which carries on from the checkpoint.
    const run = await finished(staff.orgId, id);
    expect(run).toMatchObject({ status: 'succeeded', attempt: 3 });
    expect(await counted(id)).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  it('on a graceful shutdown lets the running step finish and hands the job to another node, which resumes it', async () => {
    const staff = await nodeA.signIn();
    const { id } = await enqueue(nodeA.database.db, probeCount, { orgId: staff.orgId, payload: { total: 30, delayMs: 60 } });
    const running = await until(
      async () => {
        const [row] = await query<{ node_id: string | null }>('select node_id from job_runs where id = $1 and status = $2', [id, 'running']);
        return row?.node_id && (await counted(id)).length >= 5 ? row : undefined;
      },
      10_000,
      'the job half-way',
    );
    const [runner, survivor] = running.node_id === nodeA.nodeId ? [nodeA, nodeB] : [nodeB, nodeA];
    await runner.close();
    // Back in the queue, with its attempt not used up.
    const [after] = await query<{ status: string; node_id: string | null }>('select status, node_id from job_runs where id = $1', [id]);
    expect(after?.node_id === runner.nodeId && after.status === 'running').toBe(false);
    const run = await finished(staff.orgId, id);
    expect(run.status).toBe('succeeded');
    expect(await counted(id)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    const [final] = await query<{ node_id: string }>('select node_id from job_runs where id = $1', [id]);
    expect(final!.node_id).toBe(survivor.nodeId);
    await sleep(0);
  });
});
