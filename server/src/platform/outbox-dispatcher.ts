import { sql } from 'drizzle-orm';
import type pg from 'pg';
import type { Db } from './db/connect.ts';
import type { Logger } from './logger.ts';
import type { NodeSession } from './node-session.ts';
import type { DurableSubscriber, LocalSubscriber, OutboxEvent, Subscriber } from './outbox.ts';

/** The NOTIFY channel `writeEvent` signals on; the payload is the event id. */
export const OUTBOX_CHANNEL = 'foyer_outbox';

export type OutboxOptions = {
  /** The dispatcher also looks for work this often (retries that came due, missed notifications). */
  pollMs?: number;
  /** Events one claim takes (and holds locked while their subscribers run). */
  batchSize?: number;
  /** Claiming loops per node: a slow subscriber holds up one of them, not the node. */
  loops?: number;
  /** Dispatched events (and their deliveries) are deleted after this many days. */
  retentionDays?: number;
  /** How long `stop` lets running subscribers finish before it drops their claims. */
  stopTimeoutMs?: number;
};

type EventRow = { id: string; org_id: string; name: string; payload: unknown; created_at: Date };

const toEvent = (row: EventRow) => ({ id: Number(row.id), orgId: row.org_id, name: row.name, payload: row.payload, createdAt: row.created_at }) as OutboxEvent;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The dispatcher of one node (see outbox.ts for the design and guarantees): claiming loops for
 * durable subscribers, and local delivery of every committed event this node hears of.
 */
export class Outbox {
  private readonly durable = new Map<string, DurableSubscriber[]>();
  private readonly local = new Map<string, LocalSubscriber[]>();
  private readonly ids = new Set<string>();
  private readonly opts: Required<OutboxOptions>;
  private started = false;
  private stopping = false;
  private loops: Promise<void>[] = [];
  /** Bumped by every wake-up, so a loop that was busy when one came does not go to sleep over it. */
  private generation = 0;
  private waiters = new Set<() => void>();
  private pollTimer: NodeJS.Timeout | undefined;
  private cleanupTimer: NodeJS.Timeout | undefined;
  private readonly claims = new Set<pg.PoolClient>();
  /** Local delivery: ids heard and not yet run, run one batch after another in the order heard. */
  private localQueue: number[] = [];
  private localChain: Promise<void> = Promise.resolve();
  private localScheduled = false;
  /** Event ids run locally lately (id → when), so a replay after a reconnect runs nothing twice. */
  private readonly localSeen = new Map<number, number>();
  private detachReconnect: (() => void) | undefined;

  constructor(
    private readonly db: Db,
    private readonly session: NodeSession,
    private readonly logger: Logger,
    options: OutboxOptions = {},
  ) {
    this.opts = { pollMs: 2000, batchSize: 10, loops: 2, retentionDays: 7, stopTimeoutMs: 5000, ...options };
  }

  /** Registers subscribers; durable ids must be unique. Local ones may also be added after start. */
  subscribe(...subscribers: Subscriber[]): this {
    for (const sub of subscribers) {
      if (sub.mode !== 'local') {
        if (this.ids.has(sub.id)) throw new Error(`Two durable subscribers are called ${sub.id}`);
        this.ids.add(sub.id);
      }
      for (const name of new Set(sub.on)) {
        if (sub.mode === 'local') this.local.set(name, [...(this.local.get(name) ?? []), sub]);
        else this.durable.set(name, [...(this.durable.get(name) ?? []), sub]);
      }
    }
    if (this.started) this.kick();
    return this;
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.session.listen(OUTBOX_CHANNEL, (payload) => this.heard(payload));
    this.detachReconnect = this.session.onReconnect((lostAt) => {
      this.kick();
      this.localChain = this.localChain.then(() => this.replayLocal(lostAt)).catch((err) => this.logger.error({ err }, 'outbox: local replay failed'));
    });
    for (let i = 0; i < this.opts.loops; i++) this.loops.push(this.loop());
    this.pollTimer = setInterval(() => this.kick(), this.opts.pollMs);
    const cleanup = () => {
      void this.cleanup().catch((err) => this.logger.warn({ err }, 'outbox: cleanup failed'));
      this.cleanupTimer = setTimeout(cleanup, 60 * 60_000);
      this.cleanupTimer.unref();
    };
    this.cleanupTimer = setTimeout(cleanup, 10_000 + Math.random() * 50_000);
    this.cleanupTimer.unref();
  }

  /** Wakes the claiming loops (a notification came, or the poll interval passed). */
  kick(): void {
    this.generation++;
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }

  /**
   * Resolves once no event is waiting for a durable subscriber (none pending and due) and this
   * node's local subscribers have run what it heard: for tests, and for a CLI that writes events
   * and wants them handled before it exits. Events backing off after a failure are not waited for.
   */
  async settle(timeoutMs = 10_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      this.kick();
      const { rows } = await this.db.$client.query<{ n: number }>(
        'select count(*)::int as n from outbox_events where dispatched_at is null and available_at <= now()',
      );
      await this.localChain;
      if (rows[0]!.n === 0 && !this.localQueue.length && !this.localScheduled) return;
      if (Date.now() > until) throw new Error(`The outbox did not settle within ${timeoutMs} ms (${rows[0]!.n} events pending)`);
      await sleep(10);
    }
  }

  /**
   * Stops claiming; events being delivered finish (within stopTimeoutMs, else their claims are
   * dropped: they stay pending and whichever node is up delivers them, without repeating the
   * subscribers that already committed).
   */
  async stop(): Promise<void> {
    if (!this.started || this.stopping) return;
    this.stopping = true;
    clearInterval(this.pollTimer);
    clearTimeout(this.cleanupTimer);
    this.detachReconnect?.();
    this.kick();
    const finished = Promise.all(this.loops).then(() => true);
    if (!(await Promise.race([finished, sleep(this.opts.stopTimeoutMs).then(() => false)]))) {
      this.logger.warn({ claims: this.claims.size }, 'outbox: subscribers still running at shutdown; releasing their events');
      for (const client of this.claims) await client.end().catch(() => {});
    }
    await Promise.race([this.localChain, sleep(1000)]);
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      const generation = this.generation;
      let claimed = 0;
      try {
        claimed = await this.dispatchBatch();
      } catch (err) {
        if (this.stopping) return;
        this.logger.error({ err }, 'outbox: dispatch failed');
        await sleep(1000);
      }
      if (claimed === 0 && generation === this.generation && !this.stopping) await new Promise<void>((resolve) => this.waiters.add(resolve));
    }
  }

  /** Claims a batch of pending events and delivers each to the durable subscribers that lack it. */
  private async dispatchBatch(): Promise<number> {
    const client = await this.db.$client.connect();
    this.claims.add(client);
    try {
      await client.query('begin');
      const { rows } = await client.query<EventRow>(
        `select id, org_id, name, payload, created_at from outbox_events
          where dispatched_at is null and available_at <= now()
          order by id limit $1
          for no key update skip locked`,
        [this.opts.batchSize],
      );
      for (const row of rows) {
        if (this.stopping) break; // the rest stay pending; the commit below releases them
        const event = toEvent(row);
        const subscribers = this.durable.get(event.name) ?? [];
        const failures: string[] = [];
        if (subscribers.length) {
          const done = await client.query<{ subscriber: string }>('select subscriber from outbox_deliveries where event_id = $1', [row.id]);
          const delivered = new Set(done.rows.map((d) => d.subscriber));
          for (const sub of subscribers) {
            if (delivered.has(sub.id)) continue;
            try {
              await this.deliver(sub, event);
            } catch (err) {
              this.logger.error({ err, subscriber: sub.id, eventId: event.id, event: event.name }, 'outbox: subscriber failed; will retry');
              failures.push(`${sub.id}: ${(err as Error)?.message ?? String(err)}`);
            }
          }
        }
        if (!failures.length) await client.query('update outbox_events set dispatched_at = now(), last_error = null where id = $1', [row.id]);
        else
          await client.query(
            `update outbox_events set attempts = attempts + 1, last_error = $2,
               available_at = now() + make_interval(secs => least(600, power(2, attempts + 1)))
             where id = $1`,
            [row.id, failures.join('\n').slice(0, 4000)],
          );
      }
      await client.query('commit');
      return rows.length;
    } catch (err) {
      await client.query('rollback').catch(() => {});
      throw err;
    } finally {
      this.claims.delete(client);
      client.release();
    }
  }

  private async deliver(sub: DurableSubscriber, event: OutboxEvent): Promise<void> {
    const mark = sql`insert into outbox_deliveries (subscriber, event_id) values (${sub.id}, ${event.id}) on conflict do nothing returning 1 as inserted`;
    if (sub.mode === 'transaction') {
      await this.db.transaction(async (tx) => {
        // First, so that a second delivery running at the same time waits here for this one's
        // commit and then finds the row: the effect and the mark commit together or not at all.
        const { rows } = await tx.execute(mark);
        if (!rows.length) return;
        await sub.handle(event, tx);
      });
    } else {
      await sub.handle(event);
      await this.db.execute(mark);
    }
  }

  private heard(payload: string): void {
    this.kick();
    if (!this.local.size || this.stopping) return;
    const id = Number(payload);
    if (!Number.isSafeInteger(id)) return;
    this.localQueue.push(id);
    if (this.localScheduled) return;
    this.localScheduled = true;
    // Notifications of one commit arrive together: read them with one query.
    setImmediate(() => {
      this.localScheduled = false;
      const ids = this.localQueue.splice(0);
      this.localChain = this.localChain.then(() => this.runLocal(ids)).catch((err) => this.logger.error({ err }, 'outbox: local delivery failed'));
    });
  }

  private async runLocal(ids: number[]): Promise<void> {
    const wanted = ids.filter((id) => !this.localSeen.has(id));
    if (!wanted.length) return;
    const { rows } = await this.db.$client.query<EventRow>('select id, org_id, name, payload, created_at from outbox_events where id = any($1::bigint[])', [
      wanted,
    ]);
    const byId = new Map(rows.map((r) => [Number(r.id), r]));
    // In the order heard, which is commit order.
    for (const id of wanted) {
      const row = byId.get(id);
      if (row) await this.runLocalSubscribers(toEvent(row));
    }
  }

  private async runLocalSubscribers(event: OutboxEvent): Promise<void> {
    if (this.localSeen.has(event.id)) return;
    this.localSeen.set(event.id, Date.now());
    if (this.localSeen.size > 20_000) {
      const cutoff = Date.now() - 10 * 60_000;
      for (const [id, at] of this.localSeen) if (at < cutoff) this.localSeen.delete(id);
    }
    for (const sub of this.local.get(event.name) ?? []) {
      try {
        await sub.handle(event);
      } catch (err) {
        this.logger.error({ err, subscriber: sub.id, eventId: event.id, event: event.name }, 'outbox: local subscriber failed');
      }
    }
  }

  /**
   * After the session was down: runs local subscribers on the events created since a little
   * before it went (a transaction's rows carry its start time, so some slack) that it did not run.
   */
  private async replayLocal(lostAt: Date): Promise<void> {
    if (!this.local.size) return;
    const { rows } = await this.db.$client.query<EventRow>(
      `select id, org_id, name, payload, created_at from outbox_events
        where created_at >= $1::timestamptz - interval '10 seconds' order by id limit 10000`,
      [lostAt],
    );
    for (const row of rows) await this.runLocalSubscribers(toEvent(row));
  }

  private async cleanup(): Promise<void> {
    await this.db.$client.query(
      `delete from outbox_events where id in (
         select id from outbox_events where dispatched_at < now() - make_interval(days => $1) limit 10000)`,
      [this.opts.retentionDays],
    );
  }
}
