/**
 * Durable domain events: the transactional outbox.
 *
 * ## Declaring an event
 * Add its zod schema to the event map in @foyer/schema (`schema/src/platform/events.ts`, or your
 * domain's `schema/src/<domain>/events.ts` spread into it): `'booking.confirmed': z.object({ bookingId: z.uuid() })`.
 * The name and payload are then typed everywhere below.
 *
 * ## Writing one
 * In the service, inside the transaction that makes the change:
 * ```ts
 * await db.transaction(async (tx) => {
 *   await confirmBooking(tx, { orgId, bookingId });
 *   await writeEvent(tx, { orgId, name: 'booking.confirmed', payload: { bookingId } });
 * });
 * ```
 * The event exists exactly when the change does: a rollback takes both, a commit keeps both, and a
 * crash right after the commit loses nothing. Never emit "after commit" in memory.
 *
 * ## Subscribing
 * ```ts
 * // Durable, in a transaction: its effect and the record that it ran commit together, so it
 * // acts exactly once per event, on whichever node picks the event up.
 * subscriber({
 *   id: 'timeline.bookings',                 // stable: deliveries are keyed by it; never rename
 *   on: ['booking.confirmed', 'booking.cancelled'],
 *   handle: async (event, tx) => { await addTimelineEntry(tx, event.orgId, …) },
 * });
 * // Durable, outside the database (mail, a webhook): at least once; make it idempotent by
 * // `event.id` yourself.
 * subscriber({ id: 'mail.confirmation', on: ['booking.confirmed'], transaction: false, handle: async (event) => … });
 * // On EVERY node, right after the commit, not durable: pushes to this node's own sockets
 * // (edge deltas to the devices connected here, live updates to staff here).
 * localSubscriber({ on: ['edge.changed'], handle: (event) => pushToMyDevices(event) });
 * ```
 * Register them with `outbox.subscribe(…)` at start (server.ts; later the domain list).
 *
 * ## What is guaranteed
 * - Durable subscribers get every event committed to the outbox at least once, and a transactional
 *   one acts exactly once (outbox_deliveries (subscriber, event_id) is inserted in its transaction
 *   before its handler runs; a second delivery finds it and skips). A failing subscriber is retried
 *   with backoff (2^n s, at most 10 min) without re-running the others on that event; retries never
 *   stop, the event's `last_error` says why.
 * - Order is NOT guaranteed: events are claimed in id order, but several nodes (and two loops per
 *   node) work at once and a failed event is retried later. Handlers read the current state (or
 *   compare versions, as edge.changed's `version` allows) rather than trusting arrival order.
 * - Local subscribers run on each node that is connected when the event commits, within a few
 *   milliseconds (see "How nodes hear events" below). They are for live pushes whose clients
 *   resync on reconnect; anything that must happen goes in a durable subscriber.
 * - Subscribers should be quick (milliseconds): a slow one holds its event (and its batch) on
 *   that node. Long work goes to the job queue: `enqueue(tx, kind, …)` inside a durable subscriber
 *   enqueues exactly once.
 *
 * ## How nodes share the work, and how they hear events (the decision)
 * `writeEvent` inserts the row and, in the same statement, `pg_notify('foyer_outbox', id)`.
 * PostgreSQL delivers a notification to every listening session only when the transaction
 * commits, so:
 * - Durable: every node's dispatcher wakes on the notification (or every `pollMs` as a fallback,
 *   which also catches retries and anything written while no node listened) and claims pending
 *   rows with `FOR NO KEY UPDATE SKIP LOCKED`: each event is worked on by one node at a time, the
 *   others skip it. The claim's row lock lives as long as the claiming connection, so a node
 *   killed mid-event releases it at once and another node (or the restarted one) takes it over;
 *   no lease to expire. (NO KEY UPDATE, not UPDATE: the delivery row's foreign key takes KEY SHARE
 *   on the event, which UPDATE would block.)
 * - Local: the same notification carries the event id to every node, each reads the row and runs
 *   its local subscribers. We chose NOTIFY over a cursor per node because ids are not committed in
 *   order (a transaction that took id 7 may commit after the one that took 8), so a cursor
 *   "after the last id seen" skips events unless it also tracks in-flight transactions; NOTIFY is
 *   delivered in commit order and needs no state. Its gap: a node whose session is down misses
 *   what commits meanwhile; on reconnect it replays events created from shortly before it lost the
 *   session (deduplicated against what it already ran).
 */
import { sql } from 'drizzle-orm';
import { eventSchemas, type EventName, type EventPayload } from '@foyer/schema/validation';
import type { Db, DbOrTx } from './db/connect.ts';

import { OUTBOX_CHANNEL } from './outbox-dispatcher.ts';

export { Outbox, OUTBOX_CHANNEL, type OutboxOptions } from './outbox-dispatcher.ts';

/** An open transaction, as `db.transaction` hands it to its callback. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** An event as subscribers get it. */
export type OutboxEvent<N extends EventName = EventName> = {
  [K in N]: { id: number; orgId: string; name: K; payload: EventPayload<K>; createdAt: Date };
}[N];

/**
 * Writes an event to the outbox; pass the transaction that makes the change. The payload is
 * validated against the event map. Returns the event's id.
 */
export async function writeEvent<N extends EventName>(db: DbOrTx, event: { orgId: string; name: N; payload: EventPayload<N> }): Promise<number> {
  const schema = eventSchemas[event.name];
  if (!schema) throw new Error(`Unknown event ${event.name}: declare it in @foyer/schema's event map`);
  const payload = schema.parse(event.payload);
  for (const listener of writtenListeners) listener({ orgId: event.orgId, name: event.name, payload } as WrittenEvent);
  const { rows } = await db.execute<{ id: string }>(sql`
    with e as (
      insert into outbox_events (org_id, name, payload)
      values (${event.orgId}, ${event.name}, ${JSON.stringify(payload)}::jsonb)
      returning id
    )
    select id, pg_notify(${OUTBOX_CHANNEL}, id::text) from e`);
  return Number(rows[0]!.id);
}

/** An event as `onEventWritten` listeners get it: not yet committed, and without an id. */
export type WrittenEvent<N extends EventName = EventName> = { [K in N]: { orgId: string; name: K; payload: EventPayload<K> } }[N];

const writtenListeners = new Set<(event: WrittenEvent) => void>();

/**
 * Calls `listener` in this process as each event is written, before its transaction commits: for
 * a cache that must stop serving what the transaction changes from the moment it changes it, so
 * that a request after the response on this node never sees the old value (the committed event
 * reaches local subscribers a few milliseconds later, after the response may have gone). Only to
 * forget things: the transaction may yet roll back, and other nodes hear the event as it commits.
 * Returns what removes the listener.
 */
export function onEventWritten(listener: (event: WrittenEvent) => void): () => void {
  writtenListeners.add(listener);
  return () => writtenListeners.delete(listener);
}

type Handler<N extends EventName, Args extends unknown[]> = (event: OutboxEvent<N>, ...args: Args) => void | Promise<void>;

/** A durable subscriber (see the top of this file). */
export type DurableSubscriber =
  | { mode: 'transaction'; id: string; on: readonly EventName[]; handle: Handler<EventName, [tx: Tx]> }
  | { mode: 'outside'; id: string; on: readonly EventName[]; handle: Handler<EventName, []> };
/** A subscriber that runs on every node, not durable. */
export type LocalSubscriber = { mode: 'local'; id?: string; on: readonly EventName[]; handle: Handler<EventName, []> };
export type Subscriber = DurableSubscriber | LocalSubscriber;

/**
 * A durable subscriber. With a transaction (the default) it acts exactly once per event;
 * with `transaction: false` at least once.
 */
export function subscriber<const N extends EventName>(def: {
  id: string;
  on: readonly N[];
  transaction?: true;
  handle: Handler<N, [tx: Tx]>;
}): DurableSubscriber;
export function subscriber<const N extends EventName>(def: { id: string; on: readonly N[]; transaction: false; handle: Handler<N, []> }): DurableSubscriber;
export function subscriber(def: { id: string; on: readonly EventName[]; transaction?: boolean; handle: Handler<EventName, never[]> }): DurableSubscriber {
  if (!/^[a-z0-9][a-z0-9._:-]*$/i.test(def.id)) throw new Error(`Subscriber id "${def.id}": letters, digits and . _ : - only`);
  return def.transaction === false
    ? { mode: 'outside', id: def.id, on: def.on, handle: def.handle as Handler<EventName, []> }
    : { mode: 'transaction', id: def.id, on: def.on, handle: def.handle as Handler<EventName, [tx: Tx]> };
}

/** A subscriber that runs on every node right after an event commits (not durable). */
export function localSubscriber<const N extends EventName>(def: { id?: string; on: readonly N[]; handle: Handler<N, []> }): LocalSubscriber {
  return { mode: 'local', id: def.id, on: def.on, handle: def.handle as Handler<EventName, []> };
}
