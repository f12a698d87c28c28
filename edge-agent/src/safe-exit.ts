import type { Log } from './log.ts';

/**
 * Whatever ends the process, the doors are locked for good first (a tap still in flight can no
 * longer open one), with drivers that finish synchronously. SIGINT/SIGTERM then allow a short,
 * bounded clean shutdown (journal flush, link close); an uncaught error locks and exits at once,
 * since the state it leaves is unknown. `lockAll` must be synchronous and must not throw.
 * (kill -9 and power loss cannot be caught: the wiring's de-energized state is locked, and the
 * systemd unit's ExecStopPost runs `--lock-now` after any exit.)
 */
export function installSafeExit(lockAll: () => void, shutdown: () => Promise<void>, log: Log, graceMs = 3000) {
  let exiting = false;
  const onSignal = (signal: NodeJS.Signals) => {
    lockAll();
    if (exiting) return;
    exiting = true;
    log(`${signal}: doors locked; shutting down`);
    const force = setTimeout(() => process.exit(0), graceMs);
    force.unref();
    shutdown()
      .catch((error) => log(`shutdown: ${(error as Error).message}`))
      .finally(() => process.exit(0));
  };
  const onFatal = (error: unknown) => {
    lockAll();
    log(`fatal: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}; doors locked`);
    process.exit(1);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  process.on('uncaughtException', onFatal);
  process.on('unhandledRejection', onFatal);
  process.on('exit', lockAll);
}
