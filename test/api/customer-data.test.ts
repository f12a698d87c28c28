import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import * as Y from 'yjs';
import { fromSystemId } from '@foyer/schema/validation';
import { createServices, customerDataOf, type Services } from '@foyer/server/app.ts';
import { domains } from '@foyer/server/domains.ts';
import { tableNames, type CustomerDataContext, type NamedContributor } from '@foyer/server/platform/customer-data.ts';
import { NOTE_FIELD, plainTextOf } from '@foyer/server/domains/notes/note-doc.ts';
import type { Actor } from '@foyer/server/domains/customers/service.ts';
import type { ApiClient } from '../support/client.ts';
import { startTestFoyer, type TestFoyer } from '../support/foyer.ts';
import { NoteEditor } from '../support/notes.ts';

// C9 and D2 through the one customer-data contract: every table about a customer has a
// contributor (read from the database catalogue), and each contributor's impact, erase, delete and
// merge do what they say on real rows.

type Client = ApiClient & { orgId: string; email: string };

let foyer: TestFoyer;
let owner: Client;
let ownerUserId: string;
let services: Services;
let actor: Actor;
/** Things every loaded customer shares, so that a merge meets each kind of clash. */
let shared: { tagId: string; listId: string; companyId: string; domainCompanyId: string; doorId: string; serviceId: string; deviceId: string };

const contributors = customerDataOf(domains);
const contributor = (domain: string) => contributors.find((c) => c.domain === domain)!;
const q = <T extends Record<string, unknown> = Record<string, any>>(text: string, params: unknown[] = []) => foyer.database.pool.query<T>(text, params);

beforeAll(async () => {
  foyer = await startTestFoyer();
  owner = await foyer.signIn();
  ownerUserId = (await q('select id from users where email = $1', [owner.email])).rows[0]!.id;
  services = createServices(foyer.database.db);
  actor = { orgId: owner.orgId, userId: ownerUserId, defaultCountry: 'GB' };
  const post = async (path: string, body: unknown) => {
    const res = await owner.post(path, body);
    expect(res.status, `${path}: ${res.text}`).toBeLessThan(300);
    return res.body;
  };
  await post('/api/custom-fields', { label: 'Seating', type: 'text' });
  await post('/api/custom-fields', { label: 'Allergy', type: 'text' });
  const device = await q(`insert into edge_devices (org_id, name) values ($1, 'Front Pi') returning id`, [owner.orgId]);
  const service = await q(`insert into services (org_id, name, duration_minutes, slot_interval_minutes) values ($1, 'Sauna', 60, 60) returning id`, [
    owner.orgId,
  ]);
  shared = {
    tagId: (await post('/api/tags', { name: 'Sauna fan', color: '#336699' })).id,
    listId: (await post('/api/lists', { name: 'Newsletter' })).id,
    companyId: (await post('/api/companies', { name: 'Acme' })).id,
    domainCompanyId: (await post('/api/companies', { name: 'Two Ltd', domains: ['two.test'] })).id,
    doorId: (await post('/api/doors', { name: 'Front door' })).id,
    serviceId: service.rows[0]!.id,
    deviceId: device.rows[0]!.id,
  };
});
afterAll(() => foyer?.close());

/** Every (table, column) the database catalogue says names a customer: a `customer_id` column or a foreign key to customers. */
async function customerColumns(): Promise<{ table: string; column: string }[]> {
  const { rows } = await q<{ table: string; column: string }>(`
    select distinct cl.relname as table, a.attname as column
    from pg_attribute a
    join pg_class cl on cl.oid = a.attrelid and cl.relkind in ('r', 'p')
    join pg_namespace ns on ns.oid = cl.relnamespace and ns.nspname = 'public'
    where a.attnum > 0 and not a.attisdropped
      -- customers.possible_duplicate_of points at another customer: the customers contributor's
      -- merge moves it, and deleting the one it points at clears it (on delete set null).
      and not (cl.relname = 'customers' and a.attname = 'possible_duplicate_of')
      and (a.attname = 'customer_id'
        or exists (select 1 from pg_constraint k
                   where k.contype = 'f' and k.conrelid = cl.oid and k.confrelid = 'public.customers'::regclass and a.attnum = any(k.conkey)))
    order by 1, 2`);
  return rows;
}

const uncovered = (tables: string[], by: readonly NamedContributor[]) => {
  const covered = new Set(by.flatMap(tableNames));
  return tables.filter((t) => !covered.has(t));
};

describe('the customer-data contract covers every table about a customer', () => {
  it('has a contributor for every table with a customer_id column or a foreign key to customers', async () => {
    const tables = [...new Set((await customerColumns()).map((c) => c.table))];
    expect(tables.length).toBeGreaterThanOrEqual(17);
    expect(uncovered(tables, contributors), 'tables about a customer that no domain registers a customerData contributor for').toEqual([]);
  });

  it('gives each table one owner, and declares only tables that exist', async () => {
    const names = contributors.flatMap(tableNames);
    expect(
      names.filter((t, i) => names.indexOf(t) !== i),
      'tables claimed by two contributors',
    ).toEqual([]);
    const { rows } = await q<{ name: string }>(`select table_name as name from information_schema.tables where table_schema = 'public'`);
    const existing = new Set(rows.map((r) => r.name));
    expect(names.filter((t) => !existing.has(t))).toEqual([]);
  });

  it('fails without any one domain’s contributor, and for a new table nobody covers', async () => {
    const tables = [...new Set((await customerColumns()).map((c) => c.table))];
    for (const left of contributors)
      expect(
        uncovered(
          tables,
          contributors.filter((c) => c !== left),
        ),
        `without ${left.domain}'s contributor`,
      ).not.toEqual([]);
    // A domain added later (orders, say) with a table about customers and no contributor yet:
    await q(`create table loyalty_points (id serial primary key, holder uuid references customers(id))`);
    try {
      const withNew = [...new Set((await customerColumns()).map((c) => c.table))];
      expect(uncovered(withNew, contributors)).toEqual(['loyalty_points']);
    } finally {
      await q('drop table loyalty_points');
    }
  });

  it('registers one for every domain with rows about a customer', () => {
    expect(contributors.map((c) => c.domain).sort()).toEqual(
      ['bookings', 'companies', 'custom-fields', 'customers', 'doors', 'enquiries', 'imports', 'lists', 'notes', 'orders', 'tags', 'timeline'].sort(),
    );
  });
});

// ---- a customer with rows in every table about customers

let n = 0;
let seq = 0;
const png = () =>
  sharp({ create: { width: 8, height: 8, channels: 3, background: '#884422' } })
    .png()
    .toBuffer();

/** A Y.Doc shaped like Tiptap's: paragraphs of text in the fragment `default`. */
function noteDoc(...paragraphs: string[]) {
  const doc = new Y.Doc();
  const fragment = doc.getXmlFragment(NOTE_FIELD);
  for (const text of paragraphs) {
    const p = new Y.XmlElement('paragraph');
    p.insert(0, [new Y.XmlText(text)]);
    fragment.insert(fragment.length, [p]);
  }
  return doc;
}

type Loaded = { id: string; uuid: string; customerNumber: string; name: string; email: string; email2: string };

/**
 * A customer with rows in every table about customers: two emails (one at Two Ltd's domain), two
 * current phones (one every loaded customer has) and an earlier one, an address, a photo, the
 * shared tag and one of its own, custom values, two lists (one shared), two company links (Acme by
 * hand, Two Ltd by domain), a door permission, a live and a revoked credential, two visits in the
 * door log and on the timeline, an upcoming, a past and a cancelled booking, an enquiry, notes (snapshot and an
 * update), a file and a mention notification.
 */
async function loaded(label: string, custom: Record<string, string> = {}): Promise<Loaded> {
  const i = ++n;
  const email = `${label.toLowerCase()}${i}@one.test`;
  const email2 = `${label.toLowerCase()}${i}@two.test`;
  const ownTag = (await owner.post('/api/tags', { name: `Own ${i}`, color: '#aa3300' })).body.id;
  const created = await owner.post('/api/customers', {
    firstName: label,
    lastName: `Person${i}`,
    emails: [email, email2],
    phones: [`020 7946 0${100 + i}`, '020 7946 0999'],
    addresses: [{ purpose: 'billing', line1: `${i} Acme Way`, city: 'London' }],
    tags: [shared.tagId, ownTag],
    custom: { seating: `${label}'s table`, ...custom },
  });
  expect(created.status, created.text).toBe(201);
  const { id, customerNumber } = created.body as { id: string; customerNumber: string };
  const uuid = fromSystemId(id);
  const ok = (res: { status: number; text: string }) => expect(res.status, res.text).toBeLessThan(300);
  // The first number becomes an earlier one.
  ok(await owner.patch(`/api/customers/${id}`, { phones: ['020 7946 0999', `020 7946 0${500 + i}`] }));
  ok(await owner.request('PUT', `/api/customers/${id}/photo`, await png(), { 'content-type': 'image/png' }));
  const ownList = (await owner.post('/api/lists', { name: `List ${i}` })).body.id;
  for (const listId of [shared.listId, ownList]) ok(await owner.post('/api/customers/bulk', { target: { ids: [id] }, action: { type: 'addToList', listId } }));
  ok(await owner.post(`/api/companies/${shared.companyId}/customers`, { customer: id }));
  ok(await owner.post(`/api/customers/${id}/door-permissions`, { doorId: shared.doorId }));
  ok(await owner.post(`/api/customers/${id}/credentials`, { kind: 'barcode', value: `4000${i}001`, label: `${label}'s card` }));
  const old = await owner.post(`/api/customers/${id}/credentials`, { kind: 'barcode', value: `4000${i}002` });
  ok(await owner.delete(`/api/credentials/${old.body.id}`));
  // An event of theirs the device sent that was quarantined (issue 12).
  await q(
    `insert into door_event_rejects (device_id, org_id, seq, reason, event, customer_id)
     values ($2, $1, $3, 'malformed: credentialMasked', jsonb_build_object('customerId', $4::text, 'credentialMasked', '••${i}'), $4::uuid)`,
    [owner.orgId, shared.deviceId, ++seq, uuid],
  );
  for (let v = 0; v < 2; v++) {
    const event = await q(
      `insert into door_events (org_id, device_id, seq, door_id, kind, result, reason, credential_hash, credential_masked, customer_id, occurred_at)
       values ($1, $2, $3, $4, 'access', 'granted', 'permitted', 'hash-${i}', '••${i}', $5, now() - interval '1 day') returning id`,
      [owner.orgId, shared.deviceId, ++seq, shared.doorId, uuid],
    );
    const visit = {
      doorEventId: Number(event.rows[0]!.id),
      door: { id: shared.doorId, name: 'Front door' },
      device: { id: shared.deviceId, name: 'Front Pi' },
      actor: null,
    };
    await q(
      `insert into activities (org_id, customer_id, category, type, source, occurred_at, data)
       values ($1, $2, 'visit', 'door_entry', 'edge', now() - interval '1 day', $3)`,
      [owner.orgId, uuid, JSON.stringify(visit)],
    );
  }
  for (const [offset, status] of [
    ['1 day', 'confirmed'],
    ['-2 days', 'confirmed'],
    ['3 days', 'cancelled'],
  ] as const)
    await q(
      `insert into bookings (org_id, service_id, customer_id, starts_at, ends_at, status)
       values ($1, $2, $3, date_trunc('hour', now()) + interval '${offset}', date_trunc('hour', now()) + interval '${offset}' + interval '1 hour', $4)`,
      [owner.orgId, shared.serviceId, uuid, status],
    );
  // An order with a payment, and the figures they make (written directly: the timeline's counts above stay as they are).
  const order = await q(
    `insert into orders (org_id, customer_id, channel, currency, subtotal_cents, tax_cents, total_cents, paid_cents, status)
     values ($1, $2, 'desk', 'GBP', 5600, 0, 5600, 5600, 'paid') returning id`,
    [owner.orgId, uuid],
  );
  await q(
    `insert into order_lines (org_id, order_id, position, name, quantity, unit_price_cents, tax_cents, total_cents) values ($1, $2, 0, 'Tea', 2, 2800, 0, 5600)`,
    [owner.orgId, order.rows[0]!.id],
  );
  await q(`insert into payments (org_id, customer_id, order_id, kind, method, amount_cents, currency) values ($1, $2, $3, 'payment', 'card', 5600, 'GBP')`, [
    owner.orgId,
    uuid,
    order.rows[0]!.id,
  ]);
  await q(`insert into customer_figures (org_id, customer_id, currency, total_orders, total_spent_cents) values ($1, $2, 'GBP', 1, 5600)`, [owner.orgId, uuid]);
  await q(`insert into enquiries (org_id, customer_id, message, contact_email) values ($1, $2, $3, $4)`, [
    owner.orgId,
    uuid,
    `${label} asks about a party`,
    email,
  ]);
  const doc = noteDoc(`${label} likes the window seat.`);
  const before = Y.encodeStateVector(doc);
  const snapshot = Y.encodeStateAsUpdate(doc);
  const p = new Y.XmlElement('paragraph');
  p.insert(0, [new Y.XmlText(`${label} asked about gift cards.`)]);
  doc.getXmlFragment(NOTE_FIELD).insert(1, [p]);
  await q(`insert into customer_notes (org_id, customer_id, snapshot, plain_text) values ($1, $2, $3, $4)`, [
    owner.orgId,
    uuid,
    Buffer.from(snapshot),
    `${label} likes the window seat.`,
  ]);
  await q(`insert into note_updates (org_id, customer_id, update, user_id) values ($1, $2, $3, $4)`, [
    owner.orgId,
    uuid,
    Buffer.from(Y.encodeStateAsUpdate(doc, before)),
    ownerUserId,
  ]);
  await q(
    `insert into note_attachments (org_id, customer_id, file_name, content_type, byte_size, data) values ($1, $2, 'menu.txt', 'text/plain', 5, 'hello')`,
    [owner.orgId, uuid],
  );
  await q(`insert into notifications (org_id, user_id, kind, customer_id, body) values ($1, $2, 'mention', $3, 'mentioned you')`, [
    owner.orgId,
    ownerUserId,
    uuid,
  ]);
  // The timeline's entries of what was done through the API (created, two updates) are written by
  // outbox subscribers right after each commit.
  await foyer.outbox.settle();
  return { id, uuid, customerNumber, name: `${label} Person${i}`, email, email2 };
}

/** Rows naming the customer, per table of the catalogue. */
async function rowsAbout(uuid: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const { table, column } of await customerColumns()) {
    const key = column === 'customer_id' ? table : `${table}.${column}`;
    counts[key] = (await q<{ n: number }>(`select count(*)::int as n from "${table}" where "${column}" = $1`, [uuid])).rows[0]!.n;
  }
  return counts;
}

const pick = (counts: Record<string, number>, tables: string[]) => Object.fromEntries(tables.map((t) => [t, counts[t]]));

/** Runs one contributor's step in a transaction of its own, as the customer service would. */
const run = (step: (ctx: CustomerDataContext) => Promise<unknown>) =>
  foyer.database.db.transaction(async (tx) => {
    await step({ tx, orgId: owner.orgId, userId: ownerUserId });
  });

const noteText = async (uuid: string) => {
  const note = (await q(`select snapshot from customer_notes where customer_id = $1`, [uuid])).rows[0];
  const updates = (await q(`select "update" from note_updates where customer_id = $1 order by id`, [uuid])).rows;
  const doc = new Y.Doc();
  if (note?.snapshot) Y.applyUpdate(doc, note.snapshot);
  for (const u of updates) Y.applyUpdate(doc, u.update);
  return plainTextOf(doc);
};

const historyText = async (id: string) => JSON.stringify((await owner.get(`/api/customers/${id}/history`)).body.items);

/**
 * What each domain's contributor says, erases and keeps for a loaded customer, and how many rows of
 * a merged pair become one (a unique clash: the shared tag, list, companies, custom field, phone,
 * the two photos and the two notes documents).
 */
const expected: Record<string, { impact: Record<string, number>; erased: string[]; keptByErase: string[]; clashes: Record<string, number> }> = {
  customers: {
    impact: { emails: 2, 'phone numbers (current and earlier)': 3, addresses: 1, photo: 1 },
    erased: ['customer_emails', 'customer_phones', 'customer_addresses', 'customer_photos'],
    keptByErase: [],
    clashes: { customer_emails: 0, customer_phones: 1, customer_addresses: 0, customer_photos: 1 },
  },
  companies: { impact: { 'company links': 2 }, erased: ['customer_companies'], keptByErase: [], clashes: { customer_companies: 2 } },
  tags: { impact: { tags: 2 }, erased: [], keptByErase: ['customer_tags'], clashes: { customer_tags: 1 } },
  'custom-fields': { impact: { 'custom field values': 2 }, erased: ['custom_field_values'], keptByErase: [], clashes: { custom_field_values: 1 } },
  lists: { impact: { 'marketing list memberships': 2 }, erased: ['marketing_list_members'], keptByErase: [], clashes: { marketing_list_members: 1 } },
  doors: {
    impact: { 'door permissions': 1, 'credentials (cards, fobs and codes)': 1, 'revoked door permissions and credentials': 1 },
    // A quarantined event keeps its row, anonymous: the customer's id leaves it.
    erased: ['door_permissions', 'credentials', 'door_event_rejects'],
    keptByErase: ['door_events'],
    clashes: { door_permissions: 0, credentials: 0, door_events: 0, door_event_rejects: 0 },
  },
  // Other entries: created, phones changed, photo changed (written from the outbox events of those requests).
  timeline: { impact: { 'visits on the timeline': 2, 'other timeline entries': 3 }, erased: [], keptByErase: ['activities'], clashes: { activities: 0 } },
  bookings: {
    impact: { 'upcoming confirmed bookings (their places free up)': 1, 'past and cancelled bookings': 2 },
    erased: [],
    keptByErase: ['bookings'],
    clashes: { bookings: 0 },
  },
  // Orders and payments are transactions: erasure keeps them; a merge keeps one figures row (into's, computed again).
  orders: {
    impact: { orders: 1, 'payments and refunds': 1 },
    erased: [],
    keptByErase: ['orders', 'payments', 'customer_figures'],
    clashes: { orders: 0, payments: 0, customer_figures: 1 },
  },
  // Erasure blanks what the person wrote and how to reach them, and keeps the enquiry.
  enquiries: { impact: { enquiries: 1 }, erased: [], keptByErase: ['enquiries'], clashes: { enquiries: 0 } },
  notes: {
    impact: { notes: 1, 'files attached to the notes': 1, 'notifications of mentions in the notes': 1 },
    erased: ['customer_notes', 'note_updates', 'note_attachments', 'notifications'],
    keptByErase: [],
    // Two documents become one; from's updates fold into one new update of into's document.
    clashes: { customer_notes: 1, note_updates: 0, note_attachments: 0, notifications: 0 },
  },
};

describe.each(Object.keys(expected))('the %s contributor', (domain) => {
  const c = () => contributor(domain);
  const mine = () => tableNames(c()).filter((t) => !['audit_log', 'customer_name_words'].includes(t));

  it('counts what a delete would take, in staff’s words', async () => {
    const ada = await loaded('Ada', { allergy: 'nuts' });
    let items: { what: string; count: number }[] = [];
    await run(async (ctx) => (items = await c().impact(ctx, ada.uuid)));
    expect(Object.fromEntries(items.map((i) => [i.what, i.count]))).toEqual(expected[domain]!.impact);
  });

  it('erases the person’s data and keeps the transactions', async () => {
    const ada = await loaded('Ada');
    const before = await rowsAbout(ada.uuid);
    await run((ctx) => c().erase(ctx, ada.uuid));
    const after = await rowsAbout(ada.uuid);
    const { erased, keptByErase } = expected[domain]!;
    expect(pick(after, erased)).toEqual(Object.fromEntries(erased.map((t) => [t, 0])));
    expect(pick(after, keptByErase)).toEqual(pick(before, keptByErase));
    for (const t of keptByErase) expect(before[t], t).toBeGreaterThan(0);
    // Every table of this contributor is either erased or kept: none is forgotten.
    expect([...erased, ...keptByErase].sort()).toEqual(mine().sort());
  });

  it('deletes the customer’s rows', async () => {
    const ada = await loaded('Ada');
    const logBefore = (await q(`select count(*)::int as n from door_events where org_id = $1`, [owner.orgId])).rows[0]!.n;
    await run((ctx) => c().delete(ctx, ada.uuid));
    expect(pick(await rowsAbout(ada.uuid), mine())).toEqual(Object.fromEntries(mine().map((t) => [t, 0])));
    // The door log outlives the customer, anonymous.
    expect((await q(`select count(*)::int as n from door_events where org_id = $1`, [owner.orgId])).rows[0]!.n).toBe(logBefore);
  });

  it('merges: every row of both is kept on the one kept, clashes become one row', async () => {
    const from = await loaded('From', { allergy: 'nuts' });
    const into = await loaded('Into');
    const [a, b] = [await rowsAbout(from.uuid), await rowsAbout(into.uuid)];
    for (const t of mine()) expect(a[t], `a loaded customer has rows in ${t}`).toBeGreaterThan(0);
    await run((ctx) => c().merge(ctx, from.uuid, into.uuid));
    const [a2, b2] = [await rowsAbout(from.uuid), await rowsAbout(into.uuid)];
    const clashes = expected[domain]!.clashes;
    expect(Object.keys(clashes).sort()).toEqual(mine().sort());
    expect(pick(a2, mine())).toEqual(Object.fromEntries(mine().map((t) => [t, 0])));
    expect(pick(b2, mine())).toEqual(Object.fromEntries(mine().map((t) => [t, a[t]! + b[t]! - clashes[t]!])));
  });
});

describe('merge rules for clashes', () => {
  const merge = (domain: string, from: Loaded, into: Loaded) => run((ctx) => contributor(domain).merge(ctx, from.uuid, into.uuid));

  it('customers: into’s primary email and values stay, its blanks fill from from’s, from’s history moves, from goes', async () => {
    const from = await loaded('From');
    const into = await loaded('Into');
    await owner.patch(`/api/customers/${from.id}`, { dateOfBirth: '1990-02-03', language: 'fr' });
    await owner.patch(`/api/customers/${into.id}`, { language: 'de' });
    const fromHistory = (await owner.get(`/api/customers/${from.id}/history`)).body.items.length;
    const intoHistory = (await owner.get(`/api/customers/${into.id}/history`)).body.items.length;
    await merge('customers', from, into);
    expect((await owner.get(`/api/customers/${from.id}`)).status).toBe(404);
    const kept = (await owner.get(`/api/customers/${into.id}`)).body;
    expect(kept.primaryEmail).toBe(into.email);
    expect(kept.emails.map((e: { address: string }) => e.address)).toEqual([into.email, into.email2, from.email, from.email2]);
    expect(kept).toMatchObject({ firstName: 'Into', language: 'de', dateOfBirth: '1990-02-03' });
    expect(kept.phones.map((p: { e164: string }) => p.e164)).toEqual(['+442079460999', expect.any(String), expect.any(String)]);
    expect(kept.previousPhones).toHaveLength(2);
    expect(kept.addresses).toHaveLength(2);
    expect((await owner.get(`/api/customers/${into.id}/history`)).body.items).toHaveLength(fromHistory + intoHistory);
  });

  it('tags, lists, companies: one row per clash; a link made by hand wins over a domain link', async () => {
    const from = await loaded('From');
    const into = await loaded('Into');
    await q(`update customer_companies set linked_by = 'manual' where customer_id = $1 and company_id = $2`, [from.uuid, shared.domainCompanyId]);
    for (const d of ['tags', 'lists', 'companies']) await merge(d, from, into);
    const tags = (await q(`select tag_id from customer_tags where customer_id = $1`, [into.uuid])).rows;
    expect(tags).toHaveLength(3);
    expect((await q(`select tag_ids from customers where id = $1`, [into.uuid])).rows[0]!.tag_ids).toHaveLength(3);
    expect((await q(`select list_id from marketing_list_members where customer_id = $1`, [into.uuid])).rows).toHaveLength(3);
    const links = (await q(`select company_id, linked_by from customer_companies where customer_id = $1 order by linked_by`, [into.uuid])).rows;
    expect(links).toHaveLength(2);
    expect(links.every((l) => l.linked_by === 'manual')).toBe(true);
  });

  it('custom fields: into’s value stands where both have one; a field only from has moves', async () => {
    const from = await loaded('From', { allergy: 'nuts' });
    const into = await loaded('Into');
    await merge('custom-fields', from, into);
    expect((await owner.get(`/api/customers/${into.id}`)).body.custom).toEqual({ seating: "Into's table", allergy: 'nuts' });
  });

  it('notes: one document keeps both texts, into’s first, and opens in the editor', async () => {
    const from = await loaded('From');
    const into = await loaded('Into');
    await merge('notes', from, into);
    const text = await noteText(into.uuid);
    expect(text).toBe(
      [
        'Into likes the window seat.',
        'Into asked about gift cards.',
        `Merged in from customer ${from.customerNumber} on ${new Date().toISOString().slice(0, 10)}:`,
        'From likes the window seat.',
        'From asked about gift cards.',
      ].join('\n'),
    );
    expect((await q(`select plain_text from customer_notes where customer_id = $1`, [into.uuid])).rows[0]!.plain_text).toBe(text);
    const editor = await NoteEditor.connect(foyer.url, owner.cookie, into.id);
    try {
      expect(plainTextOf(editor.doc)).toBe(text);
    } finally {
      editor.close();
    }
  });

  it('notes: a document only from has moves as it is', async () => {
    const from = await loaded('From');
    const into = await loaded('Into');
    await q(`delete from note_updates where customer_id = $1`, [into.uuid]);
    await q(`delete from customer_notes where customer_id = $1`, [into.uuid]);
    const updates = (await q(`select id from note_updates where customer_id = $1 order by id`, [from.uuid])).rows;
    await merge('notes', from, into);
    expect((await q(`select id from note_updates where customer_id = $1 order by id`, [into.uuid])).rows).toEqual(updates);
    expect(await noteText(into.uuid)).toBe('From likes the window seat.\nFrom asked about gift cards.');
  });
});

describe('the customer service runs every contributor in one transaction', () => {
  it('deletion-impact lists bookings, credentials, door permissions, visits, notes and attachments', async () => {
    const ada = await loaded('Ada');
    const res = await owner.get(`/api/customers/${ada.id}/deletion-impact`);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual(
      expect.arrayContaining([
        { what: 'upcoming confirmed bookings (their places free up)', count: 1 },
        { what: 'past and cancelled bookings', count: 2 },
        { what: 'credentials (cards, fobs and codes)', count: 1 },
        { what: 'door permissions', count: 1 },
        { what: 'visits on the timeline', count: 2 },
        { what: 'notes', count: 1 },
        { what: 'files attached to the notes', count: 1 },
        { what: 'emails', count: 2 },
      ]),
    );
    // Every contributor's lines, in the order of the domain list.
    const all = Object.values(expected).flatMap((e) => Object.keys(e.impact));
    expect(res.body.items.map((i: { what: string }) => i.what).sort()).toEqual(all.sort());
    expect(res.body.historyKept).toBeGreaterThan(0);
    expect((await (await foyer.signIn()).get(`/api/customers/${ada.id}/deletion-impact`)).status).toBe(404);
  });

  it('DELETE takes every row about the customer; the door log keeps the visits without the name; the history stays', async () => {
    const ada = await loaded('Ada');
    const events = (await q(`select id from door_events where customer_id = $1`, [ada.uuid])).rows.map((r) => r.id);
    expect((await owner.delete(`/api/customers/${ada.id}`)).status).toBe(204);
    const after = await rowsAbout(ada.uuid);
    expect(
      Object.values(after).every((count) => count === 0),
      JSON.stringify(after),
    ).toBe(true);
    const log = (await q(`select customer_id from door_events where id = any($1)`, [events])).rows;
    expect(log).toEqual([{ customer_id: null }, { customer_id: null }]);
    expect((await q(`select count(*)::int as n from audit_log where entity_id = $1`, [ada.uuid])).rows[0]!.n).toBeGreaterThan(1);
  });

  it('erase keeps bookings, orders, payments, visits, enquiries and tags on the anonymous record, and blanks the history’s personal values', async () => {
    const ada = await loaded('Ada', { allergy: 'shellfish' });
    expect((await owner.post(`/api/customers/${ada.id}/erase`)).status).toBe(200);
    const after = await rowsAbout(ada.uuid);
    const kept = ['bookings', 'activities', 'door_events', 'customer_tags', 'orders', 'payments', 'customer_figures', 'enquiries'];
    expect((await q(`select message, contact_email from enquiries where customer_id = $1`, [ada.uuid])).rows).toEqual([{ message: '', contact_email: null }]);
    for (const [table, count] of Object.entries(after)) expect(count > 0, table).toBe(kept.includes(table));
    const history = await historyText(ada.id);
    for (const personal of ['shellfish', "Ada's card", ada.email, 'Acme Way']) expect(history).not.toContain(personal);
    expect((await q(`select credential_hash from door_events where customer_id = $1`, [ada.uuid])).rows.every((r) => r.credential_hash === null)).toBe(true);
  });

  it('merge keeps every row of both (counted in every table of the catalogue), and records it in the history', async () => {
    const from = await loaded('From', { allergy: 'nuts' });
    const into = await loaded('Into');
    const [a, b] = [await rowsAbout(from.uuid), await rowsAbout(into.uuid)];
    const merged = await services.customers.merge(actor, from.customerNumber, into.id);
    expect(merged.id).toBe(into.id);
    expect(merged.primaryEmail).toBe(into.email);
    await foyer.outbox.settle();
    const [a2, b2] = [await rowsAbout(from.uuid), await rowsAbout(into.uuid)];
    const clashes: Record<string, number> = Object.assign({}, ...Object.values(expected).map((e) => e.clashes));
    // Besides both customers' rows, the merge's own entry on the timeline (profile_merged).
    const added: Record<string, number> = { activities: 1 };
    expect(a2).toEqual(Object.fromEntries(Object.keys(a).map((t) => [t, 0])));
    expect(b2).toEqual(Object.fromEntries(Object.keys(b).map((t) => [t, a[t]! + b[t]! - (clashes[t] ?? 0) + (added[t] ?? 0)])));
    expect((await owner.get(`/api/customers/${from.id}`)).status).toBe(404);
    const [entry] = (await owner.get(`/api/customers/${into.id}/history`)).body.items;
    expect(entry.changes.mergedFrom).toEqual({ before: null, after: `${from.customerNumber} (${from.name})` });
    expect(entry.changes.emails).toEqual({ before: [into.email, into.email2], after: [into.email, into.email2, from.email, from.email2] });
    expect(entry.actor?.id).toBe(ownerUserId);
  });

  it('refuses to merge a customer into themselves, an erased one, or another organization’s', async () => {
    const a = await loaded('Ann');
    const b = await loaded('Bea');
    await expect(services.customers.merge(actor, a.id, a.customerNumber)).rejects.toMatchObject({ status: 400 });
    const stranger = await foyer.signIn();
    const theirs = (await stranger.post('/api/customers', { firstName: 'Their', lastName: 'Guest' })).body;
    await expect(services.customers.merge(actor, theirs.id, a.id)).rejects.toMatchObject({ status: 404 });
    await owner.post(`/api/customers/${b.id}/erase`);
    await expect(services.customers.merge(actor, a.id, b.id)).rejects.toMatchObject({ status: 409 });
    // Nothing moved.
    expect((await rowsAbout(a.uuid)).customer_emails).toBe(2);
  });

  it('rolls everything back when one contributor fails part-way', async () => {
    const from = await loaded('From');
    const into = await loaded('Into');
    const before = [await rowsAbout(from.uuid), await rowsAbout(into.uuid)];
    const failing = contributors.map((c) => (c.domain === 'companies' ? { ...c, merge: async () => Promise.reject(new Error('disk full')) } : c));
    const { CustomerService } = await import('@foyer/server/domains/customers/service.ts');
    const service = new CustomerService(foyer.database.db, failing);
    await expect(service.merge(actor, from.id, into.id)).rejects.toThrow('disk full');
    expect([await rowsAbout(from.uuid), await rowsAbout(into.uuid)]).toEqual(before);
  });
});
