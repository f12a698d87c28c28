import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const serverDir = fileURLToPath(new URL('../../server', import.meta.url));

export type FoyerProcess = { url: string; child: ChildProcess; output: () => string; stop: () => Promise<void> };

/**
 * The server as a person runs it (`src/main.ts` in its own process) on a free port of 127.0.0.1,
 * on `databaseUrl`, with `admin` as the demo owner's login. Free of vitest, so benchmarks use it too.
 */
export async function startFoyerProcess(
  databaseUrl: string,
  admin: { email: string; password: string },
  env: Record<string, string> = {},
): Promise<FoyerProcess> {
  // Node itself with tsx's loader, not the tsx CLI: the CLI runs the server in a child process of
  // its own, so a `kill -9` of the CLI would leave the real server running.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
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
