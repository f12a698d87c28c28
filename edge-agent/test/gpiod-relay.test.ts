import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GpiodLines } from '../src/doors/gpiod-lines.ts';
import { silentLog } from '../src/log.ts';
import { waitFor } from './support/socat.ts';

/**
 * The libgpiod-tools driver, observed at its process boundary: which commands it runs, with which
 * arguments, in which order, for libgpiod 1.x and 2.x. The tools are stand-ins (fake-gpiod.sh) put
 * first on PATH, since a build machine has no /dev/gpiochip* (no gpio-sim module in the sandbox).
 */
const fake = fileURLToPath(new URL('./fixtures/fake-gpiod.sh', import.meta.url));
let bin: string;
let logFile: string;
let lines: GpiodLines | undefined;
const originalPath = process.env.PATH;

beforeEach(() => {
  bin = mkdtempSync(join(tmpdir(), 'foyer-gpiod-'));
  copyFileSync(fake, join(bin, 'fake-gpiod.sh'));
  chmodSync(join(bin, 'fake-gpiod.sh'), 0o755);
  for (const tool of ['gpioset', 'gpiomon', 'gpioget']) symlinkSync(join(bin, 'fake-gpiod.sh'), join(bin, tool));
  logFile = join(bin, 'calls.log');
  writeFileSync(logFile, '');
  process.env.PATH = `${bin}:${originalPath}`;
  process.env.FAKE_GPIOD_LOG = logFile;
});
afterEach(() => {
  lines?.close();
  lines = undefined;
  process.env.PATH = originalPath;
  rmSync(bin, { recursive: true, force: true });
});

const calls = () =>
  readFileSync(logFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.replace(/^\d+ /, ''));
const open = () => new GpiodLines({ chip: 'gpiochip0', relayLine: 17, contactLine: 27, relayActiveLow: false, contactOpenWhen: 'high', log: silentLog });

describe('libgpiod tools driver', () => {
  it('1.x: holds the relay line with gpioset --mode=signal, replacing the holder per change, and locks on close', async () => {
    process.env.FAKE_GPIOD_VERSION = '1.6.3';
    lines = open();
    await waitFor(() => calls().includes('gpioset --mode=signal gpiochip0 17=0'), 3000, 'locked holder');
    lines.setRelay(true);
    await waitFor(() => calls().includes('gpioset --mode=signal gpiochip0 17=1'), 3000, 'unlocked holder');
    // The old holder let go of the line before the new one asked for it.
    expect(calls().indexOf('released')).toBeLessThan(calls().indexOf('gpioset --mode=signal gpiochip0 17=1'));
    lines.setRelay(false);
    await waitFor(() => calls().filter((c) => c === 'gpioset --mode=signal gpiochip0 17=0').length === 2, 3000, 'locked again');
    // A pulse shorter than a holder's hand-over: the line is never left unlocked behind it.
    lines.setRelay(true);
    lines.setRelay(false);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const holders = calls().filter((c) => c.startsWith('gpioset --mode=signal'));
    expect(holders.at(-1)).toBe('gpioset --mode=signal gpiochip0 17=0');
    lines.close();
    expect(calls().at(-1)).toBe('gpioset --mode=exit gpiochip0 17=0');
  });

  it('2.x: drives an interactive gpioset over stdin, and locks on close', async () => {
    process.env.FAKE_GPIOD_VERSION = '2.1';
    lines = open();
    await waitFor(() => calls().includes('gpioset --interactive -c gpiochip0 17=0'), 3000, 'interactive holder');
    lines.setRelay(true);
    lines.setRelay(false);
    await waitFor(() => calls().includes('stdin set 17=0'), 3000, 'set commands');
    expect(calls().filter((c) => c.startsWith('stdin'))).toEqual(['stdin set 17=1', 'stdin set 17=0']);
    lines.close();
    expect(calls().at(-1)).toBe('gpioset -t 0 -c gpiochip0 17=0');
  });

  for (const version of ['1.6.3', '2.1']) {
    it(`${version}: follows the door contact with gpioget then gpiomon edges`, async () => {
      process.env.FAKE_GPIOD_VERSION = version;
      lines = open();
      const seen: boolean[] = [];
      lines.onContact((open) => seen.push(open));
      await waitFor(() => seen.length === 3, 3000, 'contact changes');
      expect(seen).toEqual([false, true, false]);
      const target = version.startsWith('1') ? 'gpiochip0 27' : '-c gpiochip0 27';
      expect(calls()).toContain(`gpiomon --format=%e ${target}`);
    });
  }
});
