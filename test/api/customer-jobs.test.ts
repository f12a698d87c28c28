import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobProgressEvent, JobRun } from '@foyer/schema/validation';
import { cleanupJob } from '@foyer/server/domains/customers/jobs.ts';
import { enqueue } from '@foyer/server/platform/jobs.ts';
import type { ApiClient } from '../support/client.ts';
import { parseCsv } from '../support/csv.ts';
import { startTestFoyer, type TestFoyer } from '../support/foyer.ts';
import { connectStaff, until, type StaffClient } from '../support/sockets.ts';

/**
 * L5 and I2 over a whole segment, as jobs (server/src/domains/customers/jobs.ts): a bulk tag and
 * an export of 20,000 customers, 1,000 per step, with live progress; the CSV a job writes is the
 * one GET export.csv streams; the job and its file are the organization's alone.
 */
const N = 20_000;
let foyer: TestFoyer;
let owner: ApiClient & { orgId: string };
let tagId: string;
const sockets: StaffClient[] = [];

const q = async <T extends object = any>(text: string, params: unknown[] = []) => (await foyer.database.pool.query<T>(text, params)).rows;

/** Polls GET /api/jobs/{id} until the job has finished. */
const finished = (client: ApiClient, id: string, timeout = 120_000) =>
  until(
    async () => {
      const run = (await client.get<JobRun>(`/api/jobs/${id}`)).body;
      return run.finishedAt ? run : undefined;
    },
    timeout,
    `job ${id} finished`,
  );

beforeAll(async () => {
  foyer = await startTestFoyer();
  owner = await foyer.signIn();
  tagId = (await q(`insert into tags (org_id, name, color) values ($1, 'Segment', '#123456') returning id`, [owner.orgId]))[0].id;
  // The segment, set-based: through the API this many would take minutes. Every 1,000th has a
  // first name a spreadsheet would run as a formula.
  await q(
    `insert into customers (org_id, first_name, last_name, language, created_at)
     select $1, case when g % 1000 = 0 then '=SUM(A1:A9)' else 'Seg' end, 'Member ' || lpad(g::text, 5, '0'), 'nl', now() - g * interval '1 second'
       from generate_series(1, $2::int) g`,
    [owner.orgId, N],
  );
}, 120_000);
afterAll(async () => {
  for (const s of sockets) s.close();
  await foyer?.close();
});

describe('a bulk action on a segment (L5)', () => {
  it(`tags ${N.toLocaleString('en')} customers in steps, live, once each, and leaves customers created meanwhile alone`, async () => {
    const socket = await connectStaff(foyer.url, owner.cookie);
    sockets.push(socket);
    const heard: JobProgressEvent[] = [];
    socket.on('job:progress', (e) => heard.push(e));

    const startedAt = Date.now();
    const res = await owner.post('/api/customers/bulk', { target: { query: 'language=nl' }, action: { type: 'addTags', tagIds: [tagId] } });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ kind: 'customers.bulk', status: expect.stringMatching(/^(queued|running)$/) });
    expect(res.headers.get('location')).toBe(`/api/jobs/${res.body.id}`);
    const id = res.body.id as string;

    // Once the snapshot is committed, customers who join the segment are not part of this job.
    await until(async () => (await q('select 1 from job_runs where id = $1 and checkpoint is not null', [id]))[0], 30_000, 'the snapshot');
    const late = await q<{ id: string }>(
      `insert into customers (org_id, first_name, last_name, language) select $1, 'Late', 'Joiner ' || g, 'nl' from generate_series(1, 5) g returning id`,
      [owner.orgId],
    );

    const run = await finished(owner, id);
    const ms = Date.now() - startedAt;
    console.log(`bulk tag of ${N} customers as a job: ${ms} ms from the request to the result (${Math.round(N / (ms / 1000))} customers/s)`);
    expect(run).toMatchObject({
      status: 'succeeded',
      attempt: 1,
      result: { matched: N, changed: N, skipped: [] },
      progress: { done: N, total: N, percent: 100 },
    });

    const [tagged] = await q<{ n: number }>(`select count(*)::int as n from customer_tags where tag_id = $1`, [tagId]);
    expect(tagged!.n).toBe(N);
    const [lateTagged] = await q<{ n: number }>(`select count(*)::int as n from customer_tags where tag_id = $1 and customer_id = any($2::uuid[])`, [
      tagId,
      late.map((l) => l.id),
    ]);
    expect(lateTagged!.n).toBe(0);
    // One history entry per customer, never two.
    const [audit] = await q<{ rows: number; customers: number }>(
      `select count(*)::int as rows, count(distinct entity_id)::int as customers from audit_log where org_id = $1 and changes->'tags'->'after' ? 'Segment' and not changes->'tags'->'before' ? 'Segment'`,
      [owner.orgId],
    );
    expect(audit).toEqual({ rows: N, customers: N });
    // The snapshot goes with the work.
    expect((await q('select 1 from job_targets where run_id = $1', [id])).length).toBe(0);

    // Staff saw it move: a running event per step (or nearly), with counts, percent and an ETA, then the result.
    const mine = heard.filter((e) => e.id === id);
    const done = [...new Set(mine.filter((e) => e.status === 'running').map((e) => e.progress.done))];
    expect(done.length).toBeGreaterThanOrEqual(5);
    expect(done).toEqual([...done].sort((a, b) => (a ?? 0) - (b ?? 0)));
    expect(mine.some((e) => e.status === 'running' && e.progress.total === N && e.progress.etaSeconds !== null && (e.progress.percent ?? 0) > 0)).toBe(true);
    expect(mine.at(-1)).toMatchObject({ status: 'succeeded', result: { matched: N, changed: N } });
  }, 180_000);

  it('runs chosen ids in the request (200), and the same segment action while one runs is that job', async () => {
    const ids = (
      await q<{ id: string }>(`select replace(id::text, '-', '') as id from customers where org_id = $1 and first_name = 'Late'`, [owner.orgId])
    ).map((r) => r.id);
    const res = await owner.post('/api/customers/bulk', { target: { ids }, action: { type: 'addTags', tagIds: [tagId] } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ matched: 5, changed: 5, skipped: [] });

    const body = { target: { query: 'language=nl' }, action: { type: 'removeTags', tagIds: [tagId] } };
    const first = await owner.post('/api/customers/bulk', body);
    const second = await owner.post('/api/customers/bulk', body);
    expect(second.body.id).toBe(first.body.id);
    expect((await finished(owner, first.body.id)).result).toEqual({ matched: N + 5, changed: N + 5, skipped: [] });
  }, 120_000);
});

describe('an export of a segment (I2)', () => {
  let exportId: string;

  it(`writes ${N.toLocaleString('en')} rows into PostgreSQL in parts and streams the finished file`, async () => {
    const startedAt = Date.now();
    const res = await owner.post('/api/customers/exports', { query: 'language=nl', sort: 'name' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ kind: 'customers.export', status: expect.stringMatching(/^(queued|running)$/) });
    exportId = res.body.id;
    const run = await finished(owner, exportId);
    const jobMs = Date.now() - startedAt;
    expect(run).toMatchObject({ status: 'succeeded', result: { rows: N + 5, fileUrl: `/api/customers/exports/${exportId}/file` } });
    expect(run.result).toMatchObject({ filename: expect.stringMatching(/^customers-\d{4}-\d{2}-\d{2}\.csv$/) });
    // The header, then one part per batch of 1,000.
    const [parts] = await q<{ n: number }>('select count(*)::int as n from job_file_chunks where run_id = $1', [exportId]);
    expect(parts!.n).toBe(1 + Math.ceil((N + 5) / 1000));

    const downloadAt = Date.now();
    const file = await owner.request('GET', (run.result as { fileUrl: string }).fileUrl);
    const downloadMs = Date.now() - downloadAt;
    console.log(`export of ${N + 5} customers as a job: ${jobMs} ms to the finished file, download ${downloadMs} ms (${file.text.length} bytes)`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(file.headers.get('content-disposition')).toBe(`attachment; filename="${(run.result as { filename: string }).filename}"`);
    expect(Number(file.headers.get('content-length'))).toBe(Buffer.byteLength(file.text));
    expect(Number(file.headers.get('content-length'))).toBe((run.result as { bytes: number }).bytes);

    const [header, ...rows] = parseCsv(file.text);
    expect(header!.slice(0, 4)).toEqual(['id', 'customer_number', 'first_name', 'last_name']);
    expect(rows).toHaveLength(N + 5);
    expect(new Set(rows.map((r) => r[0])).size).toBe(N + 5);
    // The list's sort, every row.
    const expected = await q<{ id: string }>(
      `select replace(id::text, '-', '') as id from customers c where org_id = $1 and language = 'nl' order by (c.sort_name collate "C") asc, c.id asc`,
      [owner.orgId],
    );
    expect(rows.map((r) => r[0])).toEqual(expected.map((e) => e.id));
    // The formula guard.
    expect(rows.filter((r) => r[2] === `'=SUM(A1:A9)`)).toHaveLength(N / 1000);
    expect(rows.some((r) => r[2]!.startsWith('='))).toBe(false);
  }, 180_000);

  it('writes exactly the CSV that GET export.csv streams (columns, escaping, custom fields)', async () => {
    const field = (await owner.post('/api/custom-fields', { label: 'Room', type: 'text' })).body;
    const made = [
      {
        firstName: 'Ada, "the" first',
        lastName: 'Lovelace',
        emails: ['ada@x.test', 'ada2@x.test'],
        phones: ['+44 20 7946 0018'],
        language: 'xx',
        dateOfBirth: '1985-12-10',
        externalId: 'EXT-1',
        addresses: [{ purpose: 'billing', line1: '1 Acme Way', postalCode: 'EC1 1AA', city: 'London', country: 'GB' }],
        custom: { [field.key]: 'Suite 1' },
      },
      { firstName: '+Plus', lastName: 'Minus', emails: ['plus@x.test'], language: 'xx' },
      { firstName: 'Line', lastName: 'Break\nHere', language: 'xx', companyName: '@Corp' },
    ];
    for (const body of made) {
      const created = await owner.post('/api/customers', body);
      expect(created.status, JSON.stringify(created.body)).toBe(201);
    }
    const streamed = await owner.request('GET', '/api/customers/export.csv?language=xx&sort=-name');
    expect(streamed.status).toBe(200);
    const res = await owner.post('/api/customers/exports', { query: 'language=xx', sort: '-name' });
    const run = await finished(owner, res.body.id);
    const file = await owner.request('GET', (run.result as { fileUrl: string }).fileUrl);
    expect(file.text).toBe(streamed.text);
    const [header, ...rows] = parseCsv(file.text);
    expect(rows).toHaveLength(3);
    const ada = Object.fromEntries(header!.map((h, i) => [h, rows.find((r) => r[3] === 'Lovelace')![i]]));
    expect(ada).toMatchObject({
      first_name: 'Ada, "the" first',
      date_of_birth: '1985-12-10',
      custom_room: 'Suite 1',
      phones: "'+442079460018",
      external_id: 'EXT-1',
      addresses: 'billing: 1 Acme Way, EC1 1AA London, GB',
      consent_method: '',
    });
    expect(ada.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  }, 60_000);

  it('streams a page or chosen ids in the request, and answers 413 for a query of more than a page', async () => {
    const big = await owner.request('GET', '/api/customers/export.csv?language=nl');
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('export_too_large');
    expect(big.body.error.message).toContain('POST /api/customers/exports');
    const ids = (
      await q<{ id: string }>(`select replace(id::text, '-', '') as id from customers where org_id = $1 and language = 'nl' limit 3`, [owner.orgId])
    ).map((r) => r.id);
    const chosen = await owner.request('GET', `/api/customers/export.csv?ids=${ids.join(',')}`);
    expect(chosen.status).toBe(200);
    expect(parseCsv(chosen.text)).toHaveLength(4);
    const page = await owner.request('GET', '/api/customers/export.csv?language=xx');
    expect(page.status).toBe(200);
  });

  it('refuses a bad query or sort before queueing anything', async () => {
    const before = (await q<{ n: number }>('select count(*)::int as n from job_runs where org_id = $1', [owner.orgId]))[0]!.n;
    const bad = await owner.post('/api/customers/exports', { query: 'langauge=nl' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0].field).toBe('query.langauge');
    expect((await owner.post('/api/customers/exports', { query: '', sort: 'shoeSize' })).status).toBe(400);
    expect((await owner.post('/api/customers/bulk', { target: { query: 'nope=1' }, action: { type: 'addTags', tagIds: [tagId] } })).status).toBe(400);
    expect((await q<{ n: number }>('select count(*)::int as n from job_runs where org_id = $1', [owner.orgId]))[0]!.n).toBe(before);
  });

  it("is the organization's alone: another organization gets 404 for the job and the file; staff without the export permission 403", async () => {
    const other = await foyer.signIn();
    expect((await other.get(`/api/jobs/${exportId}`)).status).toBe(404);
    const theirs = await other.request('GET', `/api/customers/exports/${exportId}/file`);
    expect(theirs.status).toBe(404);
    expect(theirs.text).not.toContain('Member');
    const staff = await foyer.signIn({ role: 'staff', orgId: owner.orgId });
    expect((await staff.get(`/api/jobs/${exportId}`)).status).toBe(200);
    expect((await staff.request('GET', `/api/customers/exports/${exportId}/file`)).status).toBe(403);
    expect((await staff.post('/api/customers/exports', { query: '' })).status).toBe(403);
    // A bulk job is no export; a malformed id is a 400.
    const bulkRun = (await q<{ id: string }>(`select id from job_runs where org_id = $1 and kind = 'customers.bulk' limit 1`, [owner.orgId]))[0]!.id;
    expect((await owner.request('GET', `/api/customers/exports/${bulkRun}/file`)).status).toBe(404);
    expect((await owner.request('GET', '/api/customers/exports/not-an-id/file')).status).toBe(400);
  });

  it('answers 409 while the export runs', async () => {
    const res = await owner.post('/api/customers/exports', { query: 'language=nl', sort: 'created' });
    const client = await foyer.database.pool.connect();
    try {
      // Holding the run's row stops its steps (each locks it first), so it cannot finish meanwhile.
      await client.query('begin');
      await client.query('select 1 from job_runs where id = $1 for update', [res.body.id]);
      const early = await owner.request('GET', `/api/customers/exports/${res.body.id}/file`);
      expect(early.status).toBe(409);
      expect(early.body.error.code).toBe('export_not_ready');
    } finally {
      await client.query('rollback');
      client.release();
    }
    expect((await finished(owner, res.body.id)).status).toBe('succeeded');
  }, 120_000);

  it('keeps the file a day: then 410, and the cleanup job drops its parts (a younger one it leaves and looks at again when due)', async () => {
    const [young] = await q<{ id: string }>(
      `select id from job_runs where org_id = $1 and kind = 'customers.export' and status = 'succeeded' and id <> $2 limit 1`,
      [owner.orgId, exportId],
    );
    // The first export, finished 25 hours ago.
    await q(
      `update job_runs set finished_at = now() - interval '25 hours',
              result = jsonb_set(result, '{expiresAt}', to_jsonb((now() - interval '1 hour')::text)) where id = $1`,
      [exportId],
    );
    const gone = await owner.request('GET', `/api/customers/exports/${exportId}/file`);
    expect(gone.status).toBe(410);
    expect(gone.body.error.code).toBe('export_expired');

    // Each export queued its cleanup for a day after it began; run them now.
    const scheduled = await q<{ n: number }>(
      `select count(*)::int as n from job_runs where kind = 'customers.jobData.cleanup' and payload->>'runId' = any($1::text[])`,
      [[exportId, young!.id]],
    );
    expect(scheduled[0]!.n).toBe(2);
    const cleanups = new Map<string, string>();
    const nowOnce = async (runId: string) => {
      if (!cleanups.has(runId)) cleanups.set(runId, (await enqueue(foyer.database.db, cleanupJob, { orgId: owner.orgId, payload: { runId, round: 100 } })).id);
      return cleanups.get(runId)!;
    };
    const oldCleanup = await until(
      async () => {
        const [r] = await q<{ result: unknown; status: string; error: string }>(`select result, status, error from job_runs where id = $1`, [
          await nowOnce(exportId),
        ]);
        if (r?.error) throw new Error(r.error);
        return r?.status === 'succeeded' && r;
      },
      30_000,
      'the cleanup of the old export',
    );
    expect(oldCleanup.result).toMatchObject({ parts: 1 + Math.ceil((N + 5) / 1000) });
    expect((await q('select 1 from job_file_chunks where run_id = $1', [exportId])).length).toBe(0);

    const youngCleanup = await until(
      async () => (await q<{ result: any }>(`select result from job_runs where id = $1 and status = 'succeeded'`, [await nowOnce(young!.id)]))[0],
      30_000,
      'the cleanup of the young export',
    );
    expect(youngCleanup.result.dueAt).toBeTruthy();
    expect(Date.parse(youngCleanup.result.dueAt)).toBeGreaterThan(Date.now() + 23 * 3600_000);
    expect((await q('select 1 from job_file_chunks where run_id = $1', [young!.id])).length).toBeGreaterThan(0);
    // …and it queued itself again for then.
    expect(
      (
        await q(
          `select 1 from job_runs where kind = 'customers.jobData.cleanup' and payload->>'runId' = $1 and payload->>'round' = '101' and finished_at is null`,
          [young!.id],
        )
      ).length,
    ).toBe(1);
  }, 60_000);
});
