import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from './support/socat.ts';

/**
 * The onoff (sysfs) driver, observed at the files the kernel would act on. onoff hard-codes
 * /sys/class/gpio, so the driver runs as a child in a private mount namespace (`unshare --mount`,
 * we are root) where a temp tree is bind-mounted over /sys/class. The tree is what a Pi 4 on kernel
 * 6.6+ shows: gpiochip512 "pinctrl-bcm2711", lines already exported (a real kernel creates gpioN on
 * `export`; the files are plain files here, so the test reads them from outside the namespace).
 * A decoy gpio17 catches a driver that forgets the 512 offset. Plain files cannot be epoll'ed, so
 * the contact runs on the driver's polling fallback (real sysfs value files raise edge interrupts).
 */
const canUnshare = spawnSync('unshare', ['--mount', 'true']).status === 0;
const fixture = fileURLToPath(new URL('./fixtures/sysfs-door.ts', import.meta.url));
const agentRoot = fileURLToPath(new URL('..', import.meta.url));

let root: string;
const gpio = (n: number, file: string) => join(root, 'gpio', `gpio${n}`, file);
const read = (n: number, file: string) => readFileSync(gpio(n, file), 'utf8').trim();

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'foyer-sysclass-'));
  const chip = join(root, 'gpio', 'gpiochip512');
  mkdirSync(chip, { recursive: true });
  writeFileSync(join(chip, 'base'), '512\n');
  writeFileSync(join(chip, 'ngpio'), '58\n');
  writeFileSync(join(chip, 'label'), 'pinctrl-bcm2711\n');
  writeFileSync(join(root, 'gpio', 'export'), '');
  writeFileSync(join(root, 'gpio', 'unexport'), '');
  for (const n of [17, 529, 539]) {
    mkdirSync(join(root, 'gpio', `gpio${n}`));
    for (const [file, value] of Object.entries({ direction: 'in', value: '0', edge: 'none', active_low: '0' })) writeFileSync(gpio(n, file), value);
  }
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function runInNamespace(scenario: string) {
  const child = spawn(
    'unshare',
    ['--mount', '--propagation', 'private', 'sh', '-c', `mount --bind "$0" /sys/class && exec node --import tsx "$1" "$2"`, root, fixture, scenario],
    {
      cwd: agentRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const said: string[] = [];
  let stderr = '';
  createInterface({ input: child.stdout! }).on('line', (line) => said.push(line));
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, said, exited, stderr: () => stderr };
}

describe.skipIf(!canUnshare)('sysfs relay driver (onoff) in a private mount namespace', () => {
  it('maps BCM 17 to gpio529, starts locked, pulses, and locks after the pulse', async () => {
    const run = runInNamespace('pulse');
    await waitFor(() => run.said.includes('pulsed'), 10_000, 'pulse');
    expect(read(529, 'value')).toBe('1');
    expect(read(529, 'direction')).toBe('low'); // configured as an output starting low (locked)
    expect(read(17, 'value')).toBe('0'); // the decoy was not touched
    expect(read(17, 'direction')).toBe('in');
    expect(read(539, 'edge')).toBe('both'); // the contact line is an input with interrupts requested
    await waitFor(() => read(529, 'value') === '0', 2000, 'relay back to locked after the pulse');
    expect(await run.exited).toBe(0);
    expect(read(529, 'value')).toBe('0');
  });

  it('reports the door contact', async () => {
    const run = runInNamespace('sigterm');
    await waitFor(() => run.said.includes('contact-closed'), 10_000, 'initial contact state');
    writeFileSync(gpio(539, 'value'), '1');
    await waitFor(() => run.said.includes('contact-open'), 2000, 'contact open');
    run.child.kill('SIGTERM');
    await run.exited;
  });

  it('locks on an uncaught error mid-pulse', async () => {
    const run = runInNamespace('uncaught');
    await waitFor(() => run.said.includes('pulsed'), 10_000, 'pulse');
    expect(read(529, 'value')).toBe('1');
    expect(await run.exited).toBe(1);
    expect(read(529, 'value')).toBe('0');
    expect(run.stderr()).toMatch(/fatal: Error: something broke mid-pulse[^]*doors locked/);
  });

  it('locks on SIGTERM mid-pulse', async () => {
    const run = runInNamespace('sigterm');
    await waitFor(() => run.said.includes('pulsed'), 10_000, 'pulse');
    expect(read(529, 'value')).toBe('1');
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(read(529, 'value')).toBe('0');
  });
});
