import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addDays,
  localDateOf,
  TimelineEntrySchema,
  TimelinePageSchema,
  type TimelineEntry,
  type TimelineLiveEntry,
  type TimelineType,
} from '@foyer/schema/validation';
import { createServices, type Services } from '@foyer/server/app.ts';
import { DoorEventService } from '@foyer/server/domains/doors/events-service.ts';
import type { ApiClient } from '../support/client.ts';
import { startTestFoyer, type TestFoyer } from '../support/foyer.ts';
import { connectStaff, eventually, NoteEditor, type StaffSocket } from '../support/notes.ts';

/**
 * Ac1: the typed timeline. Each kind of entry appears once after the action that makes it (the
 * services write events, the timeline domain's outbox subscribers write the entries), also when
 * the events are delivered again; every response parses with the TimelineEntry union; a note's
 * editing session is one entry; an open profile gets its entries live.
 */
type Staff = ApiClient & { orgId: string; email: string };
let foyer: TestFoyer;
let owner: Staff;
let ownerUserId: string;
let services: Services;
const open: { close: () => void }[] = [];

beforeAll(async () => {
  foyer = await startTestFoyer();
  owner = await foyer.signIn();
  services = createServices(foyer.database.db);
  ownerUserId = (await sql<{ id: string }>('select id from users where email = $1', [owner.email]))[0]!.id;
});
afterAll(async () => {
  for (const s of open) s.close();
  await foyer?.close();
});

const sql = async <T extends object>(text: string, params: unknown[] = []) => (await foyer.database.pool.query<T>(text, params)).rows;
let n = 0;

async function newCustomer(staff: Staff, first = 'Ada') {
  const res = await staff.post('/api/customers', { firstName: first, lastName: `Timeline${++n}`, emails: [`${first.toLowerCase()}${n}@timeline.test`] });
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; customerNumber: string; primaryEmail: string; firstName: string; lastName: string };
}

/**
 * The customer's whole timeline once the outbox has delivered what was written, checked against
 * the union: it parses, and parsing drops nothing (no field outside its kind).
 */
async function timelineOf(ref: string, staff: Staff = owner): Promise<TimelineEntry[]> {
  await foyer.outbox.settle();
  const res = await staff.get(`/api/customers/${ref}/activities?pageSize=200`);
  expect(res.status, res.text).toBe(200);
  const parsed = TimelinePageSchema.safeParse(res.body);
  expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
  expect(parsed.data).toEqual(res.body);
  return parsed.data!.items;
}

const typesOf = (entries: TimelineEntry[]) => entries.map((e) => e.type).sort();
const only = <T extends TimelineType>(entries: TimelineEntry[], type: T) => {
  const found = entries.filter((e) => e.type === type);
  expect(found, `${type} once`).toHaveLength(1);
  return found[0] as Extract<TimelineEntry, { type: T }>;
};
const ownerRef = () => ({ userId: ownerUserId, name: expect.any(String) });
const recent = (iso: string) => expect(Math.abs(Date.now() - Date.parse(iso))).toBeLessThan(60_000);

async function bookFor(customer: { id: string }) {
  const service = await owner.post('/api/services', {
    name: `Sauna ${++n}`,
    durationMinutes: 60,
    capacity: 4,
    openingHours: [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, opens: '09:00', closes: '17:00' })),
  });
  expect(service.status, service.text).toBe(201);
  // Taken by staff: the public flow would put a known email's booking on a new record flagged as a
  // possible duplicate (a stranger proves nothing by typing it), not on this customer.
  const startsAt = `${addDays(localDateOf(new Date(), 'UTC'), 1)}T10:00:00.000Z`;
  const booked = await owner.post('/api/bookings', { customer: customer.id, serviceId: service.body.id, startsAt, partySize: 2, channel: 'phone' });
  expect(booked.status, booked.text).toBe(201);
  return { bookingId: booked.body.id as string, service: service.body as { id: string; name: string }, startsAt };
}

async function doorAndDevice() {
  const door = (await owner.post('/api/doors', { name: `Spa door ${++n}` })).body as { id: string; name: string };
  const device = (await owner.post('/api/edge/devices', { name: `Spa Pi ${n}`, doorIds: [door.id] })).body.device as { id: string; name: string };
  return { door, device, events: new DoorEventService(foyer.database.db) };
}

const access = (seq: number, doorId: string, customerId: string, result: 'granted' | 'denied', at = new Date().toISOString()) => ({
  seq,
  at,
  doorId,
  kind: 'access' as const,
  result,
  reason: result === 'granted' ? ('valid_permission' as const) : ('no_permission' as const),
  credentialHash: null,
  credentialMasked: '••••1234',
  customerId,
});

async function upload(staff: Staff, customerId: string, name: string) {
  const form = new FormData();
  form.append('file', new Blob([new TextEncoder().encode('%PDF-1.4\n% tiny\n')], { type: 'application/pdf' }), name);
  const res = await fetch(`${foyer.url}/api/customers/${customerId}/notes/attachments`, {
    method: 'POST',
    body: form,
    headers: { cookie: staff.cookie!, origin: foyer.url },
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; fileName: string; byteSize: number };
}

async function editor(staff: Staff, customerId: string) {
  const e = await NoteEditor.connect(foyer.url, staff.cookie, customerId);
  open.push(e);
  return e;
}

/** Types `text` a few characters per update, as a browser sends keystrokes, and waits for the acks. */
async function typeSlowly(e: NoteEditor, text: string, perUpdateMs = 0) {
  for (let i = 0; i < text.length; i += 3) {
    e.type(text.slice(i, i + 3));
    if (perUpdateMs) await new Promise((r) => setTimeout(r, perUpdateMs));
  }
  await e.settled();
}

/** Waits until the note's text projection caught up with the editor (a second after the last edit). */
const projected = (customerUuid: string, text: string) =>
  eventually(
    async () => (await sql<{ t: string }>('select plain_text as t from customer_notes where customer_id = $1', [customerUuid]))[0]?.t === text,
    10_000,
    'the note projected',
  );

const uuidOf = (id: string) => `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`;

describe('the typed timeline (Ac1)', () => {
  let ada: Awaited<ReturnType<typeof newCustomer>>;

  it('has each kind once after its action, with its category, source, time and actor', async () => {
    ada = await newCustomer(owner);
    expect(typesOf(await timelineOf(ada.id))).toEqual(['profile_created']);

    expect((await owner.patch(`/api/customers/${ada.id}`, { lastName: 'Lovelace', phones: ['020 7946 0321'] })).status).toBe(200);
    // A patch that changes nothing is no entry.
    expect((await owner.patch(`/api/customers/${ada.id}`, { lastName: 'Lovelace' })).status).toBe(200);
    ada.lastName = 'Lovelace';

    const { bookingId, service, startsAt } = await bookFor(ada);
    expect((await owner.post(`/api/bookings/${bookingId}/cancel`)).status).toBe(200);

    const { door, device, events } = await doorAndDevice();
    const visitAt = '2026-03-01T09:30:00.000Z';
    await events.record({ id: device.id, orgId: owner.orgId, name: device.name }, [
      access(1, door.id, ada.id, 'granted', visitAt),
      access(2, door.id, ada.id, 'denied'),
    ]);

    const note = await editor(owner, ada.id);
    await typeSlowly(note, 'Prefers the window seat.');
    await projected(uuidOf(ada.id), note.text);
    const file = await upload(owner, ada.id, 'menu.pdf');

    const entries = await timelineOf(ada.id);
    expect(typesOf(entries)).toEqual([
      'attachment_added',
      'booking_cancelled',
      'booking_confirmed',
      'door_entry',
      'note_added',
      'profile_created',
      'profile_updated',
    ]);
    for (const e of entries) expect(e.category).toBe(TimelineEntrySchema.options.find((o) => o.shape.type.value === e.type)!.shape.category.value);

    const created = only(entries, 'profile_created');
    expect(created).toMatchObject({ category: 'profile', source: 'dashboard', actor: ownerRef() });
    recent(created.occurredAt);
    expect(only(entries, 'profile_updated')).toMatchObject({ category: 'profile', source: 'dashboard', actor: ownerRef(), fields: ['lastName', 'phones'] });

    const booking = { id: bookingId, service: { id: service.id, name: service.name }, startsAt, timezone: 'Europe/London', partySize: 2 };
    expect(only(entries, 'booking_confirmed')).toMatchObject({ category: 'booking', source: 'dashboard', actor: ownerRef(), booking });
    const cancelled = only(entries, 'booking_cancelled');
    expect(cancelled).toMatchObject({ category: 'booking', source: 'dashboard', actor: ownerRef(), cancelledBy: 'staff', booking });
    recent(cancelled.occurredAt);

    const [visitRow] = await sql<{ id: string }>(`select id from door_events where device_id = $1 and seq = 1`, [device.id]);
    expect(only(entries, 'door_entry')).toEqual({
      id: expect.any(Number),
      type: 'door_entry',
      category: 'visit',
      source: 'edge',
      occurredAt: visitAt,
      actor: null,
      door: { id: door.id, name: door.name },
      device: { id: device.id, name: device.name },
      doorEventId: Number(visitRow!.id),
    });

    const added = only(entries, 'note_added');
    expect(added).toMatchObject({ category: 'note', source: 'dashboard', actor: ownerRef(), editors: [ownerRef()] });
    expect(Date.parse(added.lastEditedAt)).toBeGreaterThanOrEqual(Date.parse(added.occurredAt));
    expect(only(entries, 'attachment_added')).toMatchObject({
      category: 'note',
      source: 'dashboard',
      actor: ownerRef(),
      attachment: { id: file.id, fileName: 'menu.pdf', contentType: 'application/pdf', byteSize: file.byteSize },
    });

    // Newest first: the visit of March 2026 is the oldest.
    expect(entries.at(-1)!.type).toBe('door_entry');
  });

  it('says a merge on the customer kept (with the other’s entries), and an erasure, once each; erasure takes the note entries', async () => {
    const kept = await newCustomer(owner, 'Cy');
    const gone = await newCustomer(owner, 'Dee');
    const note = await editor(owner, kept.id);
    await typeSlowly(note, 'Birthday in May.');
    await projected(uuidOf(kept.id), note.text);
    note.close();
    await services.customers.merge({ orgId: owner.orgId, userId: ownerUserId, defaultCountry: 'GB' }, gone.id, kept.id);

    const merged = await timelineOf(kept.id);
    expect(typesOf(merged)).toEqual(['note_added', 'profile_created', 'profile_created', 'profile_merged']);
    expect(only(merged, 'profile_merged')).toMatchObject({
      category: 'profile',
      source: 'dashboard',
      actor: ownerRef(),
      from: { customerNumber: gone.customerNumber },
    });

    expect((await owner.post(`/api/customers/${kept.id}/erase`)).status).toBe(200);
    const erased = await timelineOf(kept.id);
    expect(typesOf(erased)).toEqual(['profile_created', 'profile_created', 'profile_erased', 'profile_merged']);
    expect(only(erased, 'profile_erased')).toMatchObject({ category: 'profile', source: 'dashboard', actor: ownerRef() });
  });

  it('adds nothing when the events are delivered again, even with their delivery marks gone', async () => {
    const before = await timelineOf(ada.id);
    const timelineEvents = [
      'customer.created',
      'customer.updated',
      'customer.erased',
      'customer.merged',
      'booking.confirmed',
      'booking.cancelled',
      'door.visited',
      'note.edited',
      'note.attachment.added',
    ];
    const [{ n: events }] = (await sql<{ n: number }>('select count(*)::int as n from outbox_events where name = any($1)', [timelineEvents])) as [
      { n: number },
    ];
    expect(events).toBeGreaterThan(10);

    // As if the node that delivered them died before marking them dispatched.
    await sql('update outbox_events set dispatched_at = null where name = any($1)', [timelineEvents]);
    foyer.outbox.kick();
    expect(await timelineOf(ada.id)).toEqual(before);

    // And as if the subscribers' marks were lost too: only the entries' event ids stand in the way.
    const marks = await sql("delete from outbox_deliveries where subscriber like 'timeline.%' returning 1");
    expect(marks.length).toBeGreaterThan(10);
    await sql('update outbox_events set dispatched_at = null where name = any($1)', [timelineEvents]);
    foyer.outbox.kick();
    expect(await timelineOf(ada.id)).toEqual(before);
    // Every one was delivered again (the subscribers ran and marked it), none failed on the way.
    expect(await sql("select 1 from outbox_deliveries where subscriber like 'timeline.%'")).toHaveLength(marks.length);
    expect(await sql('select id, last_error from outbox_events where dispatched_at is null')).toEqual([]);
    const [{ n: total }] = (await sql<{ n: number }>(
      'select count(*)::int as n from activities where event_id is not null group by event_id order by 1 desc limit 1',
    )) as [{ n: number }];
    expect(total).toBe(1);
  });

  it('makes one entry of a note’s editing session, however many edits and projections, naming every editor; a later session is a new entry', async () => {
    const bea = await newCustomer(owner, 'Bea');
    const colleague = await foyer.signIn({ orgId: owner.orgId, role: 'staff' });
    const mine = await editor(owner, bea.id);
    // About 3 s of typing, in 60 updates: the text is projected (and note.edited written) several times.
    await typeSlowly(
      mine,
      'Allergic to shellfish. Prefers still water. Usually books the sauna on Fridays after work, with a colleague.'.repeat(2).slice(0, 180),
      50,
    );
    await projected(uuidOf(bea.id), mine.text);
    const theirs = await editor(colleague, bea.id);
    await eventually(() => theirs.text === mine.text, 5000, 'the colleague’s copy');
    theirs.paragraph('Asked for a quiet room.');
    await theirs.settled();
    await projected(uuidOf(bea.id), theirs.text);

    const projections = await sql<{ n: number }>(`select count(*)::int as n from outbox_events where name = 'note.edited' and payload->>'customerId' = $1`, [
      uuidOf(bea.id),
    ]);
    expect(projections[0]!.n).toBeGreaterThan(2);
    const session = await timelineOf(bea.id);
    expect(typesOf(session)).toEqual(['note_added', 'profile_created']);
    const entry = only(session, 'note_added');
    expect(entry.editors.map((e) => e.userId).sort()).toEqual(
      [ownerUserId, (await sql<{ id: string }>('select id from users where email = $1', [colleague.email]))[0]!.id].sort(),
    );

    // The session ended long ago: the next edit opens a new one.
    await sql(`update activities set data = jsonb_set(data, '{lastEditedAt}', to_jsonb($2::text)) where id = $1`, [
      entry.id,
      new Date(Date.now() - 10 * 60_000).toISOString(),
    ]);
    mine.paragraph('Back in June.');
    await mine.settled();
    await projected(uuidOf(bea.id), mine.text);
    const later = await timelineOf(bea.id);
    expect(typesOf(later)).toEqual(['note_added', 'note_edited', 'profile_created']);
    expect(only(later, 'note_edited').editors).toEqual([ownerRef()]);
  });
});

describe('entries from before the timeline was typed', () => {
  it('take the union’s shape in migration 0013', async () => {
    const dee = await newCustomer(owner, 'Dee');
    const uuid = uuidOf(dee.id);
    const { door, device } = await doorAndDevice();
    const [logged] = await sql<{ id: string }>(
      `insert into door_events (org_id, device_id, seq, door_id, kind, result, reason, customer_id, occurred_at)
       values ($1, $2, 1, $3, 'access', 'granted', 'valid_permission', $4, '2025-01-01T09:00:00Z') returning id`,
      [owner.orgId, device.id, door.id, uuid],
    );
    const legacy = [
      [
        'visit',
        'door_entry',
        `edge:${device.name}`,
        '2025-01-01T09:00:00Z',
        { doorEventId: Number(logged!.id), doorId: door.id, doorName: door.name, deviceId: device.id, deviceName: device.name },
      ],
      // As the first fixtures wrote it: only the log entry's id.
      ['visit', 'door_entry', `edge:${device.name}`, '2025-01-02T09:00:00Z', { doorEventId: Number(logged!.id) }],
      [
        'booking',
        'booking_confirmed',
        'online',
        '2025-01-03T09:00:00Z',
        { bookingId: 'b1', serviceId: 's1', serviceName: 'Sauna', startsAt: '2025-02-01T10:00:00.000Z', partySize: 2, timezone: 'Europe/London' },
      ],
      [
        'booking',
        'booking_cancelled',
        'dashboard',
        '2025-01-04T09:00:00Z',
        { bookingId: 'b1', serviceId: 's1', serviceName: 'Sauna', startsAt: '2025-02-01T10:00:00.000Z', partySize: 2, timezone: 'Europe/London' },
      ],
    ] as const;
    for (const [category, type, source, at, data] of legacy)
      await sql(`insert into activities (org_id, customer_id, category, type, source, occurred_at, data) values ($1, $2, $3, $4, $5, $6, $7)`, [
        owner.orgId,
        uuid,
        category,
        type,
        source,
        at,
        JSON.stringify(data),
      ]);

    // The migration's data statements (after its DDL), run again over these rows: the API then reads them.
    const migration = readFileSync(new URL('../../schema/migrations/0013_typed_timeline.sql', import.meta.url), 'utf8');
    const updates = migration.split('--> statement-breakpoint').filter((statement) => /^\s*(--.*\n\s*)*UPDATE/i.test(statement));
    expect(updates).toHaveLength(2);
    for (const statement of updates) await sql(statement);

    const entries = (await timelineOf(dee.id)).filter((e) => e.type !== 'profile_created');
    const visit = {
      type: 'door_entry',
      category: 'visit',
      source: 'edge',
      actor: null,
      door: { id: door.id, name: door.name },
      device: { id: device.id, name: device.name },
      doorEventId: Number(logged!.id),
    };
    const booking = { id: 'b1', service: { id: 's1', name: 'Sauna' }, startsAt: '2025-02-01T10:00:00.000Z', timezone: 'Europe/London', partySize: 2 };
    expect(entries).toEqual([
      {
        id: expect.any(Number),
        type: 'booking_cancelled',
        category: 'booking',
        source: 'dashboard',
        occurredAt: '2025-01-04T09:00:00.000Z',
        actor: null,
        booking,
        cancelledBy: 'staff',
      },
      {
        id: expect.any(Number),
        type: 'booking_confirmed',
        category: 'booking',
        source: 'online',
        occurredAt: '2025-01-03T09:00:00.000Z',
        actor: null,
        booking,
      },
      { id: expect.any(Number), ...visit, occurredAt: '2025-01-02T09:00:00.000Z' },
      { id: expect.any(Number), ...visit, occurredAt: '2025-01-01T09:00:00.000Z' },
    ]);
  });
});

describe('live entries on an open profile', () => {
  async function staffSocket(staff: Staff) {
    const socket = await connectStaff(foyer.url, staff.cookie);
    open.push(socket);
    const heard: TimelineLiveEntry[] = [];
    socket.on('timeline:entry', (e) => heard.push(e));
    return { socket, heard };
  }
  /** profile:open, and the viewers' answer that says it took effect. */
  const openProfile = async (socket: StaffSocket, customerId: string) => {
    const joined = new Promise((resolve) => socket.once('profile:viewers', resolve));
    socket.emit('profile:open', customerId);
    await joined;
  };

  it('sends each new entry, typed, to the staff who have that profile open, and to nobody else', async () => {
    const cy = await newCustomer(owner, 'Cy');
    await foyer.outbox.settle();
    const viewer = await staffSocket(owner);
    const elsewhere = await staffSocket(await foyer.signIn({ orgId: owner.orgId, role: 'staff' }));
    const stranger = await staffSocket(await foyer.signIn());
    await openProfile(viewer.socket, cy.id);
    stranger.socket.emit('profile:open', cy.id); // another organization's customer: refused

    expect((await owner.patch(`/api/customers/${cy.id}`, { firstName: 'Cyril' })).status).toBe(200);
    await eventually(() => viewer.heard.length > 0, 5000, 'timeline:entry');
    expect(viewer.heard).toHaveLength(1);
    const [live] = viewer.heard;
    expect(live!.customerId).toBe(cy.id);
    expect(TimelineEntrySchema.parse(live!.entry)).toEqual(live!.entry);
    expect(live!.entry).toMatchObject({ type: 'profile_updated', fields: ['firstName'], actor: ownerRef() });
    // The same entry the API lists.
    expect((await timelineOf(cy.id))[0]).toEqual(live!.entry);

    await new Promise((r) => setTimeout(r, 200));
    expect(elsewhere.heard).toEqual([]);
    expect(stranger.heard).toEqual([]);

    // Closed, it hears no more.
    viewer.socket.emit('profile:close', cy.id);
    await new Promise((r) => setTimeout(r, 100));
    expect((await owner.patch(`/api/customers/${cy.id}`, { firstName: 'Cy' })).status).toBe(200);
    await foyer.outbox.settle();
    await new Promise((r) => setTimeout(r, 200));
    expect(viewer.heard).toHaveLength(1);
  });
});
