/**
 * One server of `pnpm bench:requests`, in a process of its own so that its CPU time is its own:
 * `foyer <databaseUrl> <adminEmail> <adminPassword>` or `bare <databaseUrl> <orgId>`. It tells the
 * parent (over the fork's IPC channel) its URL once it listens, answers `cpu` with the process's
 * CPU time so far (process.cpuUsage), and closes on `stop` (a --cpu-prof profile is then written).
 */
import { readConfig } from '@foyer/server/platform/config.ts';
import { createLogger } from '@foyer/server/platform/logger.ts';
import { startFoyer } from '@foyer/server/server.ts';
import { startBareServer } from './bare-server.ts';

export type NodeMessage = { type: 'ready'; url: string; orgId?: string } | { type: 'cpu'; ms: number };

const [kind, databaseUrl, ...rest] = process.argv.slice(2);
const send = (message: NodeMessage) => process.send!(message);

let close: () => Promise<void>;
if (kind === 'foyer') {
  const [email, password] = rest as [string, string];
  const foyer = await startFoyer(
    { ...readConfig({ PORT: '0', HOST: '127.0.0.1' }), databaseUrl: databaseUrl!, admin: { email, password } },
    createLogger('silent'),
  );
  const { rows } = await foyer.database.pool.query<{ orgId: string }>('select org_id as "orgId" from users where email = $1', [email]);
  close = foyer.close;
  send({ type: 'ready', url: foyer.url, orgId: rows[0]!.orgId });
} else if (kind === 'bare') {
  const bare = await startBareServer(databaseUrl!, rest[0]!);
  close = bare.close;
  send({ type: 'ready', url: bare.url });
} else throw new Error(`Unknown server kind ${kind}`);

process.on('message', (message: string) => {
  if (message === 'cpu') {
    const { user, system } = process.cpuUsage();
    send({ type: 'cpu', ms: (user + system) / 1000 });
  } else if (message === 'stop') {
    void close().then(() => process.exit(0));
  }
});
