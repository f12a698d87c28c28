import type { EdgeEvent } from '@foyer/schema';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DEVICE, door, stateDirWith } from './support/agent-fixture.ts';
import { ContractEdgeServer } from './support/edge-server.ts';
import { settled, waitFor } from './support/socat.ts';

/**
 * kill -9 in the middle of a stream of taps, then a restart on the same state directory. The agent
 * runs as its real command line (`src/main.ts --simulate`, taps on stdin) and uploads to a server
 * keeping the /edge contract. A journal line is in the kernel before the decision is printed, so
 * every printed decision survives the kill (only a power cut can take the last fsync's lines), and
 * seqs continue without a gap or a duplicate, on disk and on the server.
 */
const agentRoot = fileURLToPath(new URL('..', import.meta.url));
const server = new ContractEdgeServer(DEVICE);
const stateDir = stateDirWith({ version: 1, doors: [door('front', 'Front')], entries: [] });
afterAll(async () => {
  await server.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

function startAgent(configPath: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', '--simulate', '--config', configPath], {
    cwd: agentRoot,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const printed: { seq: number; masked: string }[] = [];
  let ready = false;
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line.startsWith('Simulating door')) ready = true;
    const m = /^#(\d+) Door .*(••••\w+)\)$/.exec(line);
    if (m) printed.push({ seq: Number(m[1]), masked: m[2]! });
  });
  child.stderr!.resume();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  let n = 0;
  const tapEvery = (ms: number, prefix: string) =>
    setInterval(() => {
      // Taps start once the agent listens: a stream, not a backlog read in one go.
      if (ready && child.stdin!.writable) child.stdin!.write(`${prefix}${String(n++).padStart(5, '0')}\n`);
    }, ms);
  return { child, printed, exited, tapEvery };
}

const journal = (): EdgeEvent[] =>
  readFileSync(join(stateDir, 'journal.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as EdgeEvent);

describe('crash and restart', () => {
  it('continues the journal seqs after kill -9, with no gap or duplicate, and the server stores each once', async () => {
    const url = await server.start();
    const configPath = join(stateDir, 'config.json');
    writeFileSync(configPath, JSON.stringify({ serverUrl: url, stateDir, doors: [{ id: 'front', driver: 'simulated' }] }));

    const first = startAgent(configPath);
    const taps = first.tapEvery(2, 'AAAA');
    await waitFor(() => first.printed.length >= 150, 15_000, 'taps before the crash');
    first.child.kill('SIGKILL');
    clearInterval(taps);
    expect(await first.exited).toBe(-1);

    const afterCrash = journal();
    // Every decision the agent printed is in the journal, in order (it may have journaled a few more
    // that it had not printed yet when killed).
    expect(afterCrash.length).toBeGreaterThanOrEqual(first.printed.length);
    expect(afterCrash.slice(0, first.printed.length).map((e) => ({ seq: e.seq, masked: e.credentialMasked }))).toEqual(first.printed);
    console.log(`kill -9 after ${first.printed.length} printed decisions: ${afterCrash.length} in the journal`);

    const second = startAgent(configPath);
    const moreTaps = second.tapEvery(2, 'BBBB');
    await waitFor(() => second.printed.length >= 100, 15_000, 'taps after the restart');
    clearInterval(moreTaps);
    // A tap already in the pseudo-terminal is still decided after the interval stops: wait until
    // decisions stop arriving, so "everything" below is really everything.
    await settled(() => second.printed.length, 500);
    expect(second.printed[0]?.seq).toBe(afterCrash.length + 1);
    const last = () => second.printed.at(-1)!.seq;
    await waitFor(() => server.storedThrough >= last(), 10_000, 'upload of everything');
    second.child.stdin!.end(); // end of input: a clean shutdown
    expect(await second.exited).toBe(0);

    const events = journal();
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: events.length }, (_, i) => i + 1));
    expect(events.length).toBe(second.printed.at(-1)!.seq);
    await waitFor(() => server.storedThrough === events.length, 5000, 'server caught up');
    expect(server.stored.size).toBe(events.length);
    for (const event of events) expect(server.stored.get(event.seq)).toEqual(event);
  });
});
