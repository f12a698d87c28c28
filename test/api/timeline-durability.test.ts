import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, localDateOf } from '@foyer/schema/validation';
import { connect, type Database } from '@foyer/server/platform/db/connect.ts';
import { ApiClient } from '../support/client.ts';
import { createTestDatabase } from '../support/db.ts';
import { OWNER } from '../support/foyer.ts';
import { spawnFoyer, type FoyerProcess } from '../support/process.ts';
import { until } from '../support/sockets.ts';

/**
 * Ac1 against kill -9: the server is killed while the timeline's subscriber is inside its
 * transaction for an event that is committed (the entry not yet written), and after a restart
 * the entry exists exactly once. Real server processes (src/main.ts) on one database.
 */
const processes: FoyerProcess[] = [];
let database: Database;
let databaseUrl: string;

beforeAll(async () => {
  databaseUrl = await createTestDatabase();
  database = connect(databaseUrl, 4);
});
afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop()));
  await database?.close();
});

const query = async <T extends object>(text: string, params: unknown[] = []) => (await database.pool.query<T>(text, params)).rows;
async function start() {
  const p = await spawnFoyer({ DATABASE_URL: databaseUrl });
  processes.push(p);
  const owner = new ApiClient(p.url);
  await owner.login(OWNER.email, OWNER.password);
  return { p, owner };
}
const entriesOf = (customerId: string, type: string) =>
  query<{ id: string; event_id: string }>('select id, event_id from activities where customer_id = $1 and type = $2', [customerId, type]);

describe('kill -9', () => {
  it('between a booking’s cancellation commit and its timeline entry: after a restart the entry exists once', async () => {
    const first = await start();
    const service = await first.owner.post('/api/services', {
      name: 'Sauna',
      durationMinutes: 60,
      capacity: 4,
      openingHours: [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, opens: '09:00', closes: '17:00' })),
    });
    expect(service.status, service.text).toBe(201);
    const [{ slug }] = (await query<{ slug: string }>('select slug from organizations limit 1')) as [{ slug: string }];
    const flow = new ApiClient(first.p.url);
    const token = (await flow.post(`/api/public/book/${slug}/identify`, { firstName: 'Kill', lastName: 'Nine', email: 'kill9@timeline.test' })).body.flowToken;
    const booked = await flow.post(`/api/public/book/${slug}/bookings`, {
      flowToken: token,
      serviceId: service.body.id,
      startsAt: `${addDays(localDateOf(new Date(), 'UTC'), 1)}T10:00:00.000Z`,
      partySize: 1,
      idempotencyKey: 'kill-nine',
    });
    expect(booked.status, booked.text).toBe(201);
    const [{ customer_id: customerId }] = (await query<{ customer_id: string }>('select customer_id from bookings where id = $1', [booked.body.id])) as [
      { customer_id: string },
    ];
    await until(async () => (await entriesOf(customerId, 'booking_confirmed'))[0], 10_000, 'the confirmed booking on the timeline');

    // Hold the customer's row: the subscriber's insert (its foreign key check) waits on it, inside
    // the subscriber's transaction, after the cancellation and its event committed.
    const holder = await database.pool.connect();
    try {
      await holder.query('begin');
      await holder.query('select id from customers where id = $1 for update', [customerId]);
      expect((await first.owner.post(`/api/bookings/${booked.body.id}/cancel`)).status).toBe(200);
      const [event] = await query<{ id: string }>(`select id from outbox_events where name = 'booking.cancelled'`);
      await until(
        async () => (await query(`select 1 from pg_stat_activity where wait_event_type = 'Lock' and query ilike 'insert into "activities"%'`))[0],
        10_000,
        'the timeline subscriber waiting inside its transaction',
      );
      first.p.child.kill('SIGKILL');
      await new Promise((r) => first.p.child.once('exit', r));
      await holder.query('rollback');

      // Committed: the cancellation and its event; not delivered, no entry.
      expect(await entriesOf(customerId, 'booking_cancelled')).toEqual([]);
      expect(
        (await query<{ dispatched: boolean }>('select dispatched_at is not null as dispatched from outbox_events where id = $1', [event!.id]))[0]!.dispatched,
      ).toBe(false);

      const restartedAt = Date.now();
      await start();
      await until(
        async () => (await query('select 1 from outbox_events where id = $1 and dispatched_at is not null', [event!.id]))[0],
        20_000,
        'the event delivered after the restart',
      );
      console.log(`kill -9 timeline: entry written ${Date.now() - restartedAt} ms after the restart began`);
      expect(await entriesOf(customerId, 'booking_cancelled')).toEqual([{ id: expect.any(String), event_id: event!.id }]);
      expect(await query(`select subscriber from outbox_deliveries where event_id = $1 and subscriber like 'timeline.%'`, [event!.id])).toEqual([
        { subscriber: 'timeline.bookings' },
      ]);
    } finally {
      holder.release();
    }
  }, 120_000);
});
