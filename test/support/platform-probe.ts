import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, DbOrTx } from '@foyer/server/platform/db/connect.ts';
import { auth } from '@foyer/server/platform/http/context.ts';
import { defineJob, enqueue } from '@foyer/server/platform/jobs.ts';
import { localSubscriber, subscriber, writeEvent, type Subscriber } from '@foyer/server/platform/outbox.ts';
import type { FoyerExtensions } from '@foyer/server/server.ts';

/**
 * Subscribers, a job kind and two routes that make the outbox and the job queue observable: every
 * effect is a row of `probe_effects` (no unique key, so anything done twice shows twice). Used by
 * the in-process tests and, through platform-probe-main.ts, by the server processes the crash and
 * several-node tests start.
 */

/** Creates the table the probes write to (once per database, before any node starts). */
export async function createProbeTable(db: DbOrTx) {
  await db.execute(sql`
    create table if not exists probe_effects (
      id bigserial primary key,
      source text not null,
      key text not null,
      node text not null,
      at timestamptz not null default clock_timestamp()
    )`);
}

export type ProbeOptions = {
  /** Who writes the effects (a node's name). */
  node: string;
  /** The durable subscriber `probe.blocking` makes its effect and then waits forever (kill -9 comes). */
  block?: boolean;
  /** Customer ids whose first delivery to `probe.flaky` fails (after making its effect, which rolls back). */
  failOnce?: Set<string>;
  /** Called by local subscribers, in the process that runs them. */
  onLocal?: (eventId: number, node: string) => void;
};

const effect = (db: DbOrTx, source: string, key: string | number, node: string) =>
  db.execute(sql`insert into probe_effects (source, key, node) values (${source}, ${String(key)}, ${node})`);

export function probeSubscribers({ node, block, failOnce, onLocal }: ProbeOptions): Subscriber[] {
  return [
    subscriber({
      id: 'probe.first',
      on: ['customer.changed'],
      handle: (event, tx) => effect(tx, 'probe.first', event.id, node).then(() => {}),
    }),
    subscriber({
      id: 'probe.flaky',
      on: ['customer.changed'],
      handle: async (event, tx) => {
        await effect(tx, 'probe.flaky', event.id, node);
        const id = event.payload.customerId;
        // Shared by the in-process nodes of a test: the first delivery fails, on whichever node.
        if (failOnce?.delete(id)) throw new Error(`probe.flaky fails once for ${id}`);
      },
    }),
    subscriber({
      id: 'probe.blocking',
      on: ['customer.changed'],
      handle: async (event, tx) => {
        await effect(tx, 'probe.blocking', event.id, node);
        if (block) {
          process.stderr.write(`probe: blocking on event ${event.id}\n`);
          await new Promise(() => {});
        }
      },
    }),
    subscriber({
      id: 'probe.outside',
      on: ['customer.changed'],
      transaction: false,
      handle: () => Promise.resolve(),
    }),
    localSubscriber({
      id: 'probe.local',
      on: ['customer.changed'],
      handle: (event) => onLocal?.(event.id, node),
    }),
  ];
}

/**
 * `probe.count`: counts to `total`, one step per number; each step records its number as an effect
 * and the next number as the checkpoint, in one transaction, and takes `delayMs` inside it (so a
 * kill -9 lands in the middle of a step, with an effect not yet committed).
 */
export const probeCount = defineJob({
  kind: 'probe.count',
  payload: z.object({
    total: z.number().int().min(0),
    delayMs: z.number().int().min(0).default(0),
    failAttempts: z.number().int().min(0).default(0),
    node: z.string().default(''),
  }),
  checkpoint: z.object({ next: z.number().int() }),
  maxAttempts: 3,
  async run(job) {
    const { total, delayMs, failAttempts } = job.payload;
    let next = job.checkpoint?.next ?? 0;
    job.progress({ done: next, total, message: `Counting to ${total}` });
    if (job.attempt <= failAttempts) throw new Error(`probe.count fails attempt ${job.attempt}`);
    while (next < total) {
      await job.step(async (tx) => {
        await effect(tx, `job:${job.runId}`, next, process.env.PROBE_NODE ?? 'in-process');
        if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
        next += 1;
        return { checkpoint: { next }, progress: { done: next, total } };
      });
    }
    return { counted: total };
  },
});

/** `probe.sleep`: one step that takes `ms` (to hold a worker), for the concurrency limit. */
export const probeSleep = defineJob({
  kind: 'probe.sleep',
  payload: z.object({ ms: z.number().int().min(0) }),
  concurrency: 1,
  async run(job) {
    const startedAt = Date.now();
    await job.step(async (tx) => {
      await new Promise((r) => setTimeout(r, job.payload.ms));
      await effect(tx, `sleep:${job.runId}`, startedAt, String(Date.now()));
    });
    return { startedAt, endedAt: Date.now() };
  },
});

/** Writes `count` customer.changed events for the organization in one transaction; returns their ids. */
export async function writeProbeEvents(db: Db, orgId: string, count: number, customerIds: string[] = []): Promise<number[]> {
  return db.transaction(async (tx) => {
    const ids: number[] = [];
    for (let i = 0; i < count; i++)
      ids.push(await writeEvent(tx, { orgId, name: 'customer.changed', payload: { customerId: customerIds[i] ?? randomUUID() } }));
    return ids;
  });
}

/** The probes as server extensions: subscribers, job kinds, and `POST /api/probe/events` and `POST /api/probe/jobs`. */
export function probeExtensions(options: ProbeOptions): FoyerExtensions {
  return {
    subscribers: probeSubscribers(options),
    jobs: [probeCount, probeSleep],
    routes: (app, { db }) => {
      app.post('/api/probe/events', async (c) => {
        const { count } = (await c.req.json()) as { count: number };
        return c.json({ ids: await writeProbeEvents(db, auth(c).organization.id, count) });
      });
      app.post('/api/probe/jobs', async (c) => {
        const payload = (await c.req.json()) as z.input<typeof probeCount.payload>;
        return c.json(await enqueue(db, probeCount, { orgId: auth(c).organization.id, payload, createdBy: auth(c).user.id }));
      });
    },
  };
}
