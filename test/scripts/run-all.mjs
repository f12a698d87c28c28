// `pnpm test`: lint (ESLint, Prettier), build what the tests serve, typecheck every package (web with
// svelte-check), run each package's vitest suite (schema's includes the migration drift check,
// server's the OpenAPI snapshot), and end with one line that sums them up: "Tests: N passed, N
// failed, N skipped".
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const packages = ['schema', 'server', 'web', 'edge-agent', 'test'];
const step = (title, cmd, args) => {
  console.log(`\n▶ ${title}`);
  execFileSync(cmd, args, { stdio: 'inherit' });
};

step('Test tools: Chromium, socat', 'node', ['test/scripts/ensure-test-tools.mjs']);
// Lint first: the cheapest check, and a failure there needs no build to show.
step('Lint: ESLint and Prettier', 'pnpm', ['lint']);
step('Build the web UI', 'pnpm', ['build']);
step('Typecheck', 'pnpm', ['-r', 'typecheck']);

const reports = mkdtempSync(join(tmpdir(), 'foyer-vitest-'));
const totals = { passed: 0, failed: 0, skipped: 0 };
let failedSuites = 0;
for (const pkg of packages) {
  console.log(`\n▶ Tests of ${pkg}/`);
  const report = join(reports, `${pkg}.json`);
  const run = spawnSync('pnpm', ['exec', 'vitest', 'run', '--passWithNoTests', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`], {
    cwd: pkg,
    stdio: 'inherit',
  });
  let json;
  try {
    json = JSON.parse(readFileSync(report, 'utf8'));
  } catch {
    json = undefined;
  }
  if (run.status !== 0 || !json) failedSuites++;
  if (json) {
    totals.passed += json.numPassedTests;
    totals.failed += json.numFailedTests;
    totals.skipped += json.numPendingTests + json.numTodoTests;
  }
}
rmSync(reports, { recursive: true, force: true });
console.log(`\nTests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failedSuites || totals.failed ? 1 : 0);
