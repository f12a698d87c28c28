/**
 * The server as src/main.ts starts it, plus the platform probes (platform-probe.ts): the entry of
 * the server processes that the outbox and job crash tests kill. PROBE_NODE names the node in the
 * effects it writes; PROBE_BLOCK=1 makes the durable subscriber probe.blocking hang.
 */
import type pg from 'pg';
import { readConfig } from '@foyer/server/platform/config.ts';
import { createLogger } from '@foyer/server/platform/logger.ts';
import { startFoyer } from '@foyer/server/server.ts';
import { probeExtensions } from './platform-probe.ts';

const config = readConfig();
const logger = createLogger(config.logLevel);
const node = process.env.PROBE_NODE ?? `pid-${process.pid}`;
let pool: pg.Pool | undefined;
// Local subscribers leave an effect too (source 'local'), stamped with the database's clock.
const onLocal = (eventId: number) =>
  void pool
    ?.query(`insert into probe_effects (source, key, node) values ('local', $1, $2)`, [String(eventId), node])
    .catch((err) => logger.error({ err }, 'probe'));
const foyer = await startFoyer(config, logger, probeExtensions({ node, block: process.env.PROBE_BLOCK === '1', onLocal })).catch((err) => {
  logger.fatal({ err }, 'Foyer could not start');
  process.exit(1);
});
pool = foyer.database.pool;
process.stderr.write(`\n  Foyer is running at ${foyer.url} (node ${foyer.nodeId})\n\n`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void foyer.close().then(() => process.exit(0)));
