import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, instantAt, localDateOf } from '@foyer/schema/validation';
import { createTestDatabase } from '../support/db.ts';
import { startTestFoyer, type TestFoyer } from '../support/foyer.ts';
import { connectStaff, until, type StaffClient } from '../support/sockets.ts';

/**
 * C8 across nodes: two servers on one database (no Redis: the outbox's NOTIFY is what carries it).
 * A booking taken through node A and an enquiry sent through node A reach the staff sockets of
 * node B, for the day view and the inbox to reload.
 */
let a: TestFoyer;
let b: TestFoyer;
const sockets: StaffClient[] = [];

beforeAll(async () => {
  const databaseUrl = await createTestDatabase();
  a = await startTestFoyer({ databaseUrl });
  b = await startTestFoyer({ databaseUrl });
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await b?.close();
  await a?.close();
});

describe('the day view and the inbox hear of changes made on another node', () => {
  it('a booking and an enquiry made through node A reach a staff socket on node B', async () => {
    const staff = await a.signIn();
    const onB = await connectStaff(b.url, staff.cookie);
    sockets.push(onB);
    const bookings: (string | null)[] = [];
    const enquiries: string[] = [];
    onB.on('bookings:changed', ({ bookingId }) => bookings.push(bookingId));
    onB.on('enquiries:changed', ({ enquiryId }) => enquiries.push(enquiryId));

    const timezone = (await staff.get('/api/settings')).body.timezone as string;
    const tea = await staff.post('/api/services', {
      name: 'Nodes tea',
      durationMinutes: 60,
      capacity: 4,
      openingHours: [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, opens: '09:00', closes: '17:00' })),
    });
    const ada = await staff.post('/api/customers', { firstName: 'Ada', lastName: 'Nodes', emails: ['ada@nodes.test'] });
    const startsAt = instantAt(addDays(localDateOf(new Date(), timezone), 1), 600, timezone)!.toISOString();
    const booked = await staff.post('/api/bookings', { customer: ada.body.id, serviceId: tea.body.id, startsAt, channel: 'phone' });
    expect(booked.status, booked.text).toBe(201);
    await until(async () => bookings.includes(booked.body.id), 5000, 'bookings:changed on node B');

    const slug = (await a.database.pool.query<{ slug: string }>('select slug from organizations where id = $1', [staff.orgId])).rows[0]!.slug;
    const guest = a.client();
    const contact = { firstName: 'Bea', email: 'bea@nodes.test' };
    const token = (await guest.post(`/api/public/enquire/${slug}/identify`, contact)).body.flowToken;
    expect((await guest.post(`/api/public/enquire/${slug}/enquiries`, { flowToken: token, contact, message: 'Hello' })).status).toBe(201);
    const [enquiry] = (await staff.get('/api/enquiries')).body.items;
    await until(async () => enquiries.includes(enquiry.id), 5000, 'enquiries:changed on node B');
  });
});
