import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { connect } from '@foyer/server/platform/db/connect.ts';
import { startEmbeddedPostgres } from '@foyer/server/platform/db/embedded.ts';
import { migrate } from '@foyer/server/platform/db/migrate.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A URL to a maintenance database of the test cluster, used to create per-file databases. */
    pgAdminUrl: string;
    /** A migrated database that each test file copies. */
    pgTemplate: string;
  }
}

/**
 * One PostgreSQL for the whole run: TEST_DATABASE_URL when given (CI has a local server), else an
 * embedded cluster in a temporary directory, so a fresh machine needs nothing installed.
 */
export default async function setup(project: TestProject) {
  let adminUrl = process.env.TEST_DATABASE_URL;
  let stopCluster: (() => Promise<void>) | undefined;
  let dir: string | undefined;
  if (!adminUrl) {
    dir = await mkdtemp(join(tmpdir(), 'foyer-test-pg-'));
    const cluster = await startEmbeddedPostgres(dir);
    adminUrl = cluster.url('foyer');
    stopCluster = cluster.stop;
  }
  const template = `foyer_template_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${template}`);
  await admin.query(`create database ${template}`);
  const templateUrl = withDatabase(adminUrl, template);
  const database = connect(templateUrl, 1);
  await migrate(database.db);
  await database.close();
  await admin.end();

  project.provide('pgAdminUrl', adminUrl);
  project.provide('pgTemplate', template);

  return async () => {
    if (stopCluster) {
      await stopCluster();
      await rm(dir!, { recursive: true, force: true });
      return;
    }
    const cleanup = new pg.Client({ connectionString: adminUrl });
    await cleanup.connect();
    const { rows } = await cleanup.query<{ datname: string }>(`select datname from pg_database where datname like 'foyer_t_%' or datname = $1`, [template]);
    for (const { datname } of rows) await cleanup.query(`drop database if exists ${datname} with (force)`);
    await cleanup.end();
  };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
