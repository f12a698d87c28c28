import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Database } from '@foyer/server/platform/db/connect.ts';
import { writeEvent } from '@foyer/server/platform/outbox.ts';
import { createTestDatabase } from '../support/db.ts';
import { startTestFoyer, type TestFoyer } from '../support/foyer.ts';
import { createProbeTable, probeExtensions, writeProbeEvents } from '../support/platform-probe.ts';
import { until, waitFor } from '../support/sockets.ts';

/**
 * The outbox on two in-process nodes sharing one database: each has the same durable subscribers
 * (as nodes running the same code do) and its own local ones.
 */
let database: Database;
let nodeA: TestFoyer;
let nodeB: TestFoyer;
let orgId: string;
const failOnce = new Set<string>();
/** Local deliveries: event id → node → when (ms). */
const heard = new Map<number, Map<string, number>>();
const onLocal = (id: number, node: string) => {
  if (!heard.has(id)) heard.set(id, new Map());
  heard.get(id)!.set(node, performance.now());
};

beforeAll(async () => {
  const databaseUrl = await createTestDatabase();
  database = connect(databaseUrl, 4);
  await createProbeTable(database.db);
  nodeA = await startTestFoyer({ databaseUrl, ...probeExtensions({ node: 'A', failOnce, onLocal }) });
  nodeB = await startTestFoyer({ databaseUrl, ...probeExtensions({ node: 'B', failOnce, onLocal }) });
  orgId = (await database.db.execute<{ id: string }>(sql`select id from organizations limit 1`)).rows[0]!.id;
});
afterAll(async () => {
  await nodeA?.close();
  await nodeB?.close();
  await database?.close();
});

type Effect = { source: string; key: string; node: string };
const query = async <T extends object>(text: string, params: unknown[] = []) => (await database.pool.query<T>(text, params)).rows;
const effects = (keys: number[]) => query<Effect>('select source, key, node from probe_effects where key = any($1::text[]) order by id', [keys.map(String)]);
const pending = async (ids: number[]) =>
  (await query<{ n: number }>('select count(*)::int as n from outbox_events where id = any($1::bigint[]) and dispatched_at is null', [ids]))[0]!.n;
const sources = (list: Effect[]) => {
  const counts: Record<string, number> = {};
  for (const e of list) counts[e.source] = (counts[e.source] ?? 0) + 1;
  return counts;
};

describe('the outbox', () => {
  it('delivers each committed event once to each durable subscriber, shared between the nodes, and to the local subscribers of every node', async () => {
    const ids = await writeProbeEvents(nodeA.database.db, orgId, 40);
    await expect.poll(() => pending(ids), { timeout: 10_000 }).toBe(0);
    const done = await effects(ids);
    // Three transactional subscribers write an effect: exactly one each per event.
    expect(sources(done)).toEqual({ 'probe.first': 40, 'probe.flaky': 40, 'probe.blocking': 40 });
    for (const id of ids)
      expect(
        done
          .filter((e) => e.key === String(id))
          .map((e) => e.source)
          .sort(),
      ).toEqual(['probe.blocking', 'probe.first', 'probe.flaky']);
    // Every probe subscriber, the one outside a transaction too, is marked delivered once (the
    // domains' own subscribers of customer.changed, such as the edge's, have their marks beside).
    const marks = await query<{ subscriber: string; n: number }>(
      "select subscriber, count(*)::int as n from outbox_deliveries where event_id = any($1::bigint[]) and subscriber like 'probe.%' group by 1 order by 1",
      [ids],
    );
    expect(marks).toEqual(['probe.blocking', 'probe.first', 'probe.flaky', 'probe.outside'].map((subscriber) => ({ subscriber, n: 40 })));
    // Both nodes' local subscribers heard every event.
    await expect.poll(() => ids.every((id) => heard.get(id)?.has('A') && heard.get(id)?.has('B'))).toBe(true);
  });

  it('takes well under 100 ms from commit to the durable and the local subscribers', async () => {
    const durable: number[] = [];
    const local: number[] = [];
    for (let i = 0; i < 30; i++) {
      let committing = 0;
      const id = await nodeA.database.db.transaction(async (tx) => {
        const id = await writeEvent(tx, { orgId, name: 'customer.changed', payload: { customerId: randomUUID() } });
        committing = performance.now();
        return id;
      });
      const wallCommit = Date.now() - (performance.now() - committing);
      const row = await until(
        async () => (await query<{ at: Date }>("select at from probe_effects where source = 'probe.first' and key = $1", [String(id)]))[0],
        5000,
        `event ${id} delivered`,
      );
      durable.push(row.at.getTime() - wallCommit);
      await waitFor(() => heard.get(id)?.size === 2, 5000, `event ${id} heard on both nodes`);
      local.push(Math.max(...heard.get(id)!.values()) - committing);
    }
    const p = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
    console.log(
      `commit → durable subscriber: p50 ${p(durable, 0.5).toFixed(1)} ms, max ${Math.max(...durable).toFixed(1)} ms; commit → local on both nodes: p50 ${p(local, 0.5).toFixed(1)} ms, max ${Math.max(...local).toFixed(1)} ms`,
    );
    // The poll fallback is 2 s: anything near it would mean NOTIFY did not wake the dispatcher.
    expect(p(durable, 0.5)).toBeLessThan(100);
    expect(p(local, 0.5)).toBeLessThan(100);
    expect(Math.max(...durable)).toBeLessThan(1000);
  });

  it('retries a failing subscriber with backoff, its effect rolled back with it, without running the others again', async () => {
    const customerId = randomUUID();
    failOnce.add(customerId);
    const [id] = await writeProbeEvents(nodeB.database.db, orgId, 1, [customerId]);
    const failedRound = await until(
      async () => {
        const r = await database.db.execute<{ attempts: number; last_error: string | null; wait: number }>(
          sql`select attempts, last_error, extract(epoch from available_at - now()) as wait from outbox_events where id = ${id}`,
        );
        return r.rows[0]!.attempts === 1 && r.rows[0];
      },
      5000,
      'a failed round',
    );
    expect(failedRound.last_error).toMatch(/probe\.flaky fails once/);
    expect(Number(failedRound.wait)).toBeGreaterThan(0.5); // backs off (2 s) instead of spinning
    await expect.poll(() => pending([id!]), { timeout: 10_000 }).toBe(0);
    expect(sources(await effects([id!]))).toEqual({ 'probe.first': 1, 'probe.flaky': 1, 'probe.blocking': 1 });
    const after = (
      await database.db.execute<{ attempts: number; last_error: string | null }>(sql`select attempts, last_error from outbox_events where id = ${id}`)
    ).rows[0]!;
    expect(after).toEqual({ attempts: 1, last_error: null });
  });

  it('does not act twice when an event is delivered again (a node died after its subscribers committed)', async () => {
    const ids = await writeProbeEvents(nodeA.database.db, orgId, 5);
    await nodeA.outbox.settle();
    expect(await pending(ids)).toBe(0);
    // As if the claiming node died before it marked the events dispatched.
    await query('update outbox_events set dispatched_at = null where id = any($1::bigint[])', [ids]);
    nodeB.outbox.kick();
    await expect.poll(() => pending(ids), { timeout: 10_000 }).toBe(0);
    expect(sources(await effects(ids))).toEqual({ 'probe.first': 5, 'probe.flaky': 5, 'probe.blocking': 5 });
  });

  it('keeps no event of a transaction that rolled back, and refuses a payload that does not fit the event', async () => {
    const before = (await database.db.execute<{ n: number }>(sql`select count(*)::int as n from outbox_events`)).rows[0]!.n;
    await expect(
      nodeA.database.db.transaction(async (tx) => {
        await writeEvent(tx, { orgId, name: 'customer.changed', payload: { customerId: randomUUID() } });
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    await expect(writeEvent(nodeA.database.db, { orgId, name: 'customer.changed', payload: { customerId: 'not-a-uuid' } })).rejects.toThrow();
    // @ts-expect-error: an event that is not in the map does not compile
    await expect(writeEvent(nodeA.database.db, { orgId, name: 'customer.exploded', payload: {} })).rejects.toThrow(/Unknown event/);
    expect((await database.db.execute<{ n: number }>(sql`select count(*)::int as n from outbox_events`)).rows[0]!.n).toBe(before);
  });
});
