/**
 * `pnpm bench:import`: imports a generated Google-Contacts-style CSV (BENCH_ROWS rows, 22 columns,
 * several emails and phones per row, 2% row errors, 5% matching existing customers, 1% repeating
 * an earlier row) into an organization with BENCH_EXISTING customers already (the directory's
 * seed), through the real server in this process: upload over HTTP, mapping, preview, the job.
 * On the same run it times a bare COPY of the same file into an unindexed staging table: the
 * limit. Progress goes to stderr; the last line of stdout is the result as JSON.
 *
 * BENCH_ROWS       rows in the file (1,000,000)
 * BENCH_EXISTING   customers in the organization before the import (1,000,000; the seed's time is not measured)
 * BENCH_DATABASE_URL  as in the directory bench
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { ImportPreview, ImportUploadResult, JobRun } from '@foyer/schema/validation';
import { readConfig } from '@foyer/server/platform/config.ts';
import { createLogger } from '@foyer/server/platform/logger.ts';
import { startFoyer } from '@foyer/server/server.ts';
import { seedCustomers } from '@foyer/server/seed.ts';
import { openDatabase } from './database.ts';
import { GOOGLE_HEADER, writeGoogleContacts } from './import-data.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const EXISTING = Number(process.env.BENCH_EXISTING ?? 1_000_000);
const GOALS = { ratio: 0.5, seconds: 90, peakMb: 400, previewMs: 1000 };
const CLUSTER_FLAGS = ['shared_buffers=1GB', 'max_wal_size=20GB', 'checkpoint_timeout=1h', 'wal_buffers=64MB', 'maintenance_work_mem=512MB'].flatMap((s) => [
  '-c',
  s,
]);

const say = (message: string) => process.stderr.write(`${message}\n`);
const load = () => Math.round(loadavg()[0]! * 100) / 100;
const secs = (ms: number) => Math.round(ms / 100) / 10;

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'foyer-import-bench-'));
  const database = await openDatabase({ postgresFlags: CLUSTER_FLAGS });
  try {
    const admin = { email: 'owner@bench.foyer.local', password: randomBytes(12).toString('base64url') };
    const foyer = await startFoyer(
      { ...readConfig({ PORT: '0', HOST: '127.0.0.1' }), databaseUrl: database.url, admin },
      createLogger(process.env.BENCH_LOG_LEVEL ?? 'error'),
    );
    try {
      const pool = foyer.database.pool;
      const orgId = (await pool.query<{ org_id: string }>('select org_id from users where email = $1', [admin.email])).rows[0]!.org_id;
      say(`seeding ${EXISTING.toLocaleString('en')} existing customers (load ${load()})`);
      let t = performance.now();
      await seedCustomers(pool, orgId, EXISTING, {});
      await pool.query('vacuum (analyze) customers, customer_emails, customer_phones');
      say(`  ${secs(performance.now() - t)} s`);
      const existingEmails = (
        await pool.query<{ address: string }>(`select address from customer_emails where org_id = $1 order by random() limit 50000`, [orgId])
      ).rows.map((r) => r.address);

      const file = join(dir, 'contacts.csv');
      t = performance.now();
      const generated = await writeGoogleContacts(file, ROWS, { existingEmails });
      say(
        `generated ${ROWS.toLocaleString('en')} rows, ${Math.round(generated.bytes / 1e6)} MB in ${secs(performance.now() - t)} s: ${JSON.stringify(generated)}`,
      );

      // The limit: the same file, COPYed as it is into a table with no index.
      say(`bare COPY (load ${load()})`);
      const client = await pool.connect();
      let bareSeconds: number;
      try {
        await client.query(`create unlogged table bare_stage (${GOOGLE_HEADER.map((_, i) => `c${i} text`).join(', ')})`);
        t = performance.now();
        await pipeline(createReadStream(file), client.query(copyFrom('copy bare_stage from stdin (format csv, header true)')));
        bareSeconds = (performance.now() - t) / 1000;
        await client.query('drop table bare_stage');
      } finally {
        client.release();
      }
      const bareRowsPerSecond = Math.round(ROWS / bareSeconds);
      say(`  ${bareSeconds.toFixed(1)} s, ${bareRowsPerSecond.toLocaleString('en')} rows/s`);

      // Memory from here on: the server's (the bench's own part is the few KB it streams).
      global.gc?.();
      let peak = process.memoryUsage().rss;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
      const login = await fetch(`${foyer.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(admin),
      });
      const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
      const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
        const res = await fetch(foyer.url + path, {
          method,
          headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
        return (await res.json()) as T;
      };

      say(`upload (load ${load()})`);
      const started = performance.now();
      const res = await fetch(`${foyer.url}/api/imports/customers?fileName=contacts.csv`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'text/csv' },
        body: Readable.toWeb(createReadStream(file)) as ReadableStream,
        duplex: 'half',
      } as RequestInit);
      if (res.status !== 201) throw new Error(`upload: ${res.status} ${await res.text()}`);
      const uploaded = (await res.json()) as ImportUploadResult;
      const uploadSeconds = (performance.now() - started) / 1000;
      say(`  ${uploadSeconds.toFixed(1)} s; ${uploaded.import.format} export, ${uploaded.import.encoding}`);
      await api('PUT', `/api/imports/${uploaded.import.id}/settings`, { mapping: { ...uploaded.suggested, onMatch: 'fill' } });
      t = performance.now();
      const preview = await api<ImportPreview>('POST', `/api/imports/${uploaded.import.id}/preview`);
      const previewMs = Math.round(performance.now() - t);
      say(`preview of ${preview.rows.length} rows: ${previewMs} ms`);

      const runStarted = performance.now();
      const job = await api<JobRun>('POST', `/api/imports/${uploaded.import.id}/run`, { dryRun: false });
      let run: JobRun;
      let lastSaid = 0;
      for (;;) {
        await new Promise((r) => setTimeout(r, 500));
        run = await api<JobRun>('GET', `/api/jobs/${job.id}`);
        if (run.finishedAt) break;
        if (performance.now() - lastSaid > 5000) {
          lastSaid = performance.now();
          say(
            `  ${run.progress.done ?? 0} / ${run.progress.total ?? '?'}  ${run.progress.message ?? ''}  eta ${run.progress.etaSeconds ?? '?'} s  (load ${load()})`,
          );
        }
      }
      const ended = performance.now();
      clearInterval(sampler);
      if (run.status !== 'succeeded') throw new Error(`the import ${run.status}: ${run.error}`);
      const endToEndSeconds = (ended - started) / 1000;
      const jobSeconds = (ended - runStarted) / 1000;
      const importRowsPerSecond = Math.round(ROWS / endToEndSeconds);
      const result = {
        rows: ROWS,
        existingCustomers: EXISTING,
        fileMb: Math.round(generated.bytes / 1e6),
        importRowsPerSecond,
        endToEndSeconds: Math.round(endToEndSeconds * 10) / 10,
        uploadSeconds: Math.round(uploadSeconds * 10) / 10,
        jobSeconds: Math.round(jobSeconds * 10) / 10,
        bareCopyRowsPerSecond: bareRowsPerSecond,
        ratio: Math.round((importRowsPerSecond / bareRowsPerSecond) * 100) / 100,
        peakRssMb: Math.round(peak / 1024 / 1024),
        previewMs,
        counts: (run.result as { counts: unknown }).counts,
        loadAvg1m: load(),
      };
      say(
        `goals: ratio ≥ ${GOALS.ratio} ${result.ratio >= GOALS.ratio ? 'ok' : 'MISSED'}; < ${GOALS.seconds} s ${endToEndSeconds < GOALS.seconds ? 'ok' : 'MISSED'}; ` +
          `< ${GOALS.peakMb} MB ${result.peakRssMb < GOALS.peakMb ? 'ok' : 'MISSED'}; preview < ${GOALS.previewMs} ms ${previewMs < GOALS.previewMs ? 'ok' : 'MISSED'}`,
      );
      console.log(JSON.stringify(result));
    } finally {
      await foyer.close();
    }
  } finally {
    await database.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
