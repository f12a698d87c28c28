import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import config from '../drizzle.config.ts';

// The committed migrations must be what drizzle-kit makes of the tables: a column added to a table
// without `pnpm db:generate` fails here, not on someone's database. drizzle-kit runs on a copy of
// the migrations folder, so a drift writes its migration there and the real folder stays as it is.
const schemaRoot = fileURLToPath(new URL('..', import.meta.url));
const migrations = resolve(schemaRoot, config.out ?? 'drizzle');
const drizzleKit = join(dirname(createRequire(import.meta.url).resolve('drizzle-kit')), 'bin.cjs');

const work = mkdtempSync(join(tmpdir(), 'foyer-drift-'));
const copy = join(work, 'migrations');
cpSync(migrations, copy, { recursive: true });
// The project's config with only `out` changed. drizzle-kit puts './' in front of `out` (an absolute
// path fails, with exit code 0), so it is given relative to the package, where drizzle-kit runs.
const configFile = join(work, 'drizzle.config.ts');
writeFileSync(configFile, `export default ${JSON.stringify({ ...config, out: relative(schemaRoot, copy) })};\n`);

afterAll(() => rmSync(work, { recursive: true, force: true }));

const drizzle = (command: 'generate' | 'check') => {
  const run = spawnSync(process.execPath, [drizzleKit, command, '--config', configFile], {
    cwd: schemaRoot,
    encoding: 'utf8',
    // A question (was this column renamed?) gets end of input rather than waiting for an answer.
    input: '',
    timeout: 60_000,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  const output = `${run.stdout}${run.stderr}${run.error ? `\n${run.error.message}` : ''}`;
  // Without its roll call of tables ("customers 28 columns 14 indexes 1 fks") and without stack
  // frames (vitest would take them for the assertion's own and trip over drizzle-kit's source map).
  return { status: run.status, output: output.replace(/^(\S+ \d+ columns \d+ indexes \d+ fks|\s+at .*)\n/gm, '') };
};

/** Every file under `dir`, relative path → contents. */
const contents = (dir: string) =>
  Object.fromEntries(
    (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
      .filter((entry) => entry.isFile())
      .map((entry) => {
        const path = join(entry.parentPath, entry.name);
        return [relative(dir, path), readFileSync(path, 'utf8')];
      }),
  );

describe('migrations', () => {
  it('match the tables: drizzle-kit generate has nothing to write', () => {
    const before = contents(copy);
    const { output } = drizzle('generate');
    const written = Object.entries(contents(copy)).filter(([path, text]) => before[path] !== text);
    const hint =
      'The tables differ from the committed migrations: run `pnpm db:generate` and commit what it writes ' +
      '(drizzle-kit asks in a terminal whether a column or table was renamed; here it cannot ask).';
    expect(
      written.map(([path, text]) => `${path}:\n${path.endsWith('.sql') ? text : '(snapshot)'}`),
      `${hint}\n\ndrizzle-kit said:\n${output}`,
    ).toEqual([]);
    expect(output, `${hint}\n\ndrizzle-kit said:\n${output}`).toContain('No schema changes');
  }, 90_000);

  it('are consistent: drizzle-kit check', () => {
    const { status, output } = drizzle('check');
    expect(status, output).toBe(0);
    expect(output).toContain("Everything's fine");
  }, 90_000);
});
