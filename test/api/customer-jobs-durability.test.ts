import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { connect, type Database } from '@foyer/server/platform/db/connect.ts';
import { parseCsv } from '../support/csv.ts';
import { createTestDatabase } from '../support/db.ts';
import { OWNER } from '../support/foyer.ts';
import { kill9, signInOwner, spawnFoyer, type FoyerProcess } from '../support/process.ts';
import { until } from '../support/sockets.ts';

/**
 * The segment jobs (server/src/domains/customers/jobs.ts) against kill -9: a real server process
 * (src/main.ts) is killed in the middle of a step, with that step's statement half done and
 * blocked on a lock this test holds; a new process resumes the job from the last committed
 * checkpoint. Each customer is tagged once, with one history entry; each CSV row is written once.
 */
const N = 20_000;
let databaseUrl: string;
let database: Database;
let orgId: string;
let tagId: string;
const processes: FoyerProcess[] = [];

const q = async <T extends object = any>(text: string, params: unknown[] = []) => (await database.pool.query<T>(text, params)).rows;

async function start() {
  const p = await spawnFoyer({ DATABASE_URL: databaseUrl });
  processes.push(p);
  return p;
}
type Checkpoint = { total: number; after: number };
const checkpointOf = async (runId: string) =>
  (await q<{ checkpoint: Checkpoint | null }>('select checkpoint from job_runs where id = $1', [runId]))[0]?.checkpoint ?? null;

/**
 * Stops the job between two steps (its steps lock the run's row first) once `ready` says so, lets
 * `hold` take a lock that its next step will wait on, and lets that step go. Returns the
 * checkpoint the job had then and the hold's connection (still in its transaction).
 */
async function catchMidStep(
  runId: string,
  ready: (c: Checkpoint) => boolean,
  hold: (client: pg.PoolClient, at: Checkpoint) => Promise<void>,
  waitingOn: string,
) {
  await until(
    async () => {
      const c = await checkpointOf(runId);
      return c && ready(c);
    },
    60_000,
    'steps committed',
  );
  const pause = await database.pool.connect();
  const held = await database.pool.connect();
  await pause.query('begin');
  await pause.query('select 1 from job_runs where id = $1 for update', [runId]);
  const at = (await pause.query<{ checkpoint: Checkpoint }>('select checkpoint from job_runs where id = $1', [runId])).rows[0]!.checkpoint;
  expect(at.after).toBeLessThan(at.total - 1000);
  await held.query('begin');
  await hold(held, at);
  await pause.query('rollback');
  pause.release();
  // The step has begun its work and waits on the hold.
  await until(
    async () => (await q(`select 1 from pg_stat_activity where wait_event_type = 'Lock' and query like $1`, [`%${waitingOn}%`]))[0],
    20_000,
    'the step to wait on the lock',
  );
  return { at, held };
}

/**
 * Waits until the killed node's backend that ran `statement` is gone: unblocked, it finishes the
 * statement and only then finds its client gone (and rolls back, or would commit what ran outside
 * a transaction).
 */
const orphanGone = (statement: string) =>
  until(
    async () =>
      (await q(`select 1 from pg_stat_activity where pid <> pg_backend_pid() and state <> 'idle' and query like $1`, [`%${statement}%`])).length === 0,
    10_000,
    'the killed node’s statement to end',
  );

beforeAll(async () => {
  databaseUrl = await createTestDatabase();
  database = connect(databaseUrl, 4);
  const first = await start(); // migrates and makes the demo organization of OWNER
  await first.stop();
  orgId = (await q<{ org_id: string }>('select org_id from users where email = $1', [OWNER.email]))[0]!.org_id;
  tagId = (await q<{ id: string }>(`insert into tags (org_id, name, color) values ($1, 'Durable', '#123456') returning id`, [orgId]))[0]!.id;
  await q(
    `insert into customers (org_id, first_name, last_name, language, created_at)
     select $1, 'Kill', 'Nine ' || lpad(g::text, 5, '0'), 'nl', now() - g * interval '1 second' from generate_series(1, $2::int) g`,
    [orgId, N],
  );
}, 120_000);
afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop()));
  await database?.close();
});

describe('kill -9 in the middle of a step', () => {
  it('of a bulk tag: the restarted node resumes after the last committed batch; every customer is tagged once, with one history entry', async () => {
    const node = await start();
    const res = await (await signInOwner(node)).post('/api/customers/bulk', { target: { query: 'language=nl' }, action: { type: 'addTags', tagIds: [tagId] } });
    expect(res.status).toBe(202);
    const runId = res.body.id as string;

    // A customer in the middle of the next batch, locked: the step's insert of its tag waits on it.
    const { at, held } = await catchMidStep(
      runId,
      (c) => c.after >= 3000,
      async (client, c) => {
        const [target] = (
          await client.query<{ target_id: string }>('select target_id from job_targets where run_id = $1 and position = $2', [runId, c.after + 500])
        ).rows;
        await client.query('select 1 from customers where id = $1 for update', [target!.target_id]);
      },
      'customer_tags',
    );
    await kill9(node);
    await held.query('rollback');
    held.release();

    // Committed: exactly the batches before the checkpoint, with their history entries.
    const [mid] = await q<{ status: string; attempt: number; checkpoint: Checkpoint }>('select status, attempt, checkpoint from job_runs where id = $1', [
      runId,
    ]);
    expect(mid).toMatchObject({ status: 'running', attempt: 1, checkpoint: { after: at.after } });
    const tagged = async () => (await q<{ n: number }>('select count(*)::int as n from customer_tags where tag_id = $1', [tagId]))[0]!.n;
    // The killed node's half-done statement rolls back once its connection is found gone.
    await orphanGone('customer_tags');
    expect(await tagged()).toBe(at.after);

    const again = await start();
    const run = await until(
      async () => {
        const got = (await (await signInOwner(again)).get(`/api/jobs/${runId}`)).body;
        return got.finishedAt && got;
      },
      120_000,
      'the job to finish',
    );
    expect(run).toMatchObject({ status: 'succeeded', attempt: 2, result: { matched: N, changed: N, skipped: [] }, progress: { done: N, total: N } });
    expect(await tagged()).toBe(N);
    const [audit] = await q<{ rows: number; customers: number }>(
      `select count(*)::int as rows, count(distinct entity_id)::int as customers from audit_log where org_id = $1 and changes->'tags'->'after' ? 'Durable' and not changes->'tags'->'before' ? 'Durable'`,
      [orgId],
    );
    expect(audit).toEqual({ rows: N, customers: N });
    await again.stop();
  }, 240_000);

  it('of an export: the restarted node carries on from the last committed part; every row is in the file once, in order', async () => {
    const node = await start();
    const res = await (await signInOwner(node)).post('/api/customers/exports', { query: 'language=nl', sort: 'name' });
    expect(res.status).toBe(202);
    const runId = res.body.id as string;

    // The organization's row, locked: the step has read its rows and its insert of the next part
    // waits on the foreign key to it.
    const { at, held } = await catchMidStep(
      runId,
      (c) => c.after >= 3000,
      async (client) => {
        await client.query('select 1 from organizations where id = $1 for update', [orgId]);
      },
      'job_file_chunks',
    );
    await kill9(node);
    await held.query('rollback');
    held.release();
    await orphanGone('job_file_chunks');
    const [parts] = await q<{ n: number }>('select count(*)::int as n from job_file_chunks where run_id = $1', [runId]);
    expect(parts!.n).toBe(1 + at.after / 1000);

    const again = await start();
    const client = await signInOwner(again);
    const run = await until(
      async () => {
        const got = (await client.get(`/api/jobs/${runId}`)).body;
        return got.finishedAt && got;
      },
      120_000,
      'the job to finish',
    );
    expect(run).toMatchObject({ status: 'succeeded', attempt: 2, result: { rows: N } });
    const file = await client.request('GET', run.result.fileUrl);
    expect(file.status).toBe(200);
    const [header, ...rows] = parseCsv(file.text);
    expect(header![0]).toBe('id');
    expect(rows).toHaveLength(N);
    const expected = await q<{ id: string }>(
      `select replace(id::text, '-', '') as id from customers c where org_id = $1 and language = 'nl' order by (c.sort_name collate "C"), c.id`,
      [orgId],
    );
    expect(rows.map((r) => r[0])).toEqual(expected.map((e) => e.id));
    await again.stop();
  }, 240_000);
});
