import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { connect } from '@foyer/server/platform/db/connect.ts';
import { addUser } from '@foyer/server/domains/organizations/service.ts';
import { launchChromium, signInThroughUi, snap } from '../support/browser.ts';
import { ApiClient } from '../support/client.ts';
import { createTestDatabase } from '../support/db.ts';
import { OWNER } from '../support/foyer.ts';
import { spawnFoyer, type FoyerProcess } from '../support/process.ts';

/**
 * Ac2, A1, A2 in two browsers: the desk takes an order with a payment from a customer's profile,
 * and a colleague with the same profile open sees total spent, the lifecycle and the timeline
 * change without reloading. Then a refund on the order's page, an order for a new customer from
 * the Orders page, and Settings' money section and API keys.
 */
const COLLEAGUE = { email: 'cole@demo.test', password: 'a long enough password', name: 'Cole Colleague' };

let foyer: FoyerProcess;
let browser: Browser;
let desk: Page;
let colleague: Page;
let customer: { id: string; customerNumber: string };

beforeAll(async () => {
  const databaseUrl = await createTestDatabase();
  [foyer, browser] = await Promise.all([spawnFoyer({ DATABASE_URL: databaseUrl }), launchChromium()]);
  const api = new ApiClient(foyer.url);
  const me = await api.login(OWNER.email, OWNER.password);
  const database = connect(databaseUrl, 1);
  await addUser(database.db, me.organization.id, { ...COLLEAGUE, role: 'staff' });
  await database.close();
  customer = (await api.post('/api/customers', { firstName: 'Olive', lastName: 'Ordering', emails: ['olive@orders.test'] })).body;
  desk = await (await browser.newContext({ viewport: { width: 1440, height: 1000 } })).newPage();
  colleague = await (await browser.newContext({ viewport: { width: 1024, height: 900 } })).newPage();
  for (const page of [desk, colleague]) page.on('pageerror', (e) => console.error('page error:', e.message));
  for (const [page, login] of [
    [desk, OWNER],
    [colleague, COLLEAGUE],
  ] as const) {
    await page.goto(`${foyer.url}/login`, { waitUntil: 'networkidle' });
    await signInThroughUi(page, foyer.url, login);
  }
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await foyer?.stop();
});

const fact = (page: Page, label: string) => page.locator('dl[aria-label="Key facts"] > div', { hasText: label }).locator('dd').first();

describe('orders and payments in the browser', () => {
  it('an order with a payment at the desk shows live on a colleague’s open profile: total spent, lifecycle, timeline', async () => {
    const profile = `${foyer.url}/customers/${customer.customerNumber}`;
    await Promise.all([desk.goto(profile, { waitUntil: 'networkidle' }), colleague.goto(profile, { waitUntil: 'networkidle' })]);
    await expect.poll(() => fact(colleague, 'Total spent').textContent()).toBe('£0.00');
    await expect.poll(() => colleague.getByTestId('lifecycle').textContent()).toContain('Lead');
    // The colleague's tab has joined the profile's room (its viewers list shows the desk) before the order.
    await colleague.waitForTimeout(500);

    await desk.getByRole('button', { name: 'New order' }).click();
    const dialog = desk.getByRole('dialog', { name: 'New order' });
    await dialog.getByLabel('Item').fill('Afternoon tea');
    await dialog.getByLabel('Qty').fill('2');
    await dialog.getByLabel('Unit price').fill('28.00');
    await expect.poll(() => dialog.getByTestId('order-total').textContent()).toBe('£56.00');
    await snap(desk, 'orders-new-order-dialog-1440', { fullPage: false });
    await dialog.getByRole('button', { name: /Record order and £56\.00 payment/ }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => desk.getByTestId('order').count()).toBe(1);

    // The colleague did not reload.
    await expect.poll(() => fact(colleague, 'Total spent').textContent(), { timeout: 5_000 }).toBe('£56.00');
    await expect.poll(() => colleague.getByTestId('lifecycle').textContent()).toContain('Active');
    await expect.poll(() => fact(colleague, 'CLV').textContent()).toBe('£56.00');
    await expect.poll(() => colleague.locator('[data-testid="activity"][data-type="order_placed"]').count(), { timeout: 5_000 }).toBe(1);
    await expect.poll(() => colleague.locator('[data-testid="activity"][data-type="payment_received"]').count()).toBe(1);
    await expect.poll(() => colleague.getByTestId('order').count()).toBe(1);
    expect(await colleague.locator('[data-testid="activity"][data-type="order_placed"]').textContent()).toContain('£56.00');
    await snap(colleague, 'orders-profile-live-1024');
    await snap(desk, 'orders-profile-1440');

    // The list row holds real values.
    await desk.goto(`${foyer.url}/customers?q=${customer.customerNumber}`, { waitUntil: 'networkidle' });
    const row = desk.locator('tbody tr').first();
    await expect.poll(() => row.textContent()).toContain('£56.00');
    expect(await row.textContent()).toContain('Active');
  });

  it('refunds part of an order on its page; staff see no refund button', async () => {
    await desk.goto(`${foyer.url}/customers/${customer.customerNumber}`, { waitUntil: 'networkidle' });
    await desk.getByTestId('order').first().click();
    await desk.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
    const url = desk.url();
    await colleague.goto(url, { waitUntil: 'networkidle' });
    expect(await colleague.getByRole('button', { name: 'Refund' }).count()).toBe(0);
    await desk.getByRole('button', { name: 'Refund' }).click();
    const dialog = desk.getByRole('dialog', { name: 'Refund' });
    await dialog.getByLabel(/Amount/).fill('60');
    await dialog.getByRole('button', { name: 'Refund' }).click();
    // More than was paid: the server's words, beside the amount.
    await expect.poll(() => dialog.textContent()).toContain('at most what was paid');
    await dialog.getByLabel(/Amount/).fill('6.00');
    await dialog.getByLabel('Reason').fill('Scones ran out');
    await dialog.getByRole('button', { name: 'Refund' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => desk.getByTestId('order-status').textContent()).toBe('Part refunded');
    expect(await desk.getByTestId('order-paid').textContent()).toBe('£50.00');
    await snap(desk, 'orders-detail-1440');
    await colleague.reload({ waitUntil: 'networkidle' });
    await snap(colleague, 'orders-detail-1024');
  });

  it('takes an order for a new customer from the Orders page', async () => {
    await desk.goto(`${foyer.url}/orders`, { waitUntil: 'networkidle' });
    await desk.getByRole('button', { name: 'New order' }).click();
    const dialog = desk.getByRole('dialog', { name: 'New order' });
    await dialog.getByRole('button', { name: 'New customer' }).click();
    await dialog.getByLabel('First name').fill('Walk');
    await dialog.getByLabel('Last name').fill('Inn');
    await dialog.getByLabel('Email').fill('walk.inn@orders.test');
    await dialog.getByLabel('Item').fill('Espresso');
    await dialog.getByLabel('Unit price').fill('3.20');
    await dialog.getByLabel('Taking payment now').uncheck();
    await dialog.getByRole('button', { name: 'Record order' }).click();
    await desk.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
    await expect.poll(() => desk.getByTestId('order-status').textContent()).toBe('Open');
    expect(await desk.getByTestId('order-outstanding').textContent()).toBe('£3.20');
    await desk.goto(`${foyer.url}/orders`, { waitUntil: 'networkidle' });
    await expect.poll(() => desk.getByTestId('order').count()).toBe(2);
    await snap(desk, 'orders-page-1440');
    await colleague.goto(`${foyer.url}/orders`, { waitUntil: 'networkidle' });
    await snap(colleague, 'orders-page-1024');
  });

  it('settings: currency and lifecycle thresholds; an API key shown once', async () => {
    await desk.goto(`${foyer.url}/settings#money`, { waitUntil: 'networkidle' });
    await desk.getByLabel('At-Risk after (days)').fill('60');
    await desk.getByLabel('Churned after (days)').fill('30');
    await desk.locator('form[aria-label="Money and lifecycle"]').getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => desk.locator('form[aria-label="Money and lifecycle"]').textContent()).toContain('churned comes after');
    await desk.getByLabel('Churned after (days)').fill('180');
    await desk.locator('form[aria-label="Money and lifecycle"]').getByRole('button', { name: 'Save' }).click();
    const ownerApi = new ApiClient(foyer.url);
    await ownerApi.login(OWNER.email, OWNER.password);
    await expect.poll(async () => (await ownerApi.get('/api/settings')).body.lifecycleChurnedDays).toBe(180);

    await desk.getByRole('button', { name: 'New key' }).click();
    const dialog = desk.getByRole('dialog', { name: 'New API key' });
    await dialog.getByLabel('Name', { exact: true }).fill('Bar till');
    await dialog.getByRole('button', { name: 'Create key' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const key = (await desk.locator('#api-key-value').getAttribute('data-value')) ?? '';
    expect(key).toMatch(/^fy_[A-Za-z0-9_-]{32}$/);
    await snap(desk, 'orders-settings-1440');
    const till = new ApiClient(foyer.url, { authorization: `Bearer ${key}` });
    const pushed = await till.post('/api/orders', {
      channel: 'pos',
      externalId: 'T-1',
      customer: { email: 'olive@orders.test' },
      lines: [{ name: 'Cake', unitPriceCents: 450 }],
    });
    expect(pushed.status, pushed.text).toBe(201);
    await desk.getByRole('button', { name: 'Revoke Bar till' }).click();
    await expect.poll(() => desk.getByTestId('api-key').first().textContent()).toContain('Revoked');
    expect((await till.get('/api/orders')).status).toBe(401);
    await colleague.goto(`${foyer.url}/settings`, { waitUntil: 'networkidle' });
    expect(await colleague.getByRole('heading', { name: 'API keys' }).count()).toBe(0);
    await snap(colleague, 'orders-settings-1024');
  });
});
