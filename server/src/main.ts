import { readConfig } from './platform/config.ts';
import { createLogger } from './platform/logger.ts';
import { startFoyer } from './server.ts';

const config = readConfig();
const logger = createLogger(config.logLevel);

const foyer = await startFoyer(config, logger).catch((err) => {
  logger.fatal({ err }, 'Foyer could not start');
  process.exit(1);
});

const banner = [`Foyer is running at ${foyer.url}`];
if (foyer.demoLogin) {
  banner.push(`Demo Venue created. Sign in as ${foyer.demoLogin.email} with password ${foyer.demoLogin.password}`);
  if (foyer.demoLogin.generated) banner.push('(The password was generated and is shown only now: keep it.)');
} else banner.push('Sign in with your staff login. To add one: pnpm foyer users add EMAIL --password P');
// The banner goes to stderr in plain text so that stdout stays pure JSON logs.
process.stderr.write(`\n  ${banner.join('\n  ')}\n\n`);

for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    logger.info({ signal }, 'shutting down');
    // Running jobs and subscribers get a few seconds to finish; past 30 s something hangs.
    setTimeout(() => process.exit(1), 30_000).unref();
    void foyer.close().then(() => process.exit(0));
  });
