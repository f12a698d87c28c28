import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import pg from 'pg';
import type { Logger } from './logger.ts';

/**
 * This node's own session with PostgreSQL: one dedicated connection that
 *
 * - LISTENs for NOTIFY on the channels the outbox (and anything else) asks for; a notification
 *   sent in a transaction reaches every listening session once that transaction commits;
 * - says that this node is alive: its `application_name` is `foyer-node <nodeId>`, so any node can
 *   tell whether another one still runs by looking for that session in `pg_stat_activity`
 *   (`isNodeAliveSql`). When a node dies (kill -9, a crash, a lost host) its connection goes and
 *   the session with it, at once on one machine, within ~30 s over a network thanks to the TCP
 *   keepalives set below. The job queue releases the jobs of nodes that are gone this way
 *   instead of waiting for a lease to run out.
 *
 * If the connection drops while the node lives, it reconnects with backoff and re-LISTENs, and
 * tells `onReconnect` listeners since when it was deaf (notifications sent meanwhile are lost to it).
 * Meanwhile other nodes see it as dead: work it was doing may be taken over, which the job queue's
 * fencing (job_runs.attempt) makes safe.
 */
export class NodeSession {
  /** Unique per process start: a restarted node is a new node. */
  readonly nodeId = `${hostname().slice(0, 20)}-${process.pid}-${randomBytes(4).toString('hex')}`;
  private client: pg.Client | undefined;
  private readonly handlers = new Map<string, Set<(payload: string) => void>>();
  private readonly reconnectListeners = new Set<(lostAt: Date) => void>();
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private connecting: Promise<void> | undefined;

  constructor(
    private readonly url: string,
    private readonly logger: Logger,
  ) {}

  static applicationName(nodeId: string) {
    return `foyer-node ${nodeId}`;
  }

  /** Calls `handler` with each notification's payload on `channel` (from now on, and after reconnects). */
  async listen(channel: string, handler: (payload: string) => void): Promise<void> {
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
      await this.client?.query(`listen ${pg.escapeIdentifier(channel)}`);
    }
    set.add(handler);
  }

  onReconnect(listener: (lostAt: Date) => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  async start(): Promise<void> {
    await (this.connecting ??= this.connect());
  }

  private async connect(lostAt?: Date): Promise<void> {
    const client = new pg.Client({
      connectionString: this.url,
      application_name: NodeSession.applicationName(this.nodeId),
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    client.on('notification', (msg) => {
      for (const handler of this.handlers.get(msg.channel) ?? []) {
        try {
          handler(msg.payload ?? '');
        } catch (err) {
          this.logger.error({ err, channel: msg.channel }, 'notification handler failed');
        }
      }
    });
    client.on('error', (err) => this.logger.warn({ err }, 'node session error'));
    client.on('end', () => {
      if (this.client !== client || this.stopped) return;
      this.client = undefined;
      this.logger.warn({ nodeId: this.nodeId }, 'node session lost; reconnecting');
      this.scheduleReconnect(new Date(), 100);
    });
    await client.connect();
    try {
      // The server notices a vanished node (a host lost without closing its sockets) after about
      // 10 + 5 × 3 s instead of the kernel default of two hours.
      await client.query('set tcp_keepalives_idle = 10; set tcp_keepalives_interval = 5; set tcp_keepalives_count = 3');
      for (const channel of this.handlers.keys()) await client.query(`listen ${pg.escapeIdentifier(channel)}`);
    } catch (err) {
      await client.end().catch(() => {});
      throw err;
    }
    if (this.stopped) {
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
    if (lostAt) {
      this.logger.info({ nodeId: this.nodeId }, 'node session back');
      for (const listener of this.reconnectListeners) listener(lostAt);
    }
  }

  private scheduleReconnect(lostAt: Date, delayMs: number) {
    if (this.stopped) return;
    this.retryTimer = setTimeout(() => {
      this.connect(lostAt).catch((err) => {
        this.logger.warn({ err }, 'node session reconnect failed');
        this.scheduleReconnect(lostAt, Math.min(delayMs * 2, 5000));
      });
    }, delayMs);
  }

  get connected(): boolean {
    return !!this.client;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    await this.connecting?.catch(() => {});
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }
}

/** SQL that is true while the node `nodeIdExpr` (an SQL expression) still has its session. */
export const isNodeAliveSql = (nodeIdExpr: string) => `exists (select 1 from pg_stat_activity a where a.application_name = 'foyer-node ' || ${nodeIdExpr})`;
