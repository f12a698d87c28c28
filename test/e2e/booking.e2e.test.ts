import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { addDays, localDateOf } from '@foyer/schema/validation';
import { launchChromium, signInThroughUi, snap } from '../support/browser.ts';
import { ApiClient } from '../support/client.ts';
import { OWNER } from '../support/foyer.ts';
import { spawnFoyer, type FoyerProcess } from '../support/process.ts';

// C8 end to end: a customer books the demo venue's service on a phone, and staff see the booking.

let foyer: FoyerProcess;
let browser: Browser;
let phone: BrowserContext;
let customer: Page;
let staffApi: ApiClient;
const email = `e2e.booker.${Date.now()}@guest.test`;

beforeAll(async () => {
  [foyer, browser] = await Promise.all([spawnFoyer(), launchChromium()]);
  phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  customer = await phone.newPage();
  staffApi = new ApiClient(foyer.url);
  await staffApi.login(OWNER.email, OWNER.password);
});
afterAll(async () => {
  await browser?.close();
  await foyer?.stop();
});

describe('the public booking flow (C8)', () => {
  it('a customer books the demo service on a phone; a full slot is shown disabled', async () => {
    // Someone else has already taken every place at 10:00 tomorrow.
    const venue = (await staffApi.get('/api/public/book/demo-venue')).body;
    const tea = venue.services.find((s: { name: string }) => s.name === 'Afternoon tea');
    expect(tea).toBeTruthy();
    const tomorrow = addDays(localDateOf(new Date(), venue.timezone), 1);
    const slots = (await staffApi.get(`/api/public/book/demo-venue/services/${tea.id}/slots?date=${tomorrow}`)).body.slots;
    const ten = slots.find((s: { time: string }) => s.time === '10:00');
    const early = await staffApi.post('/api/public/book/demo-venue/identify', {
      firstName: 'Early',
      lastName: 'Bird',
      email: `early.${Date.now()}@guest.test`,
    });
    const full = await staffApi.post('/api/public/book/demo-venue/bookings', {
      flowToken: early.body.flowToken,
      serviceId: tea.id,
      startsAt: ten.startsAt,
      partySize: tea.capacity,
      idempotencyKey: `e2e-full-${Date.now()}`,
    });
    expect(full.status).toBe(201);

    // What the page says on its sockets: the /flow namespace (presence, C7) once it knows who books.
    const sent: string[] = [];
    customer.on('websocket', (ws) => ws.on('framesent', (f) => sent.push(String(f.payload))));

    await customer.goto(`${foyer.url}/book/demo-venue`);
    await customer.getByRole('heading', { name: 'What would you like to book?' }).waitFor();
    await snap(customer, 'booking-1-services-phone');
    await customer.getByRole('button', { name: /Afternoon tea/ }).click();

    // The step's heading takes the focus, for screen readers and keyboards.
    await customer.getByRole('heading', { name: 'When would you like to come?' }).waitFor();
    expect(await customer.evaluate(() => document.activeElement?.textContent)).toBe('When would you like to come?');
    await customer.getByLabel('Number of people').selectOption('2');
    await customer.getByTestId('date-option').nth(1).click();
    const fullSlot = customer.getByTestId('slot-option').filter({ hasText: '10:00' });
    await fullSlot.waitFor();
    await expect.poll(() => fullSlot.isDisabled()).toBe(true);
    expect(await fullSlot.textContent()).toContain('Full');
    await snap(customer, 'booking-2-slots-phone');

    // Continue without a time: the step says what is missing.
    await customer.getByRole('button', { name: 'Continue' }).click();
    await customer.getByRole('alert').filter({ hasText: 'Choose a time' }).waitFor();
    await customer.getByTestId('slot-option').filter({ hasText: '14:00' }).click();
    await customer.getByRole('button', { name: 'Continue' }).click();

    // Details: errors are named by field and the first bad field takes the focus.
    await customer.getByRole('heading', { name: 'Your details' }).waitFor();
    await customer.getByRole('button', { name: 'Continue' }).click();
    await customer.getByText('Enter your first name').waitFor();
    expect(await customer.evaluate(() => document.activeElement?.id)).toBe('book-first-name');
    expect(await customer.getByLabel('First name').getAttribute('aria-describedby')).toContain('book-first-name-error');
    await snap(customer, 'booking-3-details-errors-phone');
    await customer.getByLabel('First name').fill('Margaret');
    await customer.getByLabel('Last name').fill('Hamilton');
    await customer.getByLabel('Email').fill(email);
    await customer.getByLabel('Phone (optional)').fill('07911 123456');
    await customer.getByRole('button', { name: 'Continue' }).click();

    await customer.getByRole('heading', { name: 'Check and confirm' }).waitFor();
    await expect.poll(() => sent.some((f) => f.startsWith('40/flow'))).toBe(true);
    // A reload inside the flow keeps the customer's identity and choice (sessionStorage).
    await customer.reload();
    await customer.getByRole('heading', { name: 'Check and confirm' }).waitFor();
    await customer.getByText('Margaret Hamilton').waitFor();
    // …and presents the same identity again on a new /flow socket.
    await expect.poll(() => sent.filter((f) => f.startsWith('40/flow')).length).toBe(2);
    expect(await customer.getByText('2 people').count()).toBeGreaterThan(0);
    await snap(customer, 'booking-4-review-phone');
    await customer.getByRole('button', { name: 'Confirm booking' }).click();

    await customer.getByRole('heading', { name: "You're booked" }).waitFor();
    expect(await customer.locator('main').textContent()).toContain('14:00');
    await snap(customer, 'booking-5-confirmed-phone');
  });

  it('staff see the booking on the customer profile, and cancel it', async () => {
    const found = await staffApi.get(`/api/customers?q=${encodeURIComponent(email)}`);
    expect(found.body.items).toHaveLength(1);
    const ref = found.body.items[0].id;
    expect((await staffApi.get(`/api/customers/${ref}`)).body.source).toBe('online');

    const desk = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInThroughUi(desk, foyer.url, OWNER);
    await desk.goto(`${foyer.url}/customers/${ref}`);
    const section = desk.locator('section#bookings');
    await section.getByTestId('booking').filter({ hasText: 'Afternoon tea' }).waitFor();
    const row = section.getByTestId('booking').first();
    expect(await row.textContent()).toMatch(/14:00 · 2 people/);
    expect(await row.textContent()).toContain('Confirmed');
    await section.scrollIntoViewIfNeeded();
    await snap(desk, 'booking-6-staff-profile');

    await row.getByRole('button', { name: /Cancel the booking for Afternoon tea/ }).click();
    await desk.getByRole('button', { name: 'Cancel booking' }).click();
    await section.getByTestId('booking').filter({ hasText: 'Cancelled' }).waitFor();
    // The timeline says it too.
    await desk.locator('section#activity').getByText('Booking for Afternoon tea cancelled').waitFor();
    await desk.close();
  });

  it('staff configure services under Settings → Services', async () => {
    const desk = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInThroughUi(desk, foyer.url, OWNER);
    await desk.goto(`${foyer.url}/settings#services`);
    await desk.getByTestId('settings-service').filter({ hasText: 'Afternoon tea' }).waitFor();
    await desk.getByRole('button', { name: 'New service' }).click();
    const dialog = desk.getByRole('dialog');
    await dialog.getByLabel('Name', { exact: true }).fill('Sauna');
    await dialog.getByLabel('Duration (minutes)').fill('45');
    await dialog.getByLabel('People per slot').fill('0');
    await dialog.getByRole('button', { name: 'Create service' }).click();
    await dialog.getByText('Capacity is at least 1').waitFor();
    await dialog.getByLabel('People per slot').fill('6');
    // Monday's default 09:00–17:00 and a second period that overlaps it.
    await dialog.getByRole('button', { name: 'Add opening hours on Monday' }).click();
    await dialog.getByLabel('Monday opens').nth(1).fill('16:00');
    await dialog.getByRole('button', { name: 'Create service' }).click();
    await dialog.getByText(/Monday 16:00–22:00 overlaps 09:00–17:00/).waitFor();
    await snap(desk, 'booking-7-service-dialog-errors');
    await dialog.getByLabel('Monday opens').nth(1).fill('18:00');
    await dialog.getByRole('button', { name: 'Create service' }).click();
    await desk.getByTestId('settings-service').filter({ hasText: 'Sauna' }).waitFor();
    const sauna = desk.getByTestId('settings-service').filter({ hasText: 'Sauna' });
    expect(await sauna.textContent()).toContain('Mon 09:00–17:00, 18:00–22:00');
    // Edit: the dialog opens with the service as it is.
    await sauna.getByRole('button', { name: 'Edit Sauna' }).click();
    expect(await dialog.getByLabel('People per slot').inputValue()).toBe('6');
    await dialog.getByLabel('People per slot').fill('4');
    await dialog.getByRole('button', { name: 'Save service' }).click();
    await sauna.getByText('up to 4 people').waitFor();
    await sauna.getByRole('button', { name: 'Deactivate' }).click();
    await sauna.getByText('Inactive').waitFor();
    await snap(desk, 'booking-8-settings-services');

    // The online booking limit (issue 12): a bad number is refused where it was typed, a good one saved.
    const limit = desk.getByRole('form', { name: 'Online booking limit' });
    await limit.getByLabel('Upcoming bookings per customer').fill('0');
    await limit.getByRole('button', { name: 'Save limit' }).click();
    await limit.getByText('A whole number from 1 to 1000').waitFor();
    await limit.getByLabel('Upcoming bookings per customer').fill('3');
    await limit.getByRole('button', { name: 'Save limit' }).click();
    await expect.poll(async () => (await desk.request.get(`${foyer.url}/api/settings`)).json()).toMatchObject({ maxActiveBookingsPerCustomer: 3 });
    await limit.scrollIntoViewIfNeeded();
    await snap(desk, 'booking-9-settings-limit', { fullPage: false });
    await desk.close();
  });
});
