import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromSystemId } from '@foyer/schema/validation';
import { nightlyTick, recomputeOrgJob } from '@foyer/server/domains/orders/jobs.ts';
import { recomputeFigures } from '@foyer/server/domains/orders/figures.ts';
import { enqueue } from '@foyer/server/platform/jobs.ts';
import { ApiClient, issueFields } from '../support/client.ts';
import { startTestFoyer, type TestFoyer } from '../support/foyer.ts';

type Staff = ApiClient & { orgId: string };

let foyer: TestFoyer;
let owner: Staff;
beforeAll(async () => {
  foyer = await startTestFoyer();
  owner = await foyer.signIn();
});
afterAll(() => foyer?.close());

const sql = (text: string, params: unknown[] = []) => foyer.database.pool.query(text, params);
let n = 0;
const email = () => `guest${++n}-${Math.random().toString(36).slice(2, 8)}@orders.test`;

async function customer(staff: Staff = owner, body: Record<string, unknown> = {}) {
  const res = await staff.post('/api/customers', { firstName: 'Ada', lastName: `Guest${++n}`, emails: [email()], ...body });
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; customerNumber: string };
}

const tea = { name: 'Afternoon tea', quantity: 2, unitPriceCents: 2800 };

async function order(staff: Staff, body: Record<string, unknown>, headers?: Record<string, string>) {
  return staff.post('/api/orders', { lines: [tea], ...body }, headers);
}

async function figures(staff: Staff, ref: string) {
  await foyer.outbox.settle();
  const res = await staff.get(`/api/customers/${ref}/orders`);
  expect(res.status, res.text).toBe(200);
  return res.body as { items: { id: string; status: string }[]; figures: Record<string, unknown> };
}

describe('orders at the desk', () => {
  it('records lines with tax and a payment; the figures, the list row and the timeline follow', async () => {
    const c = await customer();
    const res = await order(owner, {
      customer: { ref: c.customerNumber },
      lines: [tea, { name: 'Champagne', quantity: 1, unitPriceCents: 1000, taxRateBp: 2000 }],
      payment: { method: 'card', amountCents: 3000 },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      channel: 'desk',
      currency: 'GBP',
      subtotalCents: 6600,
      taxCents: 200,
      totalCents: 6800,
      paidCents: 3000,
      outstandingCents: 3800,
      status: 'open',
      customer: { id: c.id },
    });
    expect(res.body.lines[1]).toMatchObject({ name: 'Champagne', taxCents: 200, totalCents: 1200 });
    expect(res.body.payments).toHaveLength(1);

    const rest = await owner.post('/api/payments', { orderId: res.body.id, method: 'cash', amountCents: 3800 });
    expect(rest.status, rest.text).toBe(201);
    expect((await owner.get(`/api/orders/${res.body.id}`)).body).toMatchObject({ status: 'paid', paidCents: 6800, outstandingCents: 0 });

    const f = await figures(owner, c.id);
    expect(f.figures).toMatchObject({ totalOrders: 1, totalSpentCents: 6800, averageOrderCents: 6800, lifecycleStage: 'active', currency: 'GBP' });
    expect(f.figures.lastOrderAt).not.toBeNull();
    expect(f.figures.lastContactAt).not.toBeNull();
    const row = (await owner.get(`/api/customers?q=${c.customerNumber}`)).body.items[0];
    expect(row).toMatchObject({ lifecycleStage: 'active', totalSpent: 68, clv: 68 });
    expect(row.lastOrderAt).not.toBeNull();

    const timeline = (await owner.get(`/api/customers/${c.id}/activities?pageSize=50`)).body.items as { type: string; order?: { summary: string } }[];
    expect(timeline.map((e) => e.type)).toEqual(expect.arrayContaining(['order_placed', 'payment_received']));
    expect(timeline.filter((e) => e.type === 'payment_received')).toHaveLength(2);
    expect(timeline.find((e) => e.type === 'order_placed')!.order!.summary).toBe('Afternoon tea ×2, Champagne');
  });

  it('finds the customer by email or phone, or creates one whose source is the channel', async () => {
    const known = await customer(owner, { phones: ['+44 7911 123456'] });
    const byPhone = await order(owner, { customer: { phone: '07911 123456' } });
    expect(byPhone.body.customer.id).toBe(known.id);
    const address = email();
    const fresh = await order(owner, { channel: 'pos', customer: { email: address, firstName: 'Till', lastName: 'Walker' } });
    expect(fresh.status, fresh.text).toBe(201);
    const created = (await owner.get(`/api/customers/${fresh.body.customer.id}`)).body;
    expect(created).toMatchObject({ source: 'pos', firstName: 'Till', primaryEmail: address });
    const again = await order(owner, { channel: 'pos', customer: { email: address.toUpperCase() } });
    expect(again.body.customer.id).toBe(fresh.body.customer.id);
  });

  it('prices a line from a service and cancels an unpaid order', async () => {
    const service = await owner.post('/api/services', { name: `Massage ${++n}`, durationMinutes: 60, priceCents: 6500 });
    const c = await customer();
    const res = await order(owner, { customer: { ref: c.id }, lines: [{ serviceId: service.body.id }] });
    expect(res.body).toMatchObject({ totalCents: 6500, lines: [{ name: service.body.name, serviceId: service.body.id, quantity: 1 }] });
    const cancelled = await owner.post(`/api/orders/${res.body.id}/cancel`);
    expect(cancelled.body.status).toBe('cancelled');
    expect((await figures(owner, c.id)).figures).toMatchObject({ totalOrders: 0, lifecycleStage: 'lead' });
    const paid = await order(owner, { customer: { ref: c.id }, payment: { method: 'card', amountCents: 100 } });
    expect((await owner.post(`/api/orders/${paid.body.id}/cancel`)).status).toBe(409);
  });

  it('a duplicate external id answers the first order (200), also when both arrive at once', async () => {
    const c = await customer();
    const first = await order(owner, { channel: 'pos', externalId: 'TILL-1', customer: { ref: c.id } });
    expect(first.status).toBe(201);
    const again = await order(owner, { channel: 'pos', externalId: 'TILL-1', customer: { ref: c.id } });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    // Another channel's id space is its own.
    expect((await order(owner, { channel: 'online', externalId: 'TILL-1', customer: { ref: c.id } })).status).toBe(201);

    const address = email();
    const at = await Promise.all(Array.from({ length: 6 }, () => order(owner, { channel: 'pos', externalId: 'TILL-2', customer: { email: address } })));
    expect(at.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    expect(new Set(at.map((r) => r.body.id)).size).toBe(1);
    const { rows } = await sql(`select count(*)::int as n from customers c join customer_emails e on e.customer_id = c.id where e.address = $1`, [address]);
    expect(rows[0].n).toBe(1);
  });
});

describe('bad input: a 4xx naming the field, nothing written', () => {
  it('refuses negative, fractional and missing amounts, unaccepted currencies, unknown products and customers', async () => {
    const c = await customer();
    const before = (await sql('select count(*)::int as n from orders where org_id = $1', [owner.orgId])).rows[0].n;
    const cases: [Record<string, unknown>, string][] = [
      [{ lines: [{ name: 'X', unitPriceCents: -1 }] }, 'lines.0.unitPriceCents'],
      [{ lines: [{ name: 'X', unitPriceCents: 12.5 }] }, 'lines.0.unitPriceCents'],
      [{ lines: [{ name: 'X' }] }, 'lines.0.unitPriceCents'],
      [{ lines: [{ name: 'X', unitPriceCents: 100, quantity: 0 }] }, 'lines.0.quantity'],
      [{ lines: [] }, 'lines'],
      [{ currency: 'USD' }, 'currency'],
      [{ currency: 'XYZ' }, 'currency'],
      [{ lines: [{ serviceId: '00000000-0000-4000-8000-000000000000' }] }, 'lines.0.serviceId'],
      [{ payment: { method: 'card', amountCents: 999_999 } }, 'payment.amountCents'],
      [{ payment: { method: 'card', amountCents: -5 } }, 'payment.amountCents'],
      [{ payment: { method: 'cheque', amountCents: 5 } }, 'payment.method'],
      [{ channel: 'fax' }, 'channel'],
      [{ customer: {} }, 'customer.ref'],
      [{ customer: { phone: 'not a phone' } }, 'customer.phone'],
    ];
    for (const [body, field] of cases) {
      const res = await order(owner, { customer: { ref: c.id }, ...body });
      expect(res.status, `${JSON.stringify(body)}: ${res.text}`).toBe(400);
      expect(issueFields(res.body), JSON.stringify(body)).toContain(field);
    }
    // A deleted customer, and an erased one.
    const gone = await customer();
    expect((await owner.delete(`/api/customers/${gone.id}`)).status).toBe(204);
    const deleted = await order(owner, { customer: { ref: gone.id } });
    expect(deleted.status).toBe(400);
    expect(issueFields(deleted.body)).toEqual(['customer.ref']);
    const erased = await customer();
    expect((await owner.post(`/api/customers/${erased.id}/erase`)).status).toBe(200);
    expect(issueFields((await order(owner, { customer: { ref: erased.id } })).body)).toEqual(['customer.ref']);
    expect((await sql('select count(*)::int as n from orders where org_id = $1', [owner.orgId])).rows[0].n).toBe(before);
  });

  it('accepts a currency once the organization does', async () => {
    const staff = await foyer.signIn();
    const c = await customer(staff);
    expect((await order(staff, { customer: { ref: c.id }, currency: 'EUR' })).status).toBe(400);
    const settings = await staff.patch('/api/settings', { acceptedCurrencies: ['eur', 'GBP'] });
    expect(settings.body).toMatchObject({ defaultCurrency: 'GBP', acceptedCurrencies: ['EUR'] });
    const res = await order(staff, { customer: { ref: c.id }, currency: 'EUR', payment: { method: 'card', amountCents: 5600 } });
    expect(res.status, res.text).toBe(201);
    // Money in another currency is not added into the default currency's total.
    expect((await figures(staff, c.id)).figures).toMatchObject({ totalOrders: 1, totalSpentCents: 0, currency: 'GBP' });
  });

  it('refuses a payment above what is outstanding and a refund above what was paid', async () => {
    const c = await customer();
    const o = (await order(owner, { customer: { ref: c.id }, payment: { method: 'card', amountCents: 1000 } })).body;
    const over = await owner.post('/api/payments', { orderId: o.id, method: 'card', amountCents: 4601 });
    expect(over.status).toBe(400);
    expect(issueFields(over.body)).toEqual(['amountCents']);
    const refund = await owner.post('/api/refunds', { orderId: o.id, amountCents: 1001 });
    expect(refund.status).toBe(400);
    expect(issueFields(refund.body)).toEqual(['amountCents']);
    expect(issueFields((await owner.post('/api/refunds', { amountCents: 1 })).body)).toEqual(['orderId']);
    expect(issueFields((await owner.post('/api/refunds', { orderId: o.id, amountCents: 1, currency: 'EUR' })).body)).toEqual(['currency']);
    const part = await owner.post('/api/refunds', { orderId: o.id, amountCents: 400, reason: 'Cold tea' });
    expect(part.status, part.text).toBe(201);
    expect((await owner.get(`/api/orders/${o.id}`)).body).toMatchObject({ status: 'part_refunded', refundedCents: 400, outstandingCents: 4600 });
    expect((await figures(owner, c.id)).figures).toMatchObject({ totalSpentCents: 600 });
  });

  it('two refunds at once cannot exceed what was paid', async () => {
    const c = await customer();
    const o = (await order(owner, { customer: { ref: c.id }, payment: { method: 'card', amountCents: 1000 } })).body;
    const results = await Promise.all(Array.from({ length: 6 }, () => owner.post('/api/refunds', { orderId: o.id, amountCents: 400 })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(2);
    expect(results.filter((r) => r.status === 400)).toHaveLength(4);
    const after = (await owner.get(`/api/orders/${o.id}`)).body;
    expect(after).toMatchObject({ refundedCents: 800, status: 'part_refunded' });
    const { rows } = await sql(`select sum(amount_cents)::int as s from payments where order_id = $1 and kind = 'refund'`, [o.id]);
    expect(rows[0].s).toBe(800);
  });

  it('staff may not refund (managers and owners may)', async () => {
    const desk = await foyer.signIn({ role: 'staff', orgId: owner.orgId });
    const c = await customer();
    const o = (await order(desk, { customer: { ref: c.id }, payment: { method: 'cash', amountCents: 500 } })).body;
    expect((await desk.post('/api/refunds', { orderId: o.id, amountCents: 100 })).status).toBe(403);
    const manager = await foyer.signIn({ role: 'manager', orgId: owner.orgId });
    expect((await manager.post('/api/refunds', { orderId: o.id, amountCents: 100 })).status).toBe(201);
  });
});

describe('bookings carry a price and can be paid', () => {
  it('a payment for a booking counts in total spent and on the booking', async () => {
    const c = await customer();
    const svc = (await owner.post('/api/services', { name: `Tea ${++n}`, durationMinutes: 60, priceCents: 5600 })).body;
    const { rows } = await sql(
      `insert into bookings (org_id, service_id, customer_id, starts_at, ends_at, price_cents, currency, source)
       values ($1, $2, $3, now() + interval '1 day', now() + interval '1 day 1 hour', 5600, 'GBP', 'dashboard') returning id`,
      [owner.orgId, svc.id, fromSystemId(c.id)],
    );
    const bookingId = rows[0].id as string;
    expect((await owner.post('/api/payments', { bookingId, method: 'card', amountCents: 5601 })).status).toBe(400);
    expect((await owner.post('/api/payments', { bookingId, method: 'card', amountCents: 5600 })).status).toBe(201);
    expect((await owner.get(`/api/bookings/${bookingId}/payments`)).body.items).toHaveLength(1);
    // The booking itself wrote no event here (inserted directly): the payment's event recomputes.
    expect((await figures(owner, c.id)).figures).toMatchObject({ totalSpentCents: 5600, totalBookings: 1, totalOrders: 0, lifecycleStage: 'active' });
  });
});

describe('integrators: API keys and Idempotency-Key', () => {
  it('owners make keys shown once; a key pushes orders within its permissions; revoked keys are refused', async () => {
    const made = await owner.post('/api/api-keys', { name: 'Bar till', permissions: ['orders.create', 'orders.view'] });
    expect(made.status, made.text).toBe(201);
    const secret = made.body.secret as string;
    expect(secret).toMatch(/^fy_/);
    const listed = (await owner.get('/api/api-keys')).body.items;
    expect(listed[0]).toMatchObject({ name: 'Bar till', prefix: secret.slice(0, 8), lastUsedAt: null });
    expect(JSON.stringify(listed)).not.toContain(secret);
    const { rows } = await sql('select secret_hash from api_keys where id = $1', [made.body.id]);
    expect(rows[0].secret_hash).not.toContain(secret);

    const till = new ApiClient(foyer.url, { authorization: `Bearer ${secret}` });
    const pushed = await till.post('/api/orders', { channel: 'pos', externalId: 'R-1', customer: { email: email() }, lines: [tea] });
    expect(pushed.status, pushed.text).toBe(201);
    expect((await till.get(`/api/orders/${pushed.body.id}`)).status).toBe(200);
    // Beyond the key's permissions (the owner could): 403.
    expect((await till.post('/api/refunds', { orderId: pushed.body.id, amountCents: 1 })).status).toBe(403);
    expect((await till.get('/api/customers')).status).toBe(403);
    expect((await owner.get('/api/api-keys')).body.items[0].lastUsedAt).not.toBeNull();

    // Another organization's key does not see this one's orders.
    const other = await foyer.signIn();
    const theirs = new ApiClient(foyer.url, {
      authorization: `Bearer ${(await other.post('/api/api-keys', { name: 'X', permissions: ['orders.view'] })).body.secret}`,
    });
    expect((await theirs.get(`/api/orders/${pushed.body.id}`)).status).toBe(404);

    expect((await owner.post(`/api/api-keys/${made.body.id}/revoke`)).body.revokedAt).not.toBeNull();
    const refused = await till.post('/api/orders', { customer: { email: email() }, lines: [tea] });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('invalid_api_key');
    expect((await new ApiClient(foyer.url, { authorization: 'Bearer fy_nonsense' }).get('/api/orders')).status).toBe(401);
  });

  it('only owners make keys, and a key gets no permission its maker lacks', async () => {
    const manager = await foyer.signIn({ role: 'manager', orgId: owner.orgId });
    expect((await manager.post('/api/api-keys', { name: 'M', permissions: ['orders.view'] })).status).toBe(403);
    const bad = await owner.post('/api/api-keys', { name: 'K', permissions: ['orders.fly'] });
    expect(bad.status).toBe(400);
    expect(issueFields(bad.body)?.[0]).toMatch(/^permissions/);
  });

  it('the same Idempotency-Key and body replay the first answer; another body is a 422', async () => {
    const c = await customer();
    const body = { customer: { ref: c.id }, lines: [tea] };
    const first = await order(owner, body, { 'idempotency-key': 'k-1' });
    const again = await order(owner, body, { 'idempotency-key': 'k-1' });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    const other = await order(owner, { ...body, note: 'different' }, { 'idempotency-key': 'k-1' });
    expect(other.status).toBe(422);
    expect(issueFields(other.body)).toEqual(['Idempotency-Key']);
    const { rows } = await sql('select count(*)::int as n from orders where customer_id = $1', [fromSystemId(c.id)]);
    expect(rows[0].n).toBe(1);
    // Payments too, and at once: one payment.
    const pays = await Promise.all(
      Array.from({ length: 4 }, () => owner.post('/api/payments', { orderId: first.body.id, method: 'card', amountCents: 100 }, { 'idempotency-key': 'p-1' })),
    );
    expect(pays.map((p) => p.status).filter((s) => s === 201).length).toBeGreaterThanOrEqual(1);
    expect(pays.every((p) => p.status === 201 || p.status === 409)).toBe(true);
    expect((await owner.get(`/api/orders/${first.body.id}`)).body.paidCents).toBe(100);
    // A failed request releases its key: the corrected retry goes through.
    const failed = await owner.post('/api/refunds', { orderId: first.body.id, amountCents: 999 }, { 'idempotency-key': 'r-1' });
    expect(failed.status).toBe(400);
    const corrected = await owner.post('/api/refunds', { orderId: first.body.id, amountCents: 50 }, { 'idempotency-key': 'r-1' });
    expect(corrected.status, corrected.text).toBe(201);
  });
});

describe('lifecycle (A1): thresholds, re-activation and the nightly recompute', () => {
  const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString();

  it('Active, At-Risk and Churned follow the settings; a churned customer comes back by the re-activation rule', async () => {
    const staff = await foyer.signIn();
    expect((await staff.patch('/api/settings', { lifecycleAtRiskDays: 30, lifecycleChurnedDays: 20 })).status).toBe(400);
    const set = await staff.patch('/api/settings', { lifecycleAtRiskDays: 30, lifecycleChurnedDays: 90, lifecycleReactivationOrders: 2 });
    expect(set.status, set.text).toBe(200);
    const recent = await customer(staff);
    const quiet = await customer(staff);
    const gone = await customer(staff);
    const back = await customer(staff);
    await order(staff, { customer: { ref: recent.id }, placedAt: daysAgo(5) });
    await order(staff, { customer: { ref: quiet.id }, placedAt: daysAgo(45) });
    await order(staff, { customer: { ref: gone.id }, placedAt: daysAgo(200) });
    await order(staff, { customer: { ref: back.id }, placedAt: daysAgo(300) });
    await order(staff, { customer: { ref: back.id }, placedAt: daysAgo(2) });
    await foyer.outbox.settle();
    const stage = async (ref: string) => (await figures(staff, ref)).figures.lifecycleStage;
    expect(await stage(recent.id)).toBe('active');
    expect(await stage(quiet.id)).toBe('at_risk');
    expect(await stage(gone.id)).toBe('churned');
    expect(await stage(back.id)).toBe('at_risk'); // one order since the gap; the rule asks two
    await order(staff, { customer: { ref: back.id }, placedAt: daysAgo(1) });
    expect(await stage(back.id)).toBe('active');
    const f = (await figures(staff, back.id)).figures;
    expect(f.totalOrders).toBe(3);
    expect(f.orderFrequencyDays).toBeCloseTo(149.5, 0);

    // Time passes: the recompute (as the nightly job runs it) moves the recent one along.
    await sql(`update orders set placed_at = placed_at - interval '40 days' where customer_id = $1`, [fromSystemId(recent.id)]);
    expect(await stage(recent.id)).toBe('active'); // no event: nothing recomputed yet
    await enqueue(foyer.database.db, recomputeOrgJob, { orgId: staff.orgId, payload: { reason: 'manual' } });
    const deadline = Date.now() + 15_000;
    while ((await stage(recent.id)) !== 'at_risk' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await stage(recent.id)).toBe('at_risk');
    // The list filters and sorts by the same values.
    const atRisk = (await staff.get('/api/customers?lifecycle=at_risk&sort=-lastOrder')).body.items.map((i: { id: string }) => i.id);
    expect(atRisk).toEqual(expect.arrayContaining([recent.id, quiet.id, back.id].slice(0, 2)));
  });

  it('the nightly tick enqueues each organization once per local date at 03:00 its time', async () => {
    const staff = await foyer.signIn();
    await staff.patch('/api/settings', { timezone: 'Asia/Kolkata' });
    // 21:30 UTC is 03:00 in Kolkata.
    const at = new Date('2026-03-01T21:30:00Z');
    await nightlyTick(foyer.database.db, at);
    await nightlyTick(foyer.database.db, at);
    const { rows } = await sql(`select payload from job_runs where org_id = $1 and kind = 'figures.recompute'`, [staff.orgId]);
    expect(rows.map((r) => r.payload)).toEqual([{ reason: 'nightly', localDate: '2026-03-02' }]);
    await nightlyTick(foyer.database.db, new Date('2026-03-01T12:00:00Z'));
    expect((await sql(`select count(*)::int as n from job_runs where org_id = $1 and kind = 'figures.recompute'`, [staff.orgId])).rows[0].n).toBe(1);
  });

  it('recomputes a whole organization in one statement and changes only what changed', async () => {
    const staff = await foyer.signIn();
    const c = await customer(staff);
    await order(staff, { customer: { ref: c.id }, payment: { method: 'card', amountCents: 5600 } });
    await foyer.outbox.settle();
    expect(await recomputeFigures(foyer.database.db, staff.orgId, null)).toEqual([]);
    await sql(`update customers set total_spent_cents = 0 where id = $1`, [fromSystemId(c.id)]);
    expect(await recomputeFigures(foyer.database.db, staff.orgId, null)).toEqual([fromSystemId(c.id)]);
    // A visit the timeline does not show yet (as figures.visits passes it) moves last contact, and only forward.
    const visit = new Date(Date.now() + 60_000);
    await recomputeFigures(foyer.database.db, staff.orgId, [fromSystemId(c.id)], new Date(), visit);
    expect((await figures(staff, c.id)).figures.lastContactAt).toBe(visit.toISOString());
    const lead = await customer(staff);
    await recomputeFigures(foyer.database.db, staff.orgId, [fromSystemId(lead.id)], new Date(), visit);
    expect((await figures(staff, lead.id)).figures).toMatchObject({ lifecycleStage: 'lead', lastContactAt: visit.toISOString(), totalOrders: 0 });
  });
});

describe('settings: money', () => {
  it('an organization in France counts in euros; a currency is an ISO 4217 code', async () => {
    const { createOrganization } = await import('@foyer/server/domains/organizations/service.ts');
    const { org } = await createOrganization(foyer.database.db, {
      name: 'Café',
      ownerEmail: `cafe${++n}@x.test`,
      password: 'a long enough password',
      defaultCountry: 'FR',
    });
    expect(org.defaultCurrency).toBe('EUR');
    const bad = await owner.patch('/api/settings', { defaultCurrency: 'EURO' });
    expect(bad.status).toBe(400);
    expect(issueFields(bad.body)).toEqual(['defaultCurrency']);
    expect((await owner.get('/api/auth/me')).body.organization.defaultCurrency).toBe('GBP');
  });
});

describe('seed (pnpm foyer seed)', () => {
  it('writes order histories that show every lifecycle stage, and figures that agree with the orders', async () => {
    const staff = await foyer.signIn();
    const { seedCustomers } = await import('@foyer/server/seed.ts');
    const { seedOrders } = await import('@foyer/server/domains/orders/seed.ts');
    await seedCustomers(foyer.database.pool, staff.orgId, 400, { seed: 7 });
    const result = await seedOrders(foyer.database.pool, staff.orgId, { seed: 7 });
    expect(result.orders).toBeGreaterThan(400);
    const { rows } = await sql(`select lifecycle_stage as stage, count(*)::int as n from customers where org_id = $1 group by 1`, [staff.orgId]);
    const stages = Object.fromEntries(rows.map((r) => [r.stage, r.n]));
    for (const stage of ['lead', 'active', 'at_risk', 'churned']) expect(stages[stage], JSON.stringify(stages)).toBeGreaterThan(10);
    // The list's total spent is what the customer's payments add up to.
    const check = await sql(
      `select c.total_spent_cents::bigint as listed,
              (select coalesce(sum(case kind when 'payment' then amount_cents else -amount_cents end), 0) from payments p where p.customer_id = c.id)::bigint as paid
         from customers c where c.org_id = $1 and c.total_spent_cents > 0 limit 50`,
      [staff.orgId],
    );
    expect(check.rows.length).toBeGreaterThan(10);
    for (const r of check.rows) expect(r.listed).toBe(r.paid);
    // Again: only the customers still without orders (the leads) are drawn again, so far fewer orders.
    const again = await seedOrders(foyer.database.pool, staff.orgId);
    expect(again.orders).toBeLessThan(result.orders);
  }, 60_000);
});
