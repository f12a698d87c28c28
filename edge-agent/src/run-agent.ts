import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { credentialHasher } from './access/credential-hash.ts';
import { Journal } from './access/journal.ts';
import { PermissionStore } from './access/permission-store.ts';
import type { AgentConfig } from './config.ts';
import { ensureStateDir, resolveIdentity, type DeviceIdentity } from './device-identity.ts';
import { DoorAgent } from './door-agent.ts';
import type { DoorIO, DoorLines } from './doors/door-io.ts';
import { openDoor } from './doors/open-door.ts';
import { Link } from './link.ts';
import type { Log } from './log.ts';
import { SerialReader } from './readers/serial-reader.ts';

export const AGENT_VERSION = '0.1.0';

export type RunningAgent = {
  agent: DoorAgent;
  doors: Map<string, DoorIO>;
  lines: Map<string, DoorLines>;
  readers: SerialReader[];
  journal: Journal;
  store: PermissionStore;
  link: Link | undefined;
  identity: DeviceIdentity | undefined;
  /** Locks every door for good and releases its lines, synchronously: for exit handlers. */
  lockAll: () => void;
  stop: () => Promise<void>;
};

export type RunOptions = {
  simulate: boolean;
  log: Log;
  /** Tests shorten the reopen backoff of readers. */
  readerReopen?: { initialMs: number; maxMs: number };
  linkReconnect?: { initialMs: number; maxMs: number };
  /** Called as soon as the doors are open (and locked), before anything that can fail slowly. */
  onDoorsOpen?: (lockAll: () => void) => void;
};

/** The composition root: doors first (locked), then identity, cache, journal, readers, link. */
export async function runAgent(config: AgentConfig, options: RunOptions): Promise<RunningAgent> {
  const { log, simulate } = options;
  const doors = new Map<string, DoorIO>();
  const lines = new Map<string, DoorLines>();
  const lockAll = () => doors.forEach((door) => door.close());
  for (const doorConfig of config.doors) {
    const door = await openDoor(doorConfig, log, simulate);
    doors.set(doorConfig.id, door.io);
    lines.set(doorConfig.id, door.lines);
  }
  options.onDoorsOpen?.(lockAll);

  ensureStateDir(config.stateDir);
  let identity: DeviceIdentity | undefined;
  try {
    // Simulation pairs like a real device: it is how a newcomer tries the doors against a server.
    identity = await resolveIdentity(config, log, { mayPair: true });
  } catch (error) {
    if (!simulate) throw error;
    log(`simulation without a device identity (${(error as Error).message}): every credential is unknown`);
  }
  const store = new PermissionStore(join(config.stateDir, 'permissions.json'), log);
  const journal = Journal.open(config.stateDir, log);
  if (store.current.version > 0)
    for (const { id } of config.doors)
      if (!store.current.doors.has(id)) log(`door ${id} is in the config but not among this device's doors on the server: its events will be refused`);
  const hash = credentialHasher(identity?.credentialKey ?? randomBytes(32).toString('base64'));
  const agent = new DoorAgent({ store, journal, doors, hash, forcedOpenGraceMs: config.forcedOpenGraceMs, maxCacheAgeMs: config.maxOfflineHours * 3_600_000 });

  const readers = simulate
    ? []
    : config.readers.map(
        (reader) =>
          new SerialReader({
            path: reader.path,
            protocol: reader.protocol,
            baudRate: reader.baud,
            debounceMs: config.debounceMs,
            reopen: options.readerReopen,
            log,
            // Without a doorId there is exactly one door (the config checks it).
            onTap: (credential, receivedAt) => agent.tap(credential, reader.doorId ?? config.doors[0]!.id, receivedAt),
          }),
      );
  readers.forEach((reader) => reader.start());

  const link = identity
    ? new Link({
        serverUrl: config.serverUrl,
        deviceId: identity.deviceId,
        secret: identity.secret,
        agentVersion: AGENT_VERSION,
        store,
        journal,
        log,
        reconnect: options.linkReconnect,
      })
    : undefined;
  link?.start();
  log(`agent ${AGENT_VERSION}: ${doors.size} door(s), ${readers.length} reader(s), permissions v${store.current.version}, journal at seq ${journal.lastSeq}`);

  const stop = async () => {
    lockAll();
    link?.stop();
    await Promise.all(readers.map((reader) => reader.stop()));
    agent.stop();
    await journal.close();
    await store.close();
  };
  return { agent, doors, lines, readers, journal, store, link, identity, lockAll, stop };
}
