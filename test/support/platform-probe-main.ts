/**
 * The server as src/main.ts starts it, plus the platform probes (platform-probe.ts): the entry of
 * the server processes that the outbox and job crash tests kill. PROBE_NODE names the node in the
 * effects it writes; PROBE_BLOCK=1 makes the durable subscriber probe.blocking hang.
 */
import { readConfig } from '@foyer/server/config.ts';
import { createLogger } from '@foyer/server/lib/logger.ts';
import { startFoyer } from '@foyer/server/server.ts';
import { probeExtensions } from './platform-probe.ts';

const config = readConfig();
const logger = createLogger(config.logLevel);
const node = process.env.PROBE_NODE ?? `pid-${process.pid}`;
const foyer = await startFoyer(
  config,
  logger,
  probeExtensions({ node, block: process.env.PROBE_BLOCK === '1' }),
).catch((err) => {
  logger.fatal({ err }, 'Foyer could not start');
  process.exit(1);
});
process.stderr.write(`\n  Foyer is running at ${foyer.url} (node ${foyer.nodeId})\n\n`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void foyer.close().then(() => process.exit(0)));
