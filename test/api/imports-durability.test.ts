import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportCounts, ImportUploadResult, JobRun } from '@foyer/schema/validation';
import { connect, type Database } from '@foyer/server/platform/db/connect.ts';
import { writeGoogleContacts } from '../bench/import-data.ts';
import { ApiClient } from '../support/client.ts';
import { createTestDatabase } from '../support/db.ts';
import { kill9, signInOwner, spawnFoyer, type FoyerProcess } from '../support/process.ts';
import { until } from '../support/sockets.ts';

/**
 * The customer import (server/src/domains/imports) against kill -9: a real server process is
 * killed while a step of the import job waits, half done, on a lock this test holds; a new process
 * resumes after the last committed batch. Every row lands once: the counts equal a dry run's, each
 * created customer exists once, each row error is recorded once.
 */
const N = 20_000;
let databaseUrl: string;
let database: Database;
let dir: string;
const processes: FoyerProcess[] = [];

const q = async <T extends object = any>(text: string, params: unknown[] = []) => (await database.pool.query<T>(text, params)).rows;

async function start() {
  const p = await spawnFoyer({ DATABASE_URL: databaseUrl });
  processes.push(p);
  return p;
}
const finished = (client: () => Promise<ApiClient>, id: string) =>
  until(
    async () => {
      const run = (await (await client()).get<JobRun>(`/api/jobs/${id}`)).body;
      return run.finishedAt ? run : undefined;
    },
    180_000,
    'the import job',
  );

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'foyer-import-kill-'));
  databaseUrl = await createTestDatabase();
  database = connect(databaseUrl, 4);
}, 120_000);
afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop()));
  await database?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('kill -9 in the middle of an import', () => {
  it('resumes after the last committed batch without doubling a row', async () => {
    const file = join(dir, 'contacts.csv');
    await writeGoogleContacts(file, N);
    const node = await start();
    const client = await signInOwner(node);
    const up = await client.post<ImportUploadResult>('/api/imports/customers?fileName=contacts.csv', new Uint8Array(readFileSync(file)), {
      'content-type': 'text/csv',
    });
    expect(up.status).toBe(201);
    const id = up.body.import.id;
    expect((await client.request('PUT', `/api/imports/${id}/settings`, { mapping: up.body.suggested })).status).toBe(200);

    // What the whole file does, worked out without writing.
    const dry = await client.post<JobRun>(`/api/imports/${id}/run`, { dryRun: true });
    const expected = ((await finished(() => Promise.resolve(client), dry.body.id)).result as { counts: ImportCounts }).counts;
    expect(expected).toMatchObject({ rows: N, created: expect.any(Number), failed: expect.any(Number), duplicates: expect.any(Number) });
    expect(expected.created + expected.failed + expected.duplicates).toBe(N);

    const res = await client.post<JobRun>(`/api/imports/${id}/run`, { dryRun: false });
    expect(res.status).toBe(202);
    const runId = res.body.id;
    // After a committed batch: stop the job between steps, lock the import's row (its next step
    // locks it first), and let the step go: it waits, with the batch read and converted.
    await until(
      async () => ((await q(`select checkpoint from job_runs where id = $1`, [runId]))[0]?.checkpoint?.records ?? 0) >= 5000,
      120_000,
      'a committed batch',
    );
    const pause = await database.pool.connect();
    const held = await database.pool.connect();
    await pause.query('begin');
    await pause.query('select 1 from job_runs where id = $1 for update', [runId]);
    const at = (await pause.query(`select checkpoint from job_runs where id = $1`, [runId])).rows[0].checkpoint as {
      records: number;
      counts: Record<string, number>;
    };
    expect(at.records).toBeLessThan(N);
    await held.query('begin');
    await held.query('select 1 from customer_imports where id = $1 for update', [id]);
    await pause.query('rollback');
    pause.release();
    await until(
      async () => (await q(`select 1 from pg_stat_activity where wait_event_type = 'Lock' and query like '%from customer_imports where id%for update%'`))[0],
      20_000,
      'the step to wait on the lock',
    );
    await kill9(node);
    await held.query('rollback');
    held.release();

    // Committed: the batches before the checkpoint, not one row of the one in flight.
    await until(
      async () =>
        (await q(`select 1 from pg_stat_activity where pid <> pg_backend_pid() and state <> 'idle' and query like '%customer_imports where id%'`)).length === 0,
      10_000,
      'the killed node’s statement to end',
    );
    const created = async () =>
      (await q<{ n: number }>(`select count(*)::int as n from customer_import_effects where import_id = $1 and action = 'created'`, [id]))[0]!.n;
    expect(await created()).toBe(at.counts.created);

    const again = await start();
    const run = await finished(() => signInOwner(again), runId);
    expect(run).toMatchObject({ status: 'succeeded', attempt: 2 });
    expect((run.result as { counts: unknown }).counts).toEqual(expected);
    expect(await created()).toBe(expected.created);
    const [customers] = await q(`select count(*)::int as n from customers where source = 'import'`);
    expect(customers.n).toBe(expected.created);
    const [errors] = await q(
      `select count(distinct line)::int as lines, count(*)::int as n, count(distinct (line, reason))::int as distinct_n from customer_import_errors where import_id = $1`,
      [id],
    );
    expect(errors).toEqual({ lines: expected.failed, n: errors.distinct_n, distinct_n: errors.n });
    const [imp] = await q(`select status, counts from customer_imports where id = $1`, [id]);
    expect(imp).toEqual({ status: 'done', counts: expected });
    await again.stop();
  }, 400_000);
});
