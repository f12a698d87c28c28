import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const serverDir = fileURLToPath(new URL('../../server', import.meta.url));

export type FoyerProcess = { url: string; child: ChildProcess; output: () => string; stop: () => Promise<void> };

/**
 * Node's arguments for the server, as server/package.json's start script gives them (a test checks
 * they agree): Node itself with tsx's loader, not the tsx CLI, whose own child process a `kill -9`
 * would leave running; and a young generation of 64 MB semi-spaces instead of 16, because a busy
 * night's fan-out allocates a write request per socket per batch: with 16 MB the server stopped for
 * a scavenge 50 times in the presence bench's 30 s, up to 13 ms each, and the p99 went with them.
 */
export const SERVER_NODE_ARGS = ['--max-semi-space-size=64', '--import', 'tsx', 'src/main.ts'];

/**
 * The server as a person runs it (`src/main.ts` in its own process) on a free port of 127.0.0.1,
 * on `databaseUrl`, with `admin` as the demo owner's login. Free of vitest, so benchmarks use it too.
 */
export async function startFoyerProcess(
  databaseUrl: string,
  admin: { email: string; password: string },
  env: Record<string, string> = {},
  /** Another entry than src/main.ts (relative to server/), e.g. a test's probe that starts Foyer with extensions. */
  entry?: string,
): Promise<FoyerProcess> {
  const args = entry ? [...SERVER_NODE_ARGS.slice(0, -1), entry] : SERVER_NODE_ARGS;
  const child = spawn(process.execPath, args, {
    cwd: serverDir,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DATABASE_URL: databaseUrl,
      FOYER_ADMIN_EMAIL: admin.email,
      FOYER_ADMIN_PASSWORD: admin.password,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 60_000);
    child.stderr!.on('data', (d) => {
      output += d;
      const m = /Foyer is running at (http:\/\/\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
  return {
    url,
    child,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        // Already gone (killed with a signal leaves exitCode null and sets signalCode).
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Kills the process as a crash or a power cut would (no shutdown of its own), and waits until it is gone. */
export async function kill9(p: FoyerProcess): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  const exited = new Promise((r) => p.child.once('exit', r));
  p.child.kill('SIGKILL');
  await exited;
}
