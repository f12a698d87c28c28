import { EDGE_REFUSED, EdgeEntrySchema, type EdgeClientToServer, type EdgeDoor, type EdgeEntry, type EdgeServerToClient } from '@foyer/schema';
import { io, type Socket } from 'socket.io-client';
import type { Journal } from './access/journal.ts';
import { PermissionCache, type PermissionDelta } from './access/permission-cache.ts';
import type { PermissionStore } from './access/permission-store.ts';
import { Backoff } from './backoff.ts';
import type { Log } from './log.ts';

export type LinkOptions = {
  serverUrl: string;
  deviceId: string;
  secret: string;
  agentVersion: string;
  store: PermissionStore;
  journal: Journal;
  log: Log;
  /** Events per `events` message. */
  batchSize?: number;
  ackTimeoutMs?: number;
  /** socket.io's own reconnection backoff, and ours after a refused handshake. */
  reconnect?: { initialMs: number; maxMs: number };
  /** While connected and in sync, how often the cache's sync time is moved on (and saved). */
  syncedHeartbeatMs?: number;
};

type SnapshotInProgress = { version: number; doors: EdgeDoor[]; total: number; entries: EdgeEntry[]; deltas: PermissionDelta[] };

/**
 * The agent's one connection to the server, on the /edge namespace. Nothing in a decision waits
 * for it: it only refreshes the permission cache and carries the journal up.
 *
 * - Permissions: `hello` says which version the cache holds; a snapshot arrives in chunks and is
 *   swapped in whole at `snapshot:end` (a dropped connection mid-snapshot keeps the old cache);
 *   deltas that arrive meanwhile wait for the snapshot, older ones are ignored.
 * - Events: durable journal events go up in batches, one batch in flight; the ack's storedThrough
 *   is remembered on disk. After an outage the backlog goes up from the first unacknowledged seq,
 *   and since the server stores each (device, seq) once, a batch resent after a lost ack is harmless.
 *   Nothing goes up before the journal is based on the `hello` answer's storedThrough (Journal.rebase).
 * - Freshness: the cache counts as synced while the connection is up and answered; the moment is
 *   kept (PermissionStore.markSynced) for the stale-cache rule.
 * - Revocation: the server says `revoked` before it hangs up, and refuses the handshake with
 *   EDGE_REFUSED.revoked afterwards (a device that was offline learns it at its next connect). A
 *   network failure or an unknown secret never looks like that: only then is the cache wiped.
 */
export class Link {
  readonly socket: Socket<EdgeServerToClient, EdgeClientToServer>;
  private snapshot: SnapshotInProgress | undefined;
  private uploading = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private uploadTimer: NodeJS.Timeout | undefined;
  private helloTimer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  /** This connection's hello was answered: from then on, until it drops, the cache is in sync. */
  private inSync = false;
  private readonly uploadBackoff = new Backoff({ initialMs: 500, maxMs: 30_000 });
  private readonly handshakeBackoff: Backoff;
  private readonly reconnectMaxMs: number;
  private readonly unsubscribe: () => void;
  private stopped = false;
  /** Counts the times the cache was brought up to date: a snapshot swapped in, or `hello` answered upToDate. */
  synced = 0;

  constructor(private readonly options: LinkOptions) {
    const reconnect = options.reconnect ?? { initialMs: 1000, maxMs: 30_000 };
    this.reconnectMaxMs = reconnect.maxMs;
    this.handshakeBackoff = new Backoff(reconnect);
    this.socket = io(`${options.serverUrl}/edge`, {
      auth: { deviceId: options.deviceId, secret: options.secret },
      transports: ['websocket'],
      autoConnect: false,
      reconnectionDelay: reconnect.initialMs,
      reconnectionDelayMax: reconnect.maxMs,
      randomizationFactor: 0.5,
    });
    this.socket.on('connect', () => this.onConnect());
    this.socket.on('disconnect', (reason) => {
      this.snapshot = undefined;
      // In sync until this very moment: that is the time the stale-cache rule counts from.
      if (this.inSync) options.store.markSynced();
      this.inSync = false;
      this.options.log(`link: disconnected (${reason})`);
      // socket.io retries by itself after a network loss, not after the server hung up on us. The
      // server does that to a device that was signed out, or replaced by a newer connection with the
      // same identity (a copied secret): come back, but only after the longest delay, so that two
      // agents sharing an identity do not take the connection from each other in a tight loop.
      if (reason === 'io server disconnect') this.reconnectLater(reason, this.reconnectMaxMs);
    });
    this.socket.on('connect_error', (error) => {
      if (error.message === EDGE_REFUSED.revoked) this.revoked();
      // Likewise a refused handshake (bad secret, server starting up) ends its retries.
      if (!this.socket.active) this.reconnectLater(`refused: ${error.message}`, error.message === EDGE_REFUSED.revoked ? this.reconnectMaxMs : undefined);
    });
    this.socket.on('revoked', () => this.revoked());
    this.socket.on('snapshot:begin', ({ version, doors, total }) => {
      this.snapshot = { version, doors, total, entries: [], deltas: [] };
    });
    this.socket.on('snapshot:chunk', ({ version, entries }) => {
      if (this.snapshot?.version !== version) return;
      const parsed = EdgeEntrySchema.array().safeParse(entries);
      if (parsed.success) this.snapshot.entries.push(...parsed.data);
      else this.options.log(`link: dropped a malformed snapshot chunk (${parsed.error.issues[0]?.message})`);
    });
    this.socket.on('snapshot:end', ({ version }) => this.finishSnapshot(version));
    this.socket.on('delta', (delta) => {
      if (this.snapshot) this.snapshot.deltas.push(delta);
      else if (this.options.store.applyDelta(delta)) this.options.log(`link: delta to version ${delta.version}`);
    });
    this.unsubscribe = options.journal.onDurable(() => this.upload());
    this.heartbeat = setInterval(() => this.inSync && this.socket.connected && options.store.markSynced(), options.syncedHeartbeatMs ?? 10 * 60_000);
    this.heartbeat.unref();
  }

  /** The server revoked this device: wipe the cache (every door stays locked) and keep only a slow retry. */
  private revoked() {
    this.inSync = false;
    this.options.store.revoke();
  }

  start() {
    this.socket.connect();
  }

  /** The agent is meant to run unattended for years: it never stops trying, only slows down. */
  private reconnectLater(why: string, delay = this.handshakeBackoff.next()) {
    if (this.stopped) return;
    this.options.log(`link: ${why}; reconnecting in ${delay} ms`);
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => this.socket.connect(), delay);
  }

  get connected() {
    return this.socket.connected;
  }

  private onConnect() {
    this.handshakeBackoff.reset();
    this.options.log(`link: connected to ${this.options.serverUrl}/edge`);
    this.sayHello();
    this.upload();
  }

  /** Tells the server which permission version the cache holds; it answers with what is missing. */
  private sayHello() {
    const { store, agentVersion, log } = this.options;
    clearTimeout(this.helloTimer);
    this.socket.timeout(this.options.ackTimeoutMs ?? 10_000).emit('hello', { version: store.current.version, agentVersion }, (error, reply) => {
      if (error) {
        if (!this.socket.connected || this.stopped) return; // the next connect says hello again
        log('link: no answer to hello; asking again');
        this.helloTimer = setTimeout(() => this.sayHello(), this.uploadBackoff.next());
        return;
      }
      if (Number.isSafeInteger(reply.storedThrough) && reply.storedThrough >= 0)
        this.options.journal.rebase(reply.storedThrough).then(
          () => this.upload(),
          (rebaseError: Error) => log(`link: could not renumber the journal (${rebaseError.message}); nothing uploads until it can`),
        );
      else log('link: the server did not say which events it holds; nothing uploads until it does');
      if (reply.upToDate) {
        this.inSync = true;
        store.markSynced();
        this.synced++;
        log(`link: permissions up to date (version ${reply.version})`);
      }
    });
  }

  private finishSnapshot(version: number) {
    const snapshot = this.snapshot;
    if (!snapshot || snapshot.version !== version) return;
    this.snapshot = undefined;
    if (snapshot.entries.length !== snapshot.total) {
      // Incomplete: keep what we have and ask again (hello with our older version brings a new snapshot).
      this.options.log(`link: snapshot ${version} incomplete (${snapshot.entries.length}/${snapshot.total}); asking again`);
      this.sayHello();
      return;
    }
    const cache = PermissionCache.from({ version, doors: snapshot.doors, entries: snapshot.entries });
    for (const delta of snapshot.deltas) cache.applyDelta(delta);
    this.options.store.replace(cache);
    this.options.store.markSynced();
    this.inSync = true;
    this.synced++;
    this.options.log(`link: snapshot version ${cache.version} in place (${snapshot.total} entries, ${snapshot.doors.length} doors)`);
  }

  /** Sends the oldest unacknowledged batch, and the next when that one is acknowledged. */
  private upload() {
    const { journal, log } = this.options;
    if (this.uploading || !this.socket.connected || this.stopped || !journal.based) return;
    const batch = journal.unacknowledged(this.options.batchSize ?? 500);
    if (batch.length === 0) return;
    this.uploading = true;
    this.socket.timeout(this.options.ackTimeoutMs ?? 10_000).emit('events', batch, (error, reply) => {
      this.uploading = false;
      if (error || 'error' in reply) {
        const delay = this.uploadBackoff.next();
        log(`link: events not stored (${error ? 'no ack' : (reply as { error: string }).error}); retrying in ${delay} ms`);
        clearTimeout(this.uploadTimer);
        this.uploadTimer = setTimeout(() => this.upload(), delay);
        return;
      }
      const before = journal.ackedSeq;
      journal.acknowledge(reply.storedThrough);
      if (journal.ackedSeq > before) {
        this.uploadBackoff.reset();
        this.upload();
      } else {
        // The server stored nothing new (a gap before this batch on its side?): do not spin.
        const delay = this.uploadBackoff.next();
        log(`link: server stored through ${reply.storedThrough}, expected more; retrying in ${delay} ms`);
        clearTimeout(this.uploadTimer);
        this.uploadTimer = setTimeout(() => this.upload(), delay);
      }
    });
  }

  stop() {
    this.stopped = true;
    for (const timer of [this.reconnectTimer, this.uploadTimer, this.helloTimer, this.heartbeat]) clearTimeout(timer);
    this.unsubscribe();
    this.socket.disconnect();
  }
}
