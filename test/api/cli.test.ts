import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/db.ts';

/**
 * Issue 12: the CLI exits non-zero on every refusal. It once printed the refusal and exited 0
 * whenever the database had been opened (the embedded cluster's exit hook ended the process with
 * 0), so a script could not tell a refused command from a done one.
 */
const databaseUrl = await createTestDatabase();
const server = fileURLToPath(new URL('../../server/', import.meta.url));

/** Runs `foyer …` on this file's own database (or, with `env`, as told), as `pnpm foyer` does. */
const cli = (...args: string[]) => cliWith({ DATABASE_URL: databaseUrl }, ...args);
const cliWith = (env: Record<string, string>, ...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: server,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 100_000,
  });

describe('the foyer command', () => {
  it('exits 0 when it did the work, and 1 with the reason on stderr for every refusal', () => {
    const made = cli('orgs', 'add', 'Hotel Exit', '--owner', 'boss@exit.test', '--password', 'a long enough password');
    expect(made.stdout).toContain('Created organization');
    expect(made.status).toBe(0);
    for (const args of [
      ['orgs', 'add', 'Hotel Exit', '--owner', 'boss@exit.test', '--password', 'a long enough password'], // the owner exists
      ['users', 'add', 'weak@exit.test', '--password', 'short', '--org', 'hotel-exit'],
      ['devices', 'add', 'Pi', '--doors', 'No such door', '--org', 'hotel-exit'],
      ['bogus'],
      ['--no-such-option'],
    ]) {
      const refused = cli(...args);
      expect(refused.status, `${args.join(' ')}: ${refused.stdout}${refused.stderr}`).toBe(1);
      expect(refused.stderr).toMatch(/^foyer: /);
    }
  });

  it('exits 1 on a refusal after starting its own embedded database too (the case that exited 0)', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'foyer-cli-'));
    try {
      const refused = cliWith({ FOYER_DATA_DIR: dataDir }, 'users', 'add', 'x@exit.test', '--password', 'a long enough password', '--org', 'no-such-org');
      expect(refused.stderr).toContain('No organization with slug "no-such-org"');
      expect(refused.status).toBe(1);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
