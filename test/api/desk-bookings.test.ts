import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, instantAt, localDateOf, type BookingDay, type TimelineEntry } from '@foyer/schema/validation';
import { ApiClient, issueFields } from '../support/client.ts';
import { startTestFoyer, type TestFoyer } from '../support/foyer.ts';
import { connectStaff, until } from '../support/sockets.ts';
import { DoorEventService } from '@foyer/server/domains/doors/events-service.ts';

/**
 * C8: bookings staff take at the desk or on the phone, move, cancel, check in and mark as
 * no-shows, under the public flow's capacity rules; and the day view, live.
 */
type Staff = ApiClient & { orgId: string; email: string };

let foyer: TestFoyer;
let owner: Staff;
let desk: Staff;
let timezone: string;
beforeAll(async () => {
  foyer = await startTestFoyer();
  owner = await foyer.signIn();
  desk = await foyer.signIn({ role: 'staff', orgId: owner.orgId });
  timezone = (await owner.get('/api/settings')).body.timezone;
});
afterAll(() => foyer?.close());

const sql = async <T extends object>(text: string, params: unknown[] = []) => (await foyer.database.pool.query<T>(text, params)).rows;
let n = 0;
const everyDay = (opens = '09:00', closes = '17:00') => [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, opens, closes }));

async function service(body: Record<string, unknown> = {}) {
  const res = await owner.post('/api/services', { name: `Desk service ${++n}`, durationMinutes: 60, capacity: 4, openingHours: everyDay(), ...body });
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; name: string; capacity: number };
}

async function customer(first = 'Ada') {
  const res = await owner.post('/api/customers', { firstName: first, lastName: `Desk${++n}`, emails: [`${first.toLowerCase()}${n}@desk.test`] });
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; customerNumber: string };
}

/** Tomorrow in the venue's zone, at a local "HH:MM". */
const tomorrow = () => addDays(localDateOf(new Date(), timezone), 1);
const tomorrowAt = (hhmm: string) => instantAt(tomorrow(), Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3)), timezone)!.toISOString();

const take = (staff: Staff, body: Record<string, unknown>) => staff.post('/api/bookings', body);

async function timelineOf(ref: string): Promise<TimelineEntry[]> {
  await foyer.outbox.settle();
  const res = await owner.get(`/api/customers/${ref}/activities?pageSize=200`);
  expect(res.status, res.text).toBe(200);
  return res.body.items;
}

describe('staff bookings', () => {
  it('takes a phone booking for a customer (by number too), with the channel, the staff member and a timeline entry', async () => {
    const tea = await service();
    const ada = await customer();
    const res = await take(desk, { customer: ada.customerNumber, serviceId: tea.id, startsAt: tomorrowAt('10:00'), partySize: 2, channel: 'phone' });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ status: 'confirmed', source: 'phone', partySize: 2, service: { id: tea.id }, checkedInAt: null });
    const [row] = await sql<{ created_by: string | null }>('select created_by from bookings where id = $1', [res.body.id]);
    expect(row!.created_by).not.toBeNull();
    expect((await owner.get(`/api/customers/${ada.id}/bookings`)).body.upcoming.map((b: { id: string }) => b.id)).toEqual([res.body.id]);
    const entry = (await timelineOf(ada.id)).find((e) => e.type === 'booking_confirmed');
    expect(entry).toMatchObject({ source: 'dashboard', actor: { name: expect.any(String) }, booking: { id: res.body.id, partySize: 2 } });
  });

  it('refuses bad input naming the field: unknown customer, off-grid or past time, party above capacity, bad channel', async () => {
    const tea = await service();
    const ada = await customer();
    const base = { customer: ada.id, serviceId: tea.id, startsAt: tomorrowAt('10:00'), partySize: 1 };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, customer: 'NOPE-000000' }, 'customer'],
      [{ ...base, startsAt: tomorrowAt('10:10') }, 'startsAt'],
      [{ ...base, startsAt: tomorrowAt('20:00') }, 'startsAt'],
      [{ ...base, startsAt: '2020-01-01T10:00:00Z' }, 'startsAt'],
      [{ ...base, partySize: 5 }, 'partySize'],
      [{ ...base, partySize: 0 }, 'partySize'],
      [{ ...base, channel: 'fax' }, 'channel'],
      [{ ...base, serviceId: 'nope' }, 'serviceId'],
    ];
    for (const [body, fieldName] of cases) {
      const res = await take(desk, body);
      expect(res.status, `${fieldName}: ${res.text}`).toBe(400);
      expect(issueFields(res.body)).toContain(fieldName);
    }
    expect(
      (await sql('select 1 from bookings where customer_id::text = $1', [ada.id.replace(/(.{8})(.{4})(.{4})(.{4})(.{12})/, '$1-$2-$3-$4-$5')])).length,
    ).toBe(0);
  });

  it('never overbooks a slot when staff on two sessions and the public flow take its places at once', async () => {
    const tea = await service({ capacity: 4 });
    const people = await Promise.all(Array.from({ length: 10 }, (_, i) => customer(`Con${i}`)));
    const startsAt = tomorrowAt('11:00');
    const slug = (await sql<{ slug: string }>('select slug from organizations where id = $1', [owner.orgId]))[0]!.slug;
    const flow = foyer.client();
    const token = (await flow.post(`/api/public/book/${slug}/identify`, { firstName: 'Pub', lastName: 'Lic', email: `pub${++n}@desk.test` })).body.flowToken;
    const results = await Promise.all([
      ...people.map((p, i) => take(i % 2 ? desk : owner, { customer: p.id, serviceId: tea.id, startsAt, partySize: 1 })),
      flow.post(`/api/public/book/${slug}/bookings`, { flowToken: token, serviceId: tea.id, startsAt, partySize: 1, idempotencyKey: `conc-${n}-key` }),
    ]);
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(4);
    expect(statuses.filter((s) => s === 409)).toHaveLength(7);
    for (const r of results.filter((r) => r.status === 409)) expect(r.body.error.code).toBe('slot_full');
    const [sum] = await sql<{ people: number }>(`select sum(party_size)::int as people from bookings where service_id = $1 and status = 'confirmed'`, [tea.id]);
    expect(sum!.people).toBe(4);
  });

  it('moves a booking to a slot with room, refuses a full one, and two moves into the last place cannot both win', async () => {
    const tea = await service({ capacity: 2 });
    const [a, b, c] = await Promise.all([customer('Mo'), customer('Ve'), customer('Xi')]);
    const at10 = tomorrowAt('10:00');
    const at12 = tomorrowAt('12:00');
    const at14 = tomorrowAt('14:00');
    const ba = (await take(desk, { customer: a.id, serviceId: tea.id, startsAt: at10, partySize: 1 })).body;
    const bb = (await take(desk, { customer: b.id, serviceId: tea.id, startsAt: at10, partySize: 1 })).body;
    const bc = (await take(desk, { customer: c.id, serviceId: tea.id, startsAt: at12, partySize: 1 })).body;
    // 14:00 has room for one more after this.
    expect((await take(desk, { customer: c.id, serviceId: tea.id, startsAt: at14, partySize: 1 })).status).toBe(201);

    const moved = await desk.post(`/api/bookings/${bc.id}/move`, { startsAt: at10 });
    expect(moved.status).toBe(409);
    expect(issueFields(moved.body)).toEqual(['partySize']);

    const both = await Promise.all([
      desk.post(`/api/bookings/${ba.id}/move`, { startsAt: at14 }),
      owner.post(`/api/bookings/${bb.id}/move`, { startsAt: at14 }),
    ]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    const [rows] = await sql<{ people: number }>(
      `select sum(party_size)::int as people from bookings where service_id = $1 and starts_at = $2 and status = 'confirmed'`,
      [tea.id, at14],
    );
    expect(rows!.people).toBe(2);

    // Growing the party within its own slot counts the other places only.
    const grown = await desk.post(`/api/bookings/${bc.id}/move`, { startsAt: at12, partySize: 2 });
    expect(grown.status, grown.text).toBe(200);
    expect(grown.body).toMatchObject({ partySize: 2, startsAt: at12 });
    const winner = both.find((r) => r.status === 200)!.body;
    const entries = await timelineOf(winner.id === ba.id ? a.id : b.id);
    expect(entries.find((e) => e.type === 'booking_moved')).toMatchObject({ source: 'dashboard', booking: { startsAt: at14 }, from: { startsAt: at10 } });
    expect((await desk.post(`/api/bookings/${ba.id}/move`, { startsAt: tomorrowAt('10:30') })).status).toBe(400);
  });

  it('cancels a booking: its place frees for another', async () => {
    const tea = await service({ capacity: 1 });
    const [a, b] = await Promise.all([customer('Ca'), customer('Cb')]);
    const startsAt = tomorrowAt('15:00');
    const first = (await take(desk, { customer: a.id, serviceId: tea.id, startsAt })).body;
    expect((await take(desk, { customer: b.id, serviceId: tea.id, startsAt })).status).toBe(409);
    expect((await desk.post(`/api/bookings/${first.id}/cancel`)).body.status).toBe('cancelled');
    expect((await take(desk, { customer: b.id, serviceId: tea.id, startsAt })).status).toBe(201);
    expect((await desk.post(`/api/bookings/${first.id}/move`, { startsAt: tomorrowAt('16:00') })).status).toBe(409);
  });

  it('marks a no-show once the booking has begun: the No-show tag, the timeline, the day view; a check-in after all undoes it', async () => {
    const tea = await service();
    const ada = await customer('Nora');
    const booked = (await take(desk, { customer: ada.id, serviceId: tea.id, startsAt: tomorrowAt('10:00') })).body;
    const early = await desk.post(`/api/bookings/${booked.id}/no-show`, {});
    expect(early.status).toBe(400);
    expect(issueFields(early.body)).toEqual(['status']);

    // The booking's time comes (an hour ago).
    await sql(`update bookings set starts_at = now() - interval '1 hour', ends_at = now() where id = $1`, [booked.id]);
    const res = await desk.post(`/api/bookings/${booked.id}/no-show`, {});
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ tagged: true, booking: { status: 'no_show' } });
    expect((await owner.get(`/api/customers/${ada.id}`)).body.tags.map((t: { name: string }) => t.name)).toContain('No-show');
    const entries = await timelineOf(ada.id);
    expect(entries.find((e) => e.type === 'booking_no_show')).toMatchObject({ source: 'dashboard', tagged: true, actor: { name: expect.any(String) } });
    expect(entries.find((e) => e.type === 'profile_updated')).toMatchObject({ fields: ['tags'] });

    const today = localDateOf(new Date(Date.now() - 3600_000), timezone);
    const day = (await desk.get(`/api/bookings/day?date=${today}`)).body as BookingDay;
    const mine = day.services.find((s) => s.id === tea.id)!.slots.flatMap((s) => s.bookings);
    expect(mine).toMatchObject([{ id: booked.id, status: 'no_show', arrival: null }]);
    expect(day.summary.noShows).toBeGreaterThanOrEqual(1);

    // Without the tag when staff say so; the guest arriving late after all is checked in.
    const checkedIn = await desk.post(`/api/bookings/${booked.id}/check-in`);
    expect(checkedIn.body).toMatchObject({ status: 'confirmed', checkedInAt: expect.any(String) });
    expect((await desk.post(`/api/bookings/${booked.id}/no-show`, {})).status).toBe(409);
    expect((await desk.post(`/api/bookings/${booked.id}/no-show`, { tagCustomer: 'yes' })).status).toBe(400);
  });

  it('shows the day by service and slot with capacity, arrivals by desk and door, and tells staff sockets when it changes', async () => {
    const tea = await service({ capacity: 3 });
    const [a, b] = await Promise.all([customer('Day'), customer('Dee')]);
    const socket = await connectStaff(foyer.url, desk.cookie);
    const heard: unknown[] = [];
    socket.on('bookings:changed', (info) => heard.push(info));
    try {
      const one = (await take(desk, { customer: a.id, serviceId: tea.id, startsAt: tomorrowAt('09:00'), partySize: 2, channel: 'desk' })).body;
      await until(async () => heard.some((h) => (h as { bookingId: string }).bookingId === one.id), 5000, 'bookings:changed');
      const two = (await take(desk, { customer: b.id, serviceId: tea.id, startsAt: tomorrowAt('09:00'), partySize: 1 })).body;
      await desk.post(`/api/bookings/${two.id}/check-in`);
      const day = (await desk.get(`/api/bookings/day?date=${tomorrow()}`)).body as BookingDay;
      expect(day).toMatchObject({ date: tomorrow(), timezone });
      const mine = day.services.find((s) => s.id === tea.id)!;
      expect(mine.slots.map((s) => s.time)).toEqual(['09:00', '10:00', '11:00', '12:00', '13:00', '14:00', '15:00', '16:00']);
      expect(mine.slots[0]).toMatchObject({ booked: 3, capacity: 3 });
      expect(mine.slots[0]!.bookings.map((x) => [x.id, x.customer.id, x.arrival?.how ?? null])).toEqual([
        [one.id, a.id, null],
        [two.id, b.id, 'desk'],
      ]);
      // Today without a date: the venue's today.
      expect((await desk.get('/api/bookings/day')).body.date).toBe(localDateOf(new Date(), timezone));
      expect(issueFields((await desk.get('/api/bookings/day?date=tomorrow')).body)).toEqual(['date']);
      await until(async () => heard.some((h) => (h as { bookingId: string }).bookingId === two.id), 5000, 'check-in heard');
    } finally {
      socket.close();
    }
  });

  it('counts a door visit that day as an arrival, and tells the day view', async () => {
    const tea = await service();
    const ada = await customer('Door');
    const booked = (await take(desk, { customer: ada.id, serviceId: tea.id, startsAt: tomorrowAt('10:00') })).body;
    const door = (await owner.post('/api/doors', { name: `Desk door ${++n}` })).body as { id: string; name: string };
    const device = (await owner.post('/api/edge/devices', { name: `Desk Pi ${n}`, doorIds: [door.id] })).body.device as { id: string; name: string };
    const socket = await connectStaff(foyer.url, desk.cookie);
    const heard: unknown[] = [];
    socket.on('bookings:changed', (info) => heard.push(info));
    try {
      const visit = (seq: number, at: string) => ({
        seq,
        at,
        doorId: door.id,
        kind: 'access' as const,
        result: 'granted' as const,
        reason: 'valid_permission' as const,
        credentialHash: null,
        credentialMasked: '••••1234',
        customerId: ada.id.replace(/(.{8})(.{4})(.{4})(.{4})(.{12})/, '$1-$2-$3-$4-$5'),
      });
      // A visit the day before is not an arrival for this day's booking.
      await new DoorEventService(foyer.database.db).record({ id: device.id, orgId: owner.orgId, name: device.name }, [
        visit(1, new Date(Date.parse(tomorrowAt('09:30')) - 86_400_000).toISOString()),
      ]);
      const before = (await desk.get(`/api/bookings/day?date=${tomorrow()}`)).body as BookingDay;
      expect(before.services.find((s) => s.id === tea.id)!.slots[1]!.bookings[0]).toMatchObject({ id: booked.id, arrival: null });
      await new DoorEventService(foyer.database.db).record({ id: device.id, orgId: owner.orgId, name: device.name }, [visit(2, tomorrowAt('09:55'))]);
      await until(async () => heard.some((h) => (h as { bookingId: string | null }).bookingId === null), 5000, 'a door visit heard');
      const after = (await desk.get(`/api/bookings/day?date=${tomorrow()}`)).body as BookingDay;
      expect(after.services.find((s) => s.id === tea.id)!.slots[1]!.bookings[0]).toMatchObject({ arrival: { how: 'door', at: tomorrowAt('09:55') } });
    } finally {
      socket.close();
    }
  });

  it('keeps bookings to staff of the organization with the permission', async () => {
    const other = await foyer.signIn();
    const tea = await service();
    const ada = await customer();
    const booked = (await take(desk, { customer: ada.id, serviceId: tea.id, startsAt: tomorrowAt('13:00') })).body;
    expect((await other.post(`/api/bookings/${booked.id}/move`, { startsAt: tomorrowAt('14:00') })).status).toBe(404);
    expect((await other.post(`/api/bookings/${booked.id}/check-in`)).status).toBe(404);
    expect((await take(other, { customer: ada.id, serviceId: tea.id, startsAt: tomorrowAt('14:00') })).status).toBe(400);
    expect((await foyer.client().post('/api/bookings', {})).status).toBe(401);
  });
});
