import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A real pseudo-terminal pair from socat: the agent opens `agentPath` as its serial reader, the test
 * plays the reader by writing bytes into `readerPath`. Both sides raw, so bytes pass untouched.
 * Killing socat is an unplug; starting it again with the same link paths is plugging back in.
 */
export class PtyPair {
  private process: ChildProcess | undefined;
  private fd: number | undefined;

  constructor(
    readonly agentPath: string,
    readonly readerPath: string,
  ) {}

  async start() {
    const socat = spawn('socat', [`pty,raw,echo=0,link=${this.agentPath}`, `pty,raw,echo=0,link=${this.readerPath}`], { stdio: 'ignore' });
    let missing = false;
    socat.on('error', () => (missing = true));
    this.process = socat;
    const deadline = Date.now() + 5000;
    while (!(existsSync(this.agentPath) && existsSync(this.readerPath))) {
      if (missing) throw new Error('socat is missing: apt-get install socat (test/scripts/ensure-test-tools.mjs installs it)');
      if (Date.now() > deadline) throw new Error('socat did not create the pty pair');
      await sleep(10);
    }
    // Keep the reader side open for the whole test: a closed side makes socat hang up.
    this.fd = openSync(this.readerPath, 'r+');
  }

  /** socat's process id while it runs (benchmarks give it the priority a kernel tty driver has). */
  get pid(): number | undefined {
    return this.process?.pid;
  }

  write(bytes: Uint8Array | string) {
    if (this.fd === undefined) throw new Error('pty not started');
    writeSync(this.fd, typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
  }

  async stop() {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    const proc = this.process;
    this.process = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGKILL');
    await exited;
  }
}

export async function waitFor<T>(check: () => T | undefined | false, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** Resolves once `value()` has not changed for `quietMs`. */
export async function settled(value: () => unknown, quietMs: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = value();
  let since = Date.now();
  while (Date.now() - since < quietMs) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a value to settle');
    await sleep(20);
    const now = value();
    if (now !== last) [last, since] = [now, Date.now()];
  }
}
