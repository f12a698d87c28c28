// The Foyer edge agent: `tsx src/main.ts [--config path] [--simulate] [--lock-now]`.
// See README.md for the config file, pairing and running under systemd on a Raspberry Pi.
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type AgentConfig } from './config.ts';
import { stderrLog } from './log.ts';
import { runAgent } from './run-agent.ts';
import { installSafeExit } from './safe-exit.ts';
import { runSimulationConsole } from './simulation-console.ts';

const { values: args } = parseArgs({
  options: {
    config: { type: 'string', default: process.env.FOYER_EDGE_CONFIG ?? '/etc/foyer-edge/config.json' },
    simulate: { type: 'boolean', default: false },
    // Drive every relay to locked and exit: systemd's ExecStopPost, after any end of the agent.
    'lock-now': { type: 'boolean', default: false },
  },
});

const log = stderrLog;
let config: AgentConfig;
try {
  config = loadConfig(args.config);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(2);
}

let lockAll = () => {};
let stop = async () => {};
installSafeExit(
  () => lockAll(),
  () => stop(),
  log,
);

if (args['lock-now']) {
  const { openDoor } = await import('./doors/open-door.ts');
  for (const door of config.doors) (await openDoor(door, log, false)).io.close();
  log('all doors locked');
  process.exit(0);
}

const running = await runAgent(config, { simulate: args.simulate, log, onDoorsOpen: (lock) => (lockAll = lock) });
lockAll = running.lockAll;
stop = running.stop;
if (args.simulate) {
  // The config requires at least one door.
  const input = runSimulationConsole(running, config.doors[0]!.id);
  // End of input (Ctrl-D, a closed pipe) ends the simulation like Ctrl-C.
  input.on('close', () => process.kill(process.pid, 'SIGTERM'));
}
