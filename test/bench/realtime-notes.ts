/**
 * The notes half of `bench:realtime` (issue 4): 20 editors (socket.io-client + Yjs, as the
 * browser's editor syncs) on one customer's note, each typing 10 characters a second for 30 s.
 *
 * - p50/p99: ms from an edit (the local Y.Doc's update) to its arrival at each other editor.
 * - converged: after the typing stops and every update is acknowledged, all 20 copies and a
 *   fresh copy opened from the server hold the same text, with every character typed.
 * - serverCpuSeconds: user + system CPU of the server process (a child process: `node --import
 *   tsx src/main.ts`, read from /proc/<pid>/stat) during the typing window.
 *
 * BENCH_DATABASE_URL: a PostgreSQL the bench may create (and drop) a database in; without it, an
 * embedded cluster in a temporary directory. NOTES_EDITORS / NOTES_SECONDS / NOTES_CPS override
 * the load. Run: `server/node_modules/.bin/tsx test/bench/realtime-notes.ts`; the last line is JSON.
 */
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as Y from 'yjs';
import { NoteEditor } from '../support/notes.ts';
import { startFoyerProcess } from '../support/server-process.ts';
import { openDatabase } from './database.ts';

const EDITORS = Number(process.env.NOTES_EDITORS ?? 20);
const SECONDS = Number(process.env.NOTES_SECONDS ?? 30);
const CPS = Number(process.env.NOTES_CPS ?? 10);
const ADMIN = { email: 'bench@notes.local', password: 'a long enough bench password' };

const say = (message: string) => process.stderr.write(`${message}\n`);

/** utime + stime of a process, in seconds (Linux /proc; clock ticks are 100 per second). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const round = (n: number) => Math.round(n * 10) / 10;

/** The first struct's id of an update: which edit it is. */
const editKey = (update: Uint8Array) => {
  const first = Y.decodeUpdate(update).structs[0];
  return first ? `${first.id.client}:${first.id.clock}` : '';
};

export async function benchNotes(): Promise<{ p50: number; p99: number; converged: boolean; editors: number; serverCpuSeconds: number }> {
  const database = await openDatabase();
  // The server in a process of its own, so its CPU time is its own.
  const server = await startFoyerProcess(database.url, ADMIN);
  say(`server at ${server.url} (pid ${server.child.pid})`);
  const editors: NoteEditor[] = [];
  try {
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const created = await fetch(`${server.url}/api/customers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ firstName: 'Bench', lastName: 'Notes' }),
    });
    const customerId = ((await created.json()) as { id: string }).id;

    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    for (let i = 0; i < EDITORS; i++) {
      const editor = await NoteEditor.connect(server.url, cookie, customerId);
      editor.onRemote = (update) => {
        const at = sentAt.get(editKey(update));
        if (at !== undefined) latencies.push(performance.now() - at);
      };
      editor.doc.on('update', (update: Uint8Array, origin: unknown) => {
        if (origin !== 'remote') sentAt.set(editKey(update), performance.now());
      });
      editors.push(editor);
    }
    // Each editor writes its own line (several people in one note rarely type into the same word).
    const lines = editors.map((e, i) => e.paragraph(`Editor ${i}: `));
    await Promise.all(editors.map((e) => e.settled()));
    await new Promise((r) => setTimeout(r, 500));
    latencies.length = 0;

    say(`${EDITORS} editors typing ${CPS} characters a second each for ${SECONDS} s`);
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    const cpuBefore = cpuSeconds(server.child.pid!);
    const started = performance.now();
    const typedBy = editors.map(() => 0);
    const timers = editors.map((editor, i) => {
      // Spread the editors' keystrokes over the interval instead of all at once.
      const tick = () => editor.typeInto(lines[i]!, String.fromCharCode(97 + ((i + typedBy[i]!++) % 26)));
      return new Promise<void>((resolve) => {
        setTimeout(
          () => {
            const timer = setInterval(() => {
              if (performance.now() - started >= SECONDS * 1000) {
                clearInterval(timer);
                resolve();
              } else tick();
            }, 1000 / CPS);
          },
          (i * 1000) / CPS / EDITORS,
        );
      });
    });
    await Promise.all(timers);
    await Promise.all(editors.map((e) => e.settled()));
    const cpuAfter = cpuSeconds(server.child.pid!);
    loop.disable();
    say(`the bench's own event loop: delay p50 ${round(loop.percentile(50) / 1e6)} ms, p99 ${round(loop.percentile(99) / 1e6)} ms`);

    // Converged: every copy has the same text (and state), with every character each editor typed.
    const typed = editors.reduce((sum, e) => sum + e.acked, 0);
    const deadline = Date.now() + 15_000;
    const same = () => editors.every((e) => e.text === editors[0]!.text);
    while (!same() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const reader = await NoteEditor.connect(server.url, cookie, customerId);
    const stored = reader.text.split('\n');
    const everyCharacter = typedBy.every((n, i) => stored.some((l) => l.startsWith(`Editor ${i}: `) && l.length === `Editor ${i}: `.length + n));
    const failures = editors.reduce((sum, e) => sum + e.failures.length, 0);
    const converged = same() && reader.text === editors[0]!.text && failures === 0 && everyCharacter;
    reader.close();

    latencies.sort((a, b) => a - b);
    const acks = editors.flatMap((e) => e.ackMs.slice(1)).sort((a, b) => a - b);
    say(`acknowledgements (stored in PostgreSQL): p50 ${round(percentile(acks, 50))} ms, p99 ${round(percentile(acks, 99))} ms`);
    say(
      `updates acknowledged: ${typed}, every character stored: ${everyCharacter}, failures: ${failures}, latency samples: ${latencies.length}, ` +
        `p50 ${round(percentile(latencies, 50))} ms, p99 ${round(percentile(latencies, 99))} ms, max ${round(latencies.at(-1) ?? NaN)} ms`,
    );
    return {
      p50: round(percentile(latencies, 50)),
      p99: round(percentile(latencies, 99)),
      converged,
      editors: EDITORS,
      serverCpuSeconds: round(cpuAfter - cpuBefore),
    };
  } finally {
    for (const e of editors) e.close();
    server.child.kill('SIGTERM');
    await new Promise((r) => server.child.once('exit', r));
    await database.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  benchNotes()
    .then((result) => {
      console.log(JSON.stringify({ notes: result }));
      process.exit(0);
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
