import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { addDays, fromSystemId, localDateOf } from '@foyer/schema/validation';
import { ApiClient, issueFields } from '../support/client.ts';
import { startTestFoyer, type TestFoyer } from '../support/foyer.ts';

type Staff = ApiClient & { orgId: string };

let foyer: TestFoyer;
let owner: Staff;
let slug: string;
let publicClient: ApiClient;
beforeAll(async () => {
  foyer = await startTestFoyer();
  owner = await foyer.signIn();
  slug = await slugOf(owner);
  publicClient = foyer.client();
});
afterAll(() => foyer?.close());
afterEach(() => vi.useRealTimers());

const sql = (text: string, params: unknown[] = []) => foyer.database.pool.query(text, params);
const slugOf = async (staff: Staff) => (await sql('select slug from organizations where id = $1', [staff.orgId])).rows[0].slug as string;

let n = 0;
const everyDay = (opens = '09:00', closes = '17:00') => [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, opens, closes }));

async function service(staff: Staff, body: Record<string, unknown> = {}) {
  const res = await staff.post('/api/services', { name: `Service ${++n}`, durationMinutes: 60, capacity: 4, openingHours: everyDay(), ...body });
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; name: string; capacity: number };
}

/** Tomorrow in UTC (the test venues' zone unless set otherwise), at `time`. */
const tomorrowAt = (time: string) => `${addDays(localDateOf(new Date(), 'UTC'), 1)}T${time}:00.000Z`;

/** The customer a flow token names: its payload is readable (only its signature is secret). */
const customerOfToken = (token: string) => JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).c as string;

/** The customer a flow-made customer may be (possible_duplicate_of), or null. */
const duplicateOf = async (customerId: string) =>
  (await sql('select possible_duplicate_of from customers where id = $1', [customerId])).rows[0]?.possible_duplicate_of ?? null;

async function identify(venue: string, body: Record<string, unknown>, client = publicClient) {
  const res = await client.post(`/api/public/book/${venue}/identify`, body);
  expect(res.status, res.text).toBe(200);
  return res.body.flowToken as string;
}

const book = (venue: string, body: Record<string, unknown>, client = publicClient) => client.post(`/api/public/book/${venue}/bookings`, body);
const key = () => `key-${++n}-${Math.random().toString(36).slice(2)}`;

describe('services (staff)', () => {
  it('creates with defaults, lists, gets, patches, deactivates and deletes', async () => {
    const created = await owner.post('/api/services', {
      name: '  Massage ',
      description: 'Sixty minutes',
      durationMinutes: 60,
      priceCents: 6500,
      currency: 'eur',
      capacity: 2,
      openingHours: [
        { weekday: 2, opens: '14:00', closes: '18:00' },
        { weekday: 2, opens: '09:00', closes: '12:00' },
        { weekday: 6, opens: '10:00', closes: '24:00' },
      ],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Massage', slotIntervalMinutes: 60, currency: 'EUR', capacity: 2, active: true, priceCents: 6500 });
    // Stored in order: weekday, then opening time.
    expect(created.body.openingHours.map((p: { opens: string }) => p.opens)).toEqual(['09:00', '14:00', '10:00']);
    const id = created.body.id;

    const patched = await owner.patch(`/api/services/${id}`, { capacity: 5, slotIntervalMinutes: 30 });
    expect(patched.body).toMatchObject({ capacity: 5, slotIntervalMinutes: 30, durationMinutes: 60, name: 'Massage' });
    expect((await owner.patch(`/api/services/${id}`, { active: false })).body.active).toBe(false);
    expect((await owner.get(`/api/services/${id}`)).body).toMatchObject({ active: false, capacity: 5 });
    expect((await owner.get('/api/services')).body.items.map((s: { id: string }) => s.id)).toContain(id);

    expect((await owner.delete(`/api/services/${id}`)).status).toBe(204);
    expect((await owner.get(`/api/services/${id}`)).status).toBe(404);
  });

  it.each([
    ['no name', { name: ' ' }, 'name'],
    ['a time not HH:MM', { openingHours: [{ weekday: 1, opens: '9:00', closes: '17:00' }] }, 'openingHours.0.opens'],
    ['closing before opening', { openingHours: [{ weekday: 1, opens: '17:00', closes: '09:00' }] }, 'openingHours.0.closes'],
    ['closing when opening', { openingHours: [{ weekday: 1, opens: '09:00', closes: '09:00' }] }, 'openingHours.0.closes'],
    ['a weekday past Saturday', { openingHours: [{ weekday: 7, opens: '09:00', closes: '17:00' }] }, 'openingHours.0.weekday'],
    [
      'overlapping periods',
      {
        openingHours: [
          { weekday: 1, opens: '09:00', closes: '13:00' },
          { weekday: 1, opens: '12:00', closes: '17:00' },
        ],
      },
      'openingHours.1.opens',
    ],
    ['a period shorter than the duration', { durationMinutes: 90, openingHours: [{ weekday: 1, opens: '09:00', closes: '10:00' }] }, 'openingHours.0.closes'],
    ['capacity 0', { capacity: 0 }, 'capacity'],
    ['capacity 1001', { capacity: 1001 }, 'capacity'],
    ['a fractional capacity', { capacity: 1.5 }, 'capacity'],
    ['a duration of 0', { durationMinutes: 0 }, 'durationMinutes'],
    ['a duration over a day', { durationMinutes: 1441 }, 'durationMinutes'],
    ['a slot interval of 2', { slotIntervalMinutes: 2 }, 'slotIntervalMinutes'],
    ['a negative price', { priceCents: -1 }, 'priceCents'],
    ['a currency that is not a code', { currency: 'pounds' }, 'currency'],
    ['active not a boolean', { active: 'yes' }, 'active'],
    ['an unknown field', { colour: 'red' }, '(body)'],
  ])('refuses %s, naming the field', async (_, body, field) => {
    const res = await owner.post('/api/services', { name: `Bad ${++n}`, durationMinutes: 30, ...body });
    expect(res.status, res.text).toBe(400);
    expect(issueFields(res.body)).toContain(field);
  });

  it('checks a patch together with what it leaves: a longer duration than a stored period is refused', async () => {
    const s = await service(owner, { durationMinutes: 30, openingHours: [{ weekday: 1, opens: '09:00', closes: '10:00' }] });
    const res = await owner.patch(`/api/services/${s.id}`, { durationMinutes: 120 });
    expect(res.status).toBe(400);
    expect(issueFields(res.body)).toEqual(['openingHours.0.closes']);
    expect((await owner.get(`/api/services/${s.id}`)).body.durationMinutes).toBe(30);
  });

  it('refuses a second service of the same name (409), staff changing services (403), another organization (404)', async () => {
    const s = await service(owner);
    const clash = await owner.post('/api/services', { name: s.name.toUpperCase(), durationMinutes: 30 });
    expect(clash.status).toBe(409);
    expect(issueFields(clash.body)).toEqual(['name']);

    const staff = await foyer.signIn({ role: 'staff', orgId: owner.orgId });
    expect((await staff.get('/api/services')).status).toBe(200);
    expect((await staff.post('/api/services', { name: 'Mine', durationMinutes: 30 })).status).toBe(403);
    expect((await staff.patch(`/api/services/${s.id}`, { capacity: 9 })).status).toBe(403);

    const other = await foyer.signIn();
    expect((await other.get(`/api/services/${s.id}`)).status).toBe(404);
    expect((await other.patch(`/api/services/${s.id}`, { capacity: 9 })).status).toBe(404);
    expect((await other.delete(`/api/services/${s.id}`)).status).toBe(404);
  });

  it('keeps a booked service: deleting it is a 409, deactivating it takes it out of the flow', async () => {
    const s = await service(owner);
    const token = await identify(slug, { firstName: 'Keep', lastName: 'Booked', email: `keep${++n}@guest.test` });
    expect((await book(slug, { flowToken: token, serviceId: s.id, startsAt: tomorrowAt('09:00'), partySize: 1, idempotencyKey: key() })).status).toBe(201);
    expect((await owner.delete(`/api/services/${s.id}`)).status).toBe(409);
    await owner.patch(`/api/services/${s.id}`, { active: false });
    const venue = await publicClient.get(`/api/public/book/${slug}`);
    expect(venue.body.services.map((x: { id: string }) => x.id)).not.toContain(s.id);
  });

  it('sets the organization time zone in settings, refusing one that does not exist', async () => {
    const staff = await foyer.signIn();
    expect((await staff.get('/api/settings')).body.timezone).toBe('Europe/London');
    expect((await staff.patch('/api/settings', { timezone: 'America/New_York' })).body.timezone).toBe('America/New_York');
    const bad = await staff.patch('/api/settings', { timezone: 'Mars/Olympus' });
    expect(bad.status).toBe(400);
    expect(issueFields(bad.body)).toEqual(['timezone']);
  });
});

describe('the public venue and its slots', () => {
  it('answers the venue name and its active services without a session', async () => {
    const s = await service(owner, { description: 'For two' });
    const res = await publicClient.get(`/api/public/book/${slug}`);
    expect(res.status).toBe(200);
    expect(res.body.slug).toBe(slug);
    expect(res.body.services.find((x: { id: string }) => x.id === s.id)).toMatchObject({ name: s.name, description: 'For two', capacity: 4 });
    expect((await publicClient.get('/api/public/book/no-such-venue')).status).toBe(404);
  });

  it('lists the slots of a day with places left, and leaves out the slots already begun', async () => {
    const staff = await foyer.signIn();
    await staff.patch('/api/settings', { timezone: 'UTC' });
    const venue = await slugOf(staff);
    const s = await service(staff, { durationMinutes: 60, slotIntervalMinutes: 30, capacity: 3, openingHours: everyDay('09:00', '11:00') });
    const date = addDays(localDateOf(new Date(), 'UTC'), 1);
    const token = await identify(venue, { firstName: 'Slot', lastName: 'Watcher', email: `slots${++n}@guest.test` });
    expect((await book(venue, { flowToken: token, serviceId: s.id, startsAt: `${date}T09:30:00Z`, partySize: 2, idempotencyKey: key() })).status).toBe(201);

    const res = await publicClient.get(`/api/public/book/${venue}/services/${s.id}/slots?date=${date}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ date, timezone: 'UTC' });
    expect(res.body.slots).toEqual([
      { startsAt: `${date}T09:00:00.000Z`, endsAt: `${date}T10:00:00.000Z`, time: '09:00', placesLeft: 3 },
      { startsAt: `${date}T09:30:00.000Z`, endsAt: `${date}T10:30:00.000Z`, time: '09:30', placesLeft: 1 },
      { startsAt: `${date}T10:00:00.000Z`, endsAt: `${date}T11:00:00.000Z`, time: '10:00', placesLeft: 3 },
    ]);

    // The day before today has no slots; today has none before now.
    const yesterday = addDays(localDateOf(new Date(), 'UTC'), -1);
    expect((await publicClient.get(`/api/public/book/${venue}/services/${s.id}/slots?date=${yesterday}`)).body.slots).toEqual([]);
    const allDay = await service(staff, { durationMinutes: 30, openingHours: everyDay('00:00', '24:00') });
    const today = await publicClient.get(`/api/public/book/${venue}/services/${allDay.id}/slots?date=${localDateOf(new Date(), 'UTC')}`);
    expect(today.body.slots.length).toBeLessThan(48);
    for (const slot of today.body.slots) expect(new Date(slot.startsAt).getTime()).toBeGreaterThan(Date.now());
  });

  it('refuses a bad date, naming it, and a date past the horizon', async () => {
    const s = await service(owner);
    for (const date of ['tomorrow', '2026-02-30', '']) {
      const res = await publicClient.get(`/api/public/book/${slug}/services/${s.id}/slots?date=${date}`);
      expect(res.status, date).toBe(400);
      expect(issueFields(res.body)).toEqual(['date']);
    }
    const far = await publicClient.get(`/api/public/book/${slug}/services/${s.id}/slots?date=${addDays(localDateOf(new Date(), 'UTC'), 200)}`);
    expect(far.status).toBe(400);
    expect(issueFields(far.body)).toEqual(['date']);
  });

  it('follows the wall clock on the days the clocks change (Europe/London, 2027)', async () => {
    const staff = await foyer.signIn();
    await staff.patch('/api/settings', { timezone: 'Europe/London' });
    const venue = await slugOf(staff);
    // Sundays, midnight to 04:00, a 30-minute slot every 30 minutes.
    const s = await service(staff, { durationMinutes: 30, capacity: 2, openingHours: [{ weekday: 0, opens: '00:00', closes: '04:00' }] });

    // The server runs in this process: its clock is moved to the week of the change.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2027-03-20T12:00:00Z'));
    const token = await identify(venue, { firstName: 'Clock', lastName: 'Watcher', email: `dst${++n}@guest.test` });
    const spring = await publicClient.get(`/api/public/book/${venue}/services/${s.id}/slots?date=2027-03-28`);
    expect(spring.status).toBe(200);
    // 01:00–02:00 does not exist that night: no slot starts in it, and the times stay wall-clock.
    expect(spring.body.slots.map((x: { time: string }) => x.time)).toEqual(['00:00', '00:30', '02:00', '02:30', '03:00', '03:30']);
    expect(spring.body.slots.map((x: { startsAt: string }) => x.startsAt.slice(11, 16))).toEqual(['00:00', '00:30', '01:00', '01:30', '02:00', '02:30']);
    // A slot after the change books at its UTC instant (02:00 BST = 01:00Z); a start inside the gap is refused.
    const booked = await book(venue, { flowToken: token, serviceId: s.id, startsAt: '2027-03-28T02:00:00+01:00', partySize: 1, idempotencyKey: key() });
    expect(booked.status, booked.text).toBe(201);
    expect(booked.body.startsAt).toBe('2027-03-28T01:00:00.000Z');

    vi.setSystemTime(new Date('2027-10-25T12:00:00Z'));
    const autumn = await publicClient.get(`/api/public/book/${venue}/services/${s.id}/slots?date=2027-10-31`);
    // 01:00–02:00 happens twice: one slot each, at the first occurrence (BST).
    expect(autumn.body.slots.map((x: { time: string }) => x.time)).toEqual(['00:00', '00:30', '01:00', '01:30', '02:00', '02:30', '03:00', '03:30']);
    expect(autumn.body.slots.map((x: { startsAt: string }) => x.startsAt)).toEqual([
      '2027-10-30T23:00:00.000Z',
      '2027-10-30T23:30:00.000Z',
      '2027-10-31T00:00:00.000Z',
      '2027-10-31T00:30:00.000Z',
      '2027-10-31T02:00:00.000Z',
      '2027-10-31T02:30:00.000Z',
      '2027-10-31T03:00:00.000Z',
      '2027-10-31T03:30:00.000Z',
    ]);
  });
});

describe('identify (C8)', () => {
  // A venue of its own: the flow's limit per address and venue (40 writes in 5 minutes) is per describe.
  beforeAll(async () => {
    owner = await foyer.signIn();
    slug = await slugOf(owner);
  });

  it('gives a flow token and nothing else, the same shape for a known and a new customer', async () => {
    const email = `known${++n}@guest.test`;
    const known = await owner.post('/api/customers', { firstName: 'Known', lastName: 'Guest', emails: [email] });
    const forKnown = await publicClient.post(`/api/public/book/${slug}/identify`, { firstName: 'Anyone', lastName: 'Else', email });
    const forNew = await publicClient.post(`/api/public/book/${slug}/identify`, { firstName: 'Brand', lastName: 'New', email: `new${++n}@guest.test` });
    expect(forKnown.status).toBe(200);
    expect(forNew.status).toBe(200);
    expect(Object.keys(forKnown.body)).toEqual(['flowToken']);
    expect(Object.keys(forNew.body)).toEqual(['flowToken']);
    // An email on file proves nothing: the token is for a new customer, flagged as maybe the known one.
    expect(customerOfToken(forKnown.body.flowToken)).not.toBe(fromSystemId(known.body.id));
    expect(await duplicateOf(customerOfToken(forKnown.body.flowToken))).toBe(fromSystemId(known.body.id));
    // The public form does not rename someone on file.
    expect((await owner.get(`/api/customers/${known.body.id}`)).body.firstName).toBe('Known');
  });

  it('flags a possible duplicate by any of a customer’s emails, in any case, and reuses it for the same names', async () => {
    const second = `Second${++n}@Guest.TEST`;
    const c = await owner.post('/api/customers', { firstName: 'Two', lastName: 'Emails', emails: [`first${n}@guest.test`, second] });
    const token = await identify(slug, { firstName: 'Two', lastName: 'Emails', email: second.toLowerCase() });
    expect(customerOfToken(token)).not.toBe(fromSystemId(c.body.id));
    expect(await duplicateOf(customerOfToken(token))).toBe(fromSystemId(c.body.id));
    expect(customerOfToken(await identify(slug, { firstName: 'two', lastName: 'EMAILS', email: second }))).toBe(customerOfToken(token));
  });

  it('matches a phone written in another format, and an earlier number', async () => {
    const c = await owner.post('/api/customers', { firstName: 'Phone', lastName: 'Person', phones: ['+44 7911 123456'] });
    expect(c.status).toBe(201);
    const token = await identify(slug, { firstName: 'P', lastName: 'P', email: `other${++n}@guest.test`, phone: '07911 123456' });
    expect(await duplicateOf(customerOfToken(token))).toBe(fromSystemId(c.body.id));

    const changed = await owner.patch(`/api/customers/${c.body.id}`, { phones: ['+44 7911 123457'] });
    expect(changed.status, changed.text).toBe(200);
    const earlier = await identify(slug, { firstName: 'Q', lastName: 'Q', email: `another${++n}@guest.test`, phone: '0044 7911 123456' });
    expect(await duplicateOf(customerOfToken(earlier))).toBe(fromSystemId(c.body.id));
  });

  it('creates a customer with source online otherwise, through the customer service (audited, company linked)', async () => {
    const company = await owner.post('/api/companies', { name: `Acme ${++n}`, domains: [`acme${n}.test`] });
    const email = `Grace${n}@ACME${n}.test`;
    const token = await identify(slug, { firstName: 'Grace', lastName: 'Hopper', email, phone: '020 7946 0958' });
    const id = customerOfToken(token).replaceAll('-', '');
    const created = await owner.get(`/api/customers/${id}`);
    expect(created.body).toMatchObject({ firstName: 'Grace', lastName: 'Hopper', source: 'online', primaryPhone: '+442079460958' });
    expect(created.body.companies.map((x: { id: string }) => x.id)).toContain(company.body.id);
    expect((await owner.get(`/api/customers/${id}/history`)).body.items[0].action).toBe('created');
    // The same email again proves nothing: a customer flagged as maybe Grace, the same one each time.
    const again = customerOfToken(await identify(slug, { firstName: 'Grace', lastName: 'Hopper', email: email.toLowerCase() }));
    expect(again).not.toBe(customerOfToken(token));
    expect(await duplicateOf(again)).toBe(customerOfToken(token));
    expect(customerOfToken(await identify(slug, { firstName: 'Grace', lastName: 'Hopper', email }))).toBe(again);
  });

  it.each([
    ['no first name', { firstName: '' }, 'firstName'],
    ['no last name', { lastName: undefined }, 'lastName'],
    ['a bad email', { email: 'not-an-email' }, 'email'],
    ['a bad phone', { phone: '12' }, 'phone'],
  ])('refuses %s, naming the field', async (_, change, field) => {
    const res = await publicClient.post(`/api/public/book/${slug}/identify`, { firstName: 'A', lastName: 'B', email: `bad${++n}@guest.test`, ...change });
    expect(res.status).toBe(400);
    expect(issueFields(res.body)).toEqual([field]);
  });
});

describe('bookings (C8)', () => {
  // A venue of its own: the flow's limit per address and venue (40 writes in 5 minutes) is per describe.
  beforeAll(async () => {
    owner = await foyer.signIn();
    slug = await slugOf(owner);
  });

  it('books, records it on the timeline, lists it on the profile, and staff cancel it', async () => {
    const s = await service(owner, { priceCents: 1500 });
    const email = `booker${++n}@guest.test`;
    const token = await identify(slug, { firstName: 'Book', lastName: 'Er', email });
    const res = await book(slug, { flowToken: token, serviceId: s.id, startsAt: tomorrowAt('10:00'), partySize: 2, idempotencyKey: key() });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      service: { id: s.id, name: s.name },
      startsAt: tomorrowAt('10:00'),
      partySize: 2,
      status: 'confirmed',
      priceCents: 3000,
      timezone: 'Europe/London',
      source: 'online',
      venue: { name: expect.any(String) },
    });
    const ref = customerOfToken(token).replaceAll('-', '');
    // The timeline is written by an outbox subscriber, right after the booking's commit.
    await foyer.outbox.settle();
    const activity = (await owner.get(`/api/customers/${ref}/activities`)).body.items[0];
    expect(activity).toMatchObject({
      category: 'booking',
      type: 'booking_confirmed',
      source: 'online',
      actor: null,
      booking: { id: res.body.id, service: { id: s.id, name: s.name }, startsAt: tomorrowAt('10:00'), timezone: 'Europe/London', partySize: 2 },
    });

    const listed = await owner.get(`/api/customers/${ref}/bookings`);
    expect(listed.status).toBe(200);
    expect(listed.body.upcoming.map((b: { id: string }) => b.id)).toEqual([res.body.id]);
    expect(listed.body.past).toEqual([]);

    const cancelled = await owner.post(`/api/bookings/${res.body.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelledAt: expect.any(String) });
    expect((await owner.post(`/api/bookings/${res.body.id}/cancel`)).status).toBe(200);
    expect((await owner.get(`/api/customers/${ref}/bookings`)).body.upcoming[0].status).toBe('cancelled');
    await foyer.outbox.settle();
    expect((await owner.get(`/api/customers/${ref}/activities`)).body.items[0]).toMatchObject({
      type: 'booking_cancelled',
      source: 'dashboard',
      cancelledBy: 'staff',
      actor: { userId: expect.any(String), name: expect.any(String) },
      booking: { id: res.body.id },
    });
    // Its places are free again.
    const date = tomorrowAt('10:00').slice(0, 10);
    const slots = (await publicClient.get(`/api/public/book/${slug}/services/${s.id}/slots?date=${date}`)).body.slots;
    expect(slots.find((x: { time: string; startsAt: string }) => x.startsAt === tomorrowAt('10:00'))?.placesLeft).toBe(4);
  });

  it('returns the first booking for a retried idempotency key, and refuses the key for another booking', async () => {
    const s = await service(owner);
    const token = await identify(slug, { firstName: 'Retry', lastName: 'Er', email: `retry${++n}@guest.test` });
    const body = { flowToken: token, serviceId: s.id, startsAt: tomorrowAt('11:00'), partySize: 1, idempotencyKey: key() };
    const first = await book(slug, body);
    const again = await book(slug, body);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const [{ count }] = (await sql('select count(*)::int from bookings where service_id = $1', [s.id])).rows;
    expect(count).toBe(1);

    const other = await book(slug, { ...body, startsAt: tomorrowAt('12:00') });
    expect(other.status).toBe(409);
    expect(issueFields(other.body)).toEqual(['idempotencyKey']);
  });

  it('holds capacity under 20 concurrent confirmations: exactly 3 of capacity 3 succeed, the rest are 409', async () => {
    const staff = await foyer.signIn();
    const venue = await slugOf(staff);
    const s = await service(staff, { capacity: 3 });
    const client = foyer.client();
    const token = await identify(venue, { firstName: 'Rush', lastName: 'Hour', email: `rush${++n}@guest.test` }, client);
    const startsAt = tomorrowAt('13:00');
    const results = await Promise.all(
      Array.from({ length: 20 }, () => book(venue, { flowToken: token, serviceId: s.id, startsAt, partySize: 1, idempotencyKey: key() }, client)),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((x) => x === 201)).toHaveLength(3);
    expect(statuses.filter((x) => x === 409)).toHaveLength(17);
    const full = results.find((r) => r.status === 409)!;
    expect(full.body.error).toMatchObject({ code: 'slot_full', message: 'That time is full' });
    expect(issueFields(full.body)).toEqual(['partySize']);
    const [{ people }] = (await sql("select sum(party_size)::int as people from bookings where service_id = $1 and status = 'confirmed'", [s.id])).rows;
    expect(people).toBe(3);
  });

  it('says how many places are left when a party does not fit', async () => {
    const s = await service(owner, { capacity: 4 });
    const token = await identify(slug, { firstName: 'Party', lastName: 'Of Three', email: `party${++n}@guest.test` });
    const startsAt = tomorrowAt('14:00');
    expect((await book(slug, { flowToken: token, serviceId: s.id, startsAt, partySize: 3, idempotencyKey: key() })).status).toBe(201);
    const res = await book(slug, { flowToken: token, serviceId: s.id, startsAt, partySize: 2, idempotencyKey: key() });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toBe('That time is full for 2: 1 place left');
    expect(res.body.error.issues[0]).toEqual({ field: 'partySize', message: 'Only 1 place left at that time' });
  });

  it.each([
    ['outside the opening hours', { startsAt: () => tomorrowAt('18:00') }, 'startsAt', /outside the opening hours/],
    ['off the slot grid', { startsAt: () => tomorrowAt('10:15') }, 'startsAt', /not one of the service's slots/],
    ['in the past', { startsAt: () => '2020-01-01T10:00:00Z' }, 'startsAt', /passed/],
    ['a party over capacity', { partySize: () => 5 }, 'partySize', /At most 4 people/],
    ['a party of 0', { partySize: () => 0 }, 'partySize', /at least 1/],
    ['not an instant', { startsAt: () => 'tomorrow at ten' }, 'startsAt', /ISO 8601/],
    ['no idempotency key', { idempotencyKey: () => undefined }, 'idempotencyKey', /required/],
    ['a service id that is not one', { serviceId: () => 'abc' }, 'serviceId', /Not a service id/],
  ])('refuses a booking %s (400, naming the field)', async (_, change, field, message) => {
    const s = await service(owner);
    const token = await identify(slug, { firstName: 'Bad', lastName: 'Input', email: `input${++n}@guest.test` });
    const body: Record<string, unknown> = { flowToken: token, serviceId: s.id, startsAt: tomorrowAt('10:00'), partySize: 1, idempotencyKey: key() };
    for (const [k, v] of Object.entries(change)) body[k] = (v as () => unknown)();
    const res = await book(slug, body);
    expect(res.status, res.text).toBe(400);
    expect(issueFields(res.body)).toEqual([field]);
    expect(res.body.error.issues[0].message).toMatch(message);
  });

  it('refuses an inactive service (400 serviceId) and a forged or foreign flow token (401)', async () => {
    const s = await service(owner);
    const token = await identify(slug, { firstName: 'In', lastName: 'Active', email: `inactive${++n}@guest.test` });
    await owner.patch(`/api/services/${s.id}`, { active: false });
    const inactive = await book(slug, { flowToken: token, serviceId: s.id, startsAt: tomorrowAt('10:00'), partySize: 1, idempotencyKey: key() });
    expect(inactive.status).toBe(400);
    expect(issueFields(inactive.body)).toEqual(['serviceId']);

    const live = await service(owner);
    const [payload, mac] = token.split('.');
    const forged = `${payload}.${mac!.slice(0, -2)}AA`;
    const res = await book(slug, { flowToken: forged, serviceId: live.id, startsAt: tomorrowAt('10:00'), partySize: 1, idempotencyKey: key() });
    expect(res.status).toBe(401);
    expect(issueFields(res.body)).toEqual(['flowToken']);

    const elsewhere = await foyer.signIn();
    const foreignToken = await identify(await slugOf(elsewhere), { firstName: 'Else', lastName: 'Where', email: `else${++n}@guest.test` });
    const foreign = await book(slug, { flowToken: foreignToken, serviceId: live.id, startsAt: tomorrowAt('10:00'), partySize: 1, idempotencyKey: key() });
    expect(foreign.status).toBe(401);
  });

  it('refuses a banned customer (403) without saying more', async () => {
    const s = await service(owner);
    const email = `banned${++n}@guest.test`;
    const c = await owner.post('/api/customers', { firstName: 'Not', lastName: 'Welcome', emails: [email] });
    await owner.patch(`/api/customers/${c.body.id}`, { status: 'banned' });
    const token = await identify(slug, { firstName: 'Not', lastName: 'Welcome', email });
    const res = await book(slug, { flowToken: token, serviceId: s.id, startsAt: tomorrowAt('10:00'), partySize: 1, idempotencyKey: key() });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe('Online booking is not available: please contact the venue');
  });

  it('gives a banned email the same answer as any other, and the customer it makes is banned too', async () => {
    const email = `banned${++n}@guest.test`;
    const c = await owner.post('/api/customers', { firstName: 'Still', lastName: 'Banned', emails: [email] });
    await owner.patch(`/api/customers/${c.body.id}`, { status: 'banned' });
    const res = await publicClient.post(`/api/public/book/${slug}/identify`, { firstName: 'Some', lastName: 'One', email });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['flowToken']);
    const made = customerOfToken(res.body.flowToken);
    expect(await duplicateOf(made)).toBe(fromSystemId(c.body.id));
    expect((await owner.get(`/api/customers/${made.replaceAll('-', '')}`)).body.status).toBe('banned');
  });

  it('caps the upcoming bookings one customer holds (the setting, 5 by default), with a clear error', async () => {
    const s = await service(owner, { capacity: 50 });
    expect((await owner.get('/api/settings')).body.maxActiveBookingsPerCustomer).toBe(5);
    expect((await owner.patch('/api/settings', { maxActiveBookingsPerCustomer: 2 })).status).toBe(200);
    const token = await identify(slug, { firstName: 'Many', lastName: 'Slots', email: `many${++n}@guest.test` });
    const at = (time: string) => book(slug, { flowToken: token, serviceId: s.id, startsAt: tomorrowAt(time), partySize: 1, idempotencyKey: key() });
    expect((await at('10:00')).status).toBe(201);
    expect((await at('11:00')).status).toBe(201);
    const third = await at('12:00');
    expect(third.status).toBe(409);
    expect(third.body.error.code).toBe('booking_limit');
    expect(issueFields(third.body)).toEqual(['startsAt']);
    expect((await owner.patch('/api/settings', { maxActiveBookingsPerCustomer: 5 })).status).toBe(200);
    expect((await at('12:00')).status).toBe(201);
  });

  it('keeps organizations apart: another venue’s service, customer or booking is a 404', async () => {
    const s = await service(owner);
    const other = await foyer.signIn();
    const otherSlug = await slugOf(other);
    expect((await publicClient.get(`/api/public/book/${otherSlug}/services/${s.id}/slots?date=${tomorrowAt('10:00').slice(0, 10)}`)).status).toBe(404);
    const token = await identify(otherSlug, { firstName: 'Cross', lastName: 'Org', email: `cross${++n}@guest.test` });
    expect((await book(otherSlug, { flowToken: token, serviceId: s.id, startsAt: tomorrowAt('10:00'), partySize: 1, idempotencyKey: key() })).status).toBe(404);

    const mine = await identify(slug, { firstName: 'Mine', lastName: 'Only', email: `mine${++n}@guest.test` });
    const booked = await book(slug, { flowToken: mine, serviceId: s.id, startsAt: tomorrowAt('10:00'), partySize: 1, idempotencyKey: key() });
    const ref = customerOfToken(mine).replaceAll('-', '');
    expect((await other.get(`/api/customers/${ref}/bookings`)).status).toBe(404);
    expect((await other.post(`/api/bookings/${booked.body.id}/cancel`)).status).toBe(404);
    expect((await owner.get(`/api/bookings/${booked.body.id}`)).status).toBe(404);
    expect((await foyer.client().get(`/api/customers/${ref}/bookings`)).status).toBe(401);
  });

  it('limits the flow per client address: 429 with Retry-After past 40 confirmations or identifications', async () => {
    const staff = await foyer.signIn();
    const venue = await slugOf(staff);
    const client = foyer.client();
    const statuses: number[] = [];
    for (let i = 0; i < 41; i++) statuses.push((await client.post(`/api/public/book/${venue}/identify`, {})).status);
    expect(statuses.slice(0, 40).every((s) => s === 400)).toBe(true);
    const limited = await client.post(`/api/public/book/${venue}/identify`, { firstName: 'A', lastName: 'B', email: 'a@b.test' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.body.error.code).toBe('rate_limited');
  });
});

describe('the OpenAPI document', () => {
  it('describes the service, booking and public flow routes', async () => {
    const res = await foyer.client().get('/api/openapi.json');
    expect(res.status, res.text.slice(0, 500)).toBe(200);
    const doc = res.body;
    for (const path of [
      '/api/services',
      '/api/services/{id}',
      '/api/customers/{ref}/bookings',
      '/api/bookings/{id}/cancel',
      '/api/public/book/{slug}',
      '/api/public/book/{slug}/services/{id}/slots',
      '/api/public/book/{slug}/identify',
      '/api/public/book/{slug}/bookings',
    ])
      expect(Object.keys(doc.paths)).toContain(path);
    expect(doc.components.schemas.ServiceCreate).toBeDefined();
    expect(doc.components.schemas.BookingCreate.required).toEqual(
      expect.arrayContaining(['flowToken', 'serviceId', 'startsAt', 'partySize', 'idempotencyKey']),
    );
    // The public routes need no session.
    expect(doc.paths['/api/public/book/{slug}/bookings'].post.security).toBeUndefined();
  });
});
