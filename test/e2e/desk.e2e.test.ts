import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { addDays, localDateOf } from '@foyer/schema/validation';
import { launchChromium, signInThroughUi, snap } from '../support/browser.ts';
import { ApiClient } from '../support/client.ts';
import { OWNER } from '../support/foyer.ts';
import { spawnFoyer, type FoyerProcess } from '../support/process.ts';

// C8 end to end: the desk takes a phone booking from a profile, finds it in the day view and
// checks the guest in (a colleague's day view follows live); a guest sends the public enquiry form
// on a phone, and staff assign it and mark it won in the inbox.

let foyer: FoyerProcess;
let browser: Browser;
let desk: BrowserContext;
let colleague: BrowserContext;
let staffApi: ApiClient;
let timezone: string;
let ownerName: string;

beforeAll(async () => {
  [foyer, browser] = await Promise.all([spawnFoyer(), launchChromium()]);
  staffApi = new ApiClient(foyer.url);
  await staffApi.login(OWNER.email, OWNER.password);
  timezone = (await staffApi.get('/api/settings')).body.timezone;
  ownerName = (await staffApi.get('/api/auth/me')).body.user.name;
  desk = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  colleague = await browser.newContext({ viewport: { width: 1024, height: 900 } });
});
afterAll(async () => {
  await browser?.close();
  await foyer?.stop();
});

async function signedIn(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await signInThroughUi(page, foyer.url, OWNER);
  return page;
}

describe('staff bookings and the day (C8)', () => {
  it('takes a phone booking from a profile, shows it in the day view, and checks the guest in, live for a colleague', async () => {
    const created = await staffApi.post('/api/customers', { firstName: 'Grace', lastName: 'Hopper', emails: [`grace.${Date.now()}@guest.test`] });
    expect(created.status).toBe(201);
    const ref = created.body.id as string;
    const tomorrow = addDays(localDateOf(new Date(), timezone), 1);
    const day = (await staffApi.get(`/api/bookings/day?date=${tomorrow}`)).body;
    const tea = day.services.find((s: { name: string }) => s.name === 'Afternoon tea');
    const ten = tea.slots.find((s: { time: string }) => s.time === '10:00');

    const page = await signedIn(desk);
    await page.goto(`${foyer.url}/customers/${ref}`);
    const section = page.locator('section#bookings');
    await section.getByRole('button', { name: 'New booking' }).click();
    const dialog = page.getByRole('dialog', { name: 'New booking' });
    await dialog.getByLabel('Service').selectOption({ label: 'Afternoon tea · up to 8 people' });
    await dialog.getByLabel('Date').fill(tomorrow);
    // Without a time the form says what is missing, beside the field.
    await dialog.getByRole('button', { name: 'Book' }).click();
    await dialog.getByText('Choose a time', { exact: true }).waitFor();
    await dialog.getByLabel('Time').selectOption(ten.startsAt);
    await dialog.getByLabel('Number of people').fill('2');
    expect(await dialog.getByLabel('On the phone').isChecked()).toBe(true);
    await snap(page, 'desk-1-new-booking-1440', { fullPage: false });
    await dialog.getByRole('button', { name: 'Book' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const row = section.getByTestId('booking').filter({ hasText: 'Afternoon tea' });
    await row.getByText('Booked on the phone').waitFor();
    expect(await row.textContent()).toContain('2 people');

    // A colleague has tomorrow's day open on another screen.
    const other = await signedIn(colleague);
    await other.goto(`${foyer.url}/bookings?date=${tomorrow}`);
    const theirRow = other.getByTestId('day-booking').filter({ hasText: 'Grace Hopper' });
    await theirRow.getByTestId('booking-status').filter({ hasText: 'Expected' }).waitFor();

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Bookings' }).click();
    await page.waitForURL(/\/bookings$/);
    await page.getByRole('button', { name: 'Next day' }).click();
    await page.waitForURL(new RegExp(`date=${tomorrow}`));
    const slot = page.getByTestId('day-slot').filter({ hasText: 'Grace Hopper' });
    expect(await slot.getAttribute('data-time')).toBe('10:00');
    expect(await slot.getByTestId('slot-capacity').textContent()).toContain('2 of 8 booked');
    const mine = slot.getByTestId('day-booking').filter({ hasText: 'Grace Hopper' });
    expect(await mine.textContent()).toContain('Phone');
    await snap(page, 'desk-2-day-view-1440');

    await mine.getByRole('button', { name: 'Check in Grace Hopper' }).click();
    await mine
      .getByTestId('booking-status')
      .filter({ hasText: /Arrived \d\d:\d\d · desk/ })
      .waitFor();
    // The colleague's screen follows without a reload.
    await theirRow
      .getByTestId('booking-status')
      .filter({ hasText: /Arrived .* desk/ })
      .waitFor({ timeout: 10_000 });
    expect(await other.getByTestId('day-summary').textContent()).toMatch(/Arrived\s*1/);
    await snap(other, 'desk-3-day-view-live-1024');

    // The profile's timeline says both.
    await page.goto(`${foyer.url}/customers/${ref}`);
    await page.locator('[data-type="booking_checked_in"]').waitFor();
    expect(await page.locator('[data-type="booking_confirmed"]').textContent()).toContain('Booked Afternoon tea');
    await page.close();
    await other.close();
  });

  it('takes bookings from the Bookings page: a walk-in added inline with a first name and a phone, a customer found by name, and a move', async () => {
    const tomorrow = addDays(localDateOf(new Date(), timezone), 1);
    const day = (await staffApi.get(`/api/bookings/day?date=${tomorrow}`)).body;
    const tea = day.services.find((s: { name: string }) => s.name === 'Afternoon tea');
    const at = (time: string) => tea.slots.find((s: { time: string }) => s.time === time).startsAt as string;

    const page = await signedIn(await browser.newContext({ viewport: { width: 1024, height: 900 } }));
    await page.goto(`${foyer.url}/bookings?date=${tomorrow}`);
    await page.getByRole('button', { name: 'New booking' }).click();
    const dialog = page.getByRole('dialog', { name: 'New booking' });
    await dialog.getByLabel('New customer').check();
    // C4: a first name alone is not enough; the server says so, and nothing is booked.
    await dialog.getByLabel('First name').fill('Walter');
    await dialog.getByLabel('Service').selectOption({ label: 'Afternoon tea · up to 8 people' });
    await dialog.getByLabel('Time').selectOption(at('10:00'));
    await dialog.getByLabel('At the desk').check();
    await dialog.getByRole('button', { name: 'Book' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'A customer needs' }).waitFor();
    await dialog.getByRole('textbox', { name: 'Phone' }).fill('07911 123457');
    await snap(page, 'desk-4-walk-in-1024', { fullPage: false });
    await dialog.getByRole('button', { name: 'Book' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const walkIn = page.getByTestId('day-booking').filter({ hasText: 'Walter' });
    await walkIn.waitFor();
    expect(await walkIn.textContent()).toContain('Desk');
    expect(await page.getByTestId('day-slot').filter({ hasText: 'Walter' }).getByTestId('slot-capacity').textContent()).toContain('3 of 8 booked');

    await page.getByRole('button', { name: 'New booking' }).click();
    await dialog.getByLabel('Search customers').fill('Grace Hop');
    await dialog.getByRole('button', { name: /Grace Hopper/ }).click();
    await dialog.getByText('Grace Hopper').first().waitFor();
    await dialog.getByLabel('Service').selectOption({ label: 'Afternoon tea · up to 8 people' });
    await dialog.getByLabel('Time').selectOption(at('11:00'));
    await dialog.getByRole('button', { name: 'Book' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByTestId('day-slot').filter({ hasText: '11:00' }).getByText('Grace Hopper').waitFor();
    await snap(page, 'desk-5-day-two-slots-1024');

    // Walter's party moves to noon.
    await page.getByRole('button', { name: 'Move the booking of Walter' }).click();
    const move = page.getByRole('dialog', { name: 'Move booking' });
    await move.getByLabel('Time').selectOption(at('12:00'));
    await move.getByRole('button', { name: 'Move booking' }).click();
    await move.waitFor({ state: 'hidden' });
    await page.getByTestId('day-slot').filter({ hasText: '12:00' }).getByText('Walter').waitFor();
    expect(await page.getByTestId('day-slot').filter({ hasText: '10:00' }).getByTestId('slot-capacity').textContent()).toContain('2 of 8 booked');
    await page.close();
  });
});

describe('the public enquiry form and the inbox (C8)', () => {
  it('a guest sends an enquiry on a phone; staff see it arrive, assign it and mark it won', async () => {
    const inbox = await signedIn(await browser.newContext({ viewport: { width: 1440, height: 900 } }));
    await inbox.goto(`${foyer.url}/enquiries`);
    await inbox.getByRole('heading', { name: 'Enquiries' }).waitFor();
    await inbox.getByText('No enquiries yet.').waitFor();
    await inbox.getByTestId('live-status').filter({ hasText: /live/i }).waitFor();

    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const guest = await phone.newPage();
    const sent: string[] = [];
    guest.on('websocket', (ws) => ws.on('framesent', (f) => sent.push(String(f.payload))));
    await guest.goto(`${foyer.url}/enquire/demo-venue`);
    await guest.getByRole('heading', { name: 'Who is asking?' }).waitFor();
    await guest.getByRole('button', { name: 'Continue' }).click();
    await guest.getByText('Enter your first name').waitFor();
    await guest.getByText('Enter an email or a phone number').waitFor();
    expect(await guest.evaluate(() => document.activeElement?.id)).toBe('enquire-first-name');
    await snap(guest, 'enquiry-1-details-errors-390');
    await guest.getByLabel('First name').fill('Ada');
    await guest.getByLabel('Last name (optional)').fill('Byron');
    await guest.getByLabel('Email').fill(`ada.${Date.now()}@guest.test`);
    await guest.getByRole('button', { name: 'Continue' }).click();

    await guest.getByRole('heading', { name: 'What would you like?' }).waitFor();
    // Online for staff while writing: the page presents its flow token on /flow.
    await expect.poll(() => sent.some((f) => f.includes('flow:identify'))).toBe(true);
    await guest.getByRole('button', { name: 'Send enquiry' }).click();
    await guest.getByText('Tell the venue what you would like').waitFor();
    await guest.getByLabel('Your message').fill('A private room for a birthday dinner, please.');
    await guest.getByLabel('Date (optional)').fill(addDays(localDateOf(new Date(), timezone), 30));
    await guest.getByLabel('People (optional)').fill('12');
    await snap(guest, 'enquiry-2-message-390');
    await guest.getByRole('button', { name: 'Send enquiry' }).click();
    await guest.getByRole('heading', { name: 'Enquiry sent' }).waitFor();
    await snap(guest, 'enquiry-3-sent-390');
    expect(await guest.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    // The inbox shows it without a reload.
    const card = inbox.getByTestId('enquiry').filter({ hasText: 'Ada Byron' });
    await card.waitFor({ timeout: 10_000 });
    expect(await card.textContent()).toContain('A private room for a birthday dinner');
    expect(await card.textContent()).toContain('12 people');
    expect(await card.getByTestId('enquiry-status').textContent()).toContain('New');
    await snap(inbox, 'enquiry-4-inbox-1440');

    await card.getByLabel('Assignee').selectOption({ label: ownerName });
    await inbox.getByText(`assigned to ${ownerName}`).waitFor();
    await card.getByLabel('Status').selectOption('won');
    await card.getByTestId('enquiry-status').filter({ hasText: 'Won' }).waitFor();
    await inbox.getByTestId('filter-won').click();
    await inbox.waitForURL(/status=won/);
    await inbox.getByTestId('enquiry').filter({ hasText: 'Ada Byron' }).waitFor();
    await inbox.setViewportSize({ width: 1024, height: 900 });
    await snap(inbox, 'enquiry-5-inbox-won-1024');

    // The customer's timeline has the enquiry and its outcome.
    await inbox.getByRole('link', { name: 'Ada Byron' }).click();
    await inbox.locator('[data-type="enquiry_status_changed"]').filter({ hasText: 'Enquiry won' }).waitFor();
    await inbox.locator('[data-type="enquiry_received"]').waitFor();
    expect(await inbox.getByTestId('profile-enquiry').textContent()).toMatch(/A private room for a birthday dinner.*Won/s);
    await inbox.locator('section#enquiries').scrollIntoViewIfNeeded();
    await snap(inbox, 'enquiry-6-profile-1024', { fullPage: false });
    await phone.close();
  });
});
