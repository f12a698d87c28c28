import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Enquiry, EnquiryPage, TimelineEntry } from '@foyer/schema/validation';
import { ApiClient, issueFields } from '../support/client.ts';
import { startTestFoyer, type TestFoyer } from '../support/foyer.ts';
import { connectFlow, connectStaff, identify, until } from '../support/sockets.ts';

/**
 * C8: the public enquiry form matches or creates the customer (never changing a known one) and
 * answers the same either way; staff work enquiries in the inbox, live.
 */
type Staff = ApiClient & { orgId: string; email: string };

let foyer: TestFoyer;
let owner: Staff;
let slug: string;
beforeAll(async () => {
  foyer = await startTestFoyer();
  owner = await foyer.signIn();
  slug = await slugOf(owner);
});
afterAll(() => foyer?.close());

const sql = async <T extends object>(text: string, params: unknown[] = []) => (await foyer.database.pool.query<T>(text, params)).rows;
const slugOf = async (staff: Staff) => (await sql<{ slug: string }>('select slug from organizations where id = $1', [staff.orgId]))[0]!.slug;
let n = 0;

/** The customer a flow token names (its payload is readable; only its signature is secret). */
const customerOfToken = (token: string) => JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).c as string;

async function enquire(venue: string, contact: Record<string, unknown>, rest: Record<string, unknown> = {}, client = foyer.client()) {
  const who = await client.post(`/api/public/enquire/${venue}/identify`, contact);
  expect(who.status, who.text).toBe(200);
  const sent = await client.post(`/api/public/enquire/${venue}/enquiries`, {
    flowToken: who.body.flowToken,
    contact,
    message: 'A table for my birthday?',
    ...rest,
  });
  return { token: who.body.flowToken as string, sent };
}

async function inbox(query = '', staff: Staff = owner): Promise<EnquiryPage> {
  const res = await staff.get(`/api/enquiries${query}`);
  expect(res.status, res.text).toBe(200);
  return res.body;
}

async function timelineOf(ref: string): Promise<TimelineEntry[]> {
  await foyer.outbox.settle();
  return (await owner.get(`/api/customers/${ref}/activities?pageSize=200`)).body.items;
}

describe('the public enquiry form', () => {
  it('creates a customer with source enquiry from a first name and a phone, and the enquiry reaches the inbox and the timeline', async () => {
    const contact = { firstName: 'Phoebe', phone: '+44 7911 123456' };
    const { token, sent } = await enquire(slug, contact, { preferredDate: '2030-06-01', partySize: 6 });
    expect(sent.status, sent.text).toBe(201);
    expect(sent.body).toEqual({ received: true, venue: { name: expect.any(String) } });
    const customerId = customerOfToken(token);
    const profile = (await owner.get(`/api/customers/${customerId.replaceAll('-', '')}`)).body;
    expect(profile).toMatchObject({ firstName: 'Phoebe', source: 'enquiry', primaryPhone: '+447911123456' });

    const page = await inbox('?status=new');
    const mine = page.items.find((e) => e.customer.id === profile.id)!;
    expect(mine).toMatchObject({
      status: 'new',
      assignee: null,
      contactName: 'Phoebe',
      contactPhone: '+447911123456',
      contactEmail: null,
      message: 'A table for my birthday?',
      preferredDate: '2030-06-01',
      partySize: 6,
      source: 'online',
      customer: { name: 'Phoebe', customerNumber: profile.customerNumber },
    });
    expect(page.counts.new).toBeGreaterThanOrEqual(1);
    const entries = await timelineOf(profile.id);
    expect(entries.find((e) => e.type === 'profile_created')).toMatchObject({ source: 'online', actor: null });
    expect(entries.find((e) => e.type === 'enquiry_received')).toMatchObject({
      category: 'enquiry',
      source: 'online',
      enquiry: { id: mine.id, preferredDate: '2030-06-01', partySize: 6 },
    });
  });

  it('matches a known customer by email (any case) without changing their record, and answers as it does for a stranger', async () => {
    const known = await owner.post('/api/customers', { firstName: 'Kim', lastName: 'Known', emails: [`kim${++n}@enquire.test`], phones: ['+44 20 7946 0001'] });
    const email = known.body.primaryEmail as string;
    const { token, sent } = await enquire(slug, { firstName: 'Mallory', lastName: 'Stranger', email: email.toUpperCase(), phone: '+44 20 7946 0999' });
    expect(sent.status).toBe(201);
    expect(customerOfToken(token).replaceAll('-', '')).toBe(known.body.id);
    const after = (await owner.get(`/api/customers/${known.body.id}`)).body;
    expect(after).toMatchObject({ firstName: 'Kim', lastName: 'Known', primaryPhone: known.body.primaryPhone, emails: known.body.emails });
    // What the form said stays on the enquiry, for staff to weigh.
    const mine = (await inbox()).items.find((e) => e.customer.id === known.body.id)!;
    expect(mine).toMatchObject({
      contactName: 'Mallory Stranger',
      contactEmail: email.toUpperCase(),
      contactPhone: '+442079460999',
      customer: { name: 'Kim Known' },
    });

    // By phone alone, too.
    const byPhone = await enquire(slug, { firstName: 'Kim', phone: '020 7946 0001' });
    expect(customerOfToken(byPhone.token).replaceAll('-', '')).toBe(known.body.id);
  });

  it.each([
    ['no contact', { firstName: 'Al' }, {}, 'identify', 'email'],
    ['no first name', { email: 'x@y.test' }, {}, 'identify', 'firstName'],
    ['a bad email', { firstName: 'Al', email: 'not-an-email' }, {}, 'identify', 'email'],
    ['a bad phone', { firstName: 'Al', phone: '12' }, {}, 'identify', 'phone'],
    ['an unknown field', { firstName: 'Al', email: 'a@b.test', admin: true }, {}, 'identify', '(body)'],
    ['no message', { firstName: 'Al', email: 'al@b.test' }, { message: '  ' }, 'enquiries', 'message'],
    ['a bad date', { firstName: 'Al', email: 'al@b.test' }, { preferredDate: '31/12/2030' }, 'enquiries', 'preferredDate'],
    ['a party of 0', { firstName: 'Al', email: 'al@b.test' }, { partySize: 0 }, 'enquiries', 'partySize'],
    ['a forged token', { firstName: 'Al', email: 'al@b.test' }, { flowToken: 'abc.def' }, 'enquiries', 'flowToken'],
  ])('refuses %s, naming the field, writing nothing', async (_what, contact, rest, step, fieldName) => {
    const staff = await foyer.signIn();
    const venue = await slugOf(staff);
    const client = foyer.client();
    let res;
    if (step === 'identify') res = await client.post(`/api/public/enquire/${venue}/identify`, contact);
    else {
      const who = await client.post(`/api/public/enquire/${venue}/identify`, contact);
      res = await client.post(`/api/public/enquire/${venue}/enquiries`, { flowToken: who.body.flowToken, contact, message: 'Hello', ...rest });
    }
    expect([400, 401]).toContain(res.status);
    expect(issueFields(res.body)).toContain(fieldName);
    expect((await sql('select 1 from enquiries where org_id = $1', [staff.orgId])).length).toBe(0);
    if (step === 'identify') expect((await sql('select 1 from customers where org_id = $1', [staff.orgId])).length).toBe(0);
  });

  it('answers 404 for an unknown venue and limits each address: 429 with Retry-After past 20 sends', async () => {
    expect((await foyer.client().get('/api/public/enquire/no-such-venue')).status).toBe(404);
    const staff = await foyer.signIn();
    const venue = await slugOf(staff);
    expect((await foyer.client().get(`/api/public/enquire/${venue}`)).body).toMatchObject({ slug: venue, timezone: expect.any(String) });
    const client = foyer.client();
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await client.post(`/api/public/enquire/${venue}/identify`, {})).status);
    expect(statuses.every((s) => s === 400)).toBe(true);
    const limited = await client.post(`/api/public/enquire/${venue}/identify`, { firstName: 'A', email: 'a@b.test' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.body.error.code).toBe('rate_limited');
  });

  it('shows the customer online while they write (the token over /flow)', async () => {
    const staff = await connectStaff(foyer.url, owner.cookie);
    const flow = await connectFlow(foyer.url);
    try {
      const who = await foyer.client().post(`/api/public/enquire/${slug}/identify`, { firstName: 'Olive', email: `olive${++n}@enquire.test` });
      const customerId = customerOfToken(who.body.flowToken).replaceAll('-', '');
      const changes: { customerId: string; online: boolean }[] = [];
      staff.on('presence:changes', ({ changes: c }) => changes.push(...c));
      expect(await identify(flow, who.body.flowToken)).toEqual({ ok: true });
      await until(async () => changes.some((c) => c.customerId === customerId && c.online), 5000, 'online');
    } finally {
      flow.close();
      staff.close();
    }
  });
});

describe('the enquiries inbox', () => {
  it('assigns, moves on and filters, live to staff sockets, with the status change on the timeline', async () => {
    const desk = await foyer.signIn({ role: 'staff', orgId: owner.orgId });
    const deskId = (await sql<{ id: string }>('select id from users where email = $1', [desk.email]))[0]!.id;
    const socket = await connectStaff(foyer.url, desk.cookie);
    const heard: string[] = [];
    socket.on('enquiries:changed', ({ enquiryId }) => heard.push(enquiryId));
    try {
      const { token } = await enquire(slug, { firstName: 'Wyn', email: `wyn${++n}@enquire.test` });
      const customerId = customerOfToken(token).replaceAll('-', '');
      const enquiry = (await inbox()).items.find((e) => e.customer.id === customerId)!;
      await until(async () => heard.includes(enquiry.id), 5000, 'enquiries:changed on arrival');

      const assigned = await desk.patch(`/api/enquiries/${enquiry.id}`, { assigneeId: deskId, status: 'in_progress' });
      expect(assigned.status, assigned.text).toBe(200);
      expect(assigned.body).toMatchObject({ status: 'in_progress', assignee: { userId: deskId } });
      expect((await inbox(`?assignee=${deskId}`)).items.map((e) => e.id)).toEqual([enquiry.id]);
      expect((await inbox('?status=in_progress')).items.map((e) => e.id)).toContain(enquiry.id);
      expect((await inbox('?status=new')).items.map((e) => e.id)).not.toContain(enquiry.id);
      // The profile's own: by system id or customer number.
      expect((await inbox(`?customer=${customerId}`)).items.map((e) => e.id)).toEqual([enquiry.id]);
      expect((await inbox(`?customer=${enquiry.customer.customerNumber}`)).items.map((e) => e.id)).toEqual([enquiry.id]);
      expect((await owner.get('/api/enquiries?customer=NOPE-0000')).status).toBe(404);

      const won = (await desk.patch(`/api/enquiries/${enquiry.id}`, { status: 'won' })).body as Enquiry;
      expect(won.status).toBe('won');
      await until(async () => heard.filter((id) => id === enquiry.id).length >= 3, 5000, 'each change heard');
      const changes = (await timelineOf(customerId)).filter((e) => e.type === 'enquiry_status_changed');
      expect(changes.map((e) => [(e as { from: string }).from, (e as { to: string }).to])).toEqual([
        ['in_progress', 'won'],
        ['new', 'in_progress'],
      ]);
      expect(changes[0]).toMatchObject({ source: 'dashboard', actor: { userId: deskId } });
    } finally {
      socket.close();
    }
  });

  it('refuses a bad status, a stranger as assignee, an empty patch, and keeps organizations apart', async () => {
    const { token } = await enquire(slug, { firstName: 'Bo', email: `bo${++n}@enquire.test` });
    const customerId = customerOfToken(token).replaceAll('-', '');
    const enquiry = (await inbox()).items.find((e) => e.customer.id === customerId)!;
    const other = await foyer.signIn();
    const otherId = (await sql<{ id: string }>('select id from users where email = $1', [other.email]))[0]!.id;
    expect(issueFields((await owner.patch(`/api/enquiries/${enquiry.id}`, { status: 'maybe' })).body)).toEqual(['status']);
    expect(issueFields((await owner.patch(`/api/enquiries/${enquiry.id}`, { assigneeId: otherId })).body)).toEqual(['assigneeId']);
    expect(issueFields((await owner.patch(`/api/enquiries/${enquiry.id}`, {})).body)).toEqual(['status']);
    expect(issueFields((await owner.get('/api/enquiries?status=open')).body)).toEqual(['status']);
    expect((await other.get(`/api/enquiries/${enquiry.id}`)).status).toBe(404);
    expect((await other.patch(`/api/enquiries/${enquiry.id}`, { status: 'won' })).status).toBe(404);
    expect((await inbox('', other)).items).toEqual([]);
    expect((await owner.get(`/api/enquiries/${enquiry.id}`)).body.status).toBe('new');
  });

  it('erasure keeps the enquiry but not what the person wrote; delete takes it', async () => {
    const { token } = await enquire(slug, { firstName: 'Eve', email: `eve${++n}@enquire.test` });
    const customerId = customerOfToken(token).replaceAll('-', '');
    expect((await owner.post(`/api/customers/${customerId}/erase`)).status).toBe(200);
    const [row] = await sql<{ message: string; contact_email: string | null }>('select message, contact_email from enquiries where customer_id::text = $1', [
      customerOfToken(token),
    ]);
    expect(row).toEqual({ message: '', contact_email: null });
    expect((await owner.delete(`/api/customers/${customerId}`)).status).toBe(204);
    expect(await sql('select 1 from enquiries where customer_id::text = $1', [customerOfToken(token)])).toEqual([]);
  });
});
