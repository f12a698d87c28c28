import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { OFFLINE_GRACE_MS, SWEEP_MS } from '@foyer/server/domains/presence/store.ts';
import { launchChromium, signInThroughUi, snap } from '../support/browser.ts';
import { ApiClient } from '../support/client.ts';
import { OWNER } from '../support/foyer.ts';
import { spawnFoyer, type FoyerProcess } from '../support/process.ts';
import { sleep } from '../support/sockets.ts';

/**
 * C7/C8/P1 together, in two browsers: a customer goes through /book/<slug> on a phone while a staff
 * desk has the customer list and the customer's profile open, and sees them go online and offline.
 * The server runs with a short `flow:done` linger (FLOW_DONE_LINGER_MS) so that the linger can be
 * watched being honoured without waiting a minute.
 */
const LINGER_MS = 6_000;
/** The most the offline announcement may take after the socket goes: the grace, one sweep, and slack. */
const OFFLINE_WITHIN_MS = OFFLINE_GRACE_MS + SWEEP_MS + 1_000;

let foyer: FoyerProcess;
let browser: Browser;
let desk: BrowserContext;
let list: Page;
let profile: Page;
let staffApi: ApiClient;

type Change = { at: number; online: boolean };
type Watched = { page: Page; selector: string };

/**
 * Records, inside the staff page, every value `data-online` takes on `selector` with the time it
 * took it: a flicker to "Offline" during a reload is seen even if it lasts one frame.
 */
async function watchPresence(page: Page, selector: string): Promise<Watched> {
  await page.locator(selector).waitFor();
  await page.evaluate((sel) => {
    const w = window as unknown as { __presence: { at: number; online: boolean }[] };
    w.__presence = [];
    let last: string | null = null;
    const look = () => {
      const el = document.querySelector(sel);
      const value = el?.getAttribute('data-online') ?? null;
      // The text must say the same as the attribute: it is what a screen reader announces.
      if (el && value !== last) {
        last = value;
        w.__presence.push({ at: Date.now(), online: value === 'true' && el.textContent?.trim() === 'Online' });
      }
    };
    look();
    new MutationObserver(look).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  }, selector);
  return { page, selector };
}
const changes = (w: Watched) => w.page.evaluate(() => (window as unknown as { __presence: Change[] }).__presence);
const last = async (w: Watched) => (await changes(w)).at(-1);
async function waitOnline(w: Watched, online: boolean, timeout: number) {
  await w.page.locator(`${w.selector}[data-online="${online}"]`).waitFor({ timeout });
  return (await last(w))!;
}

/** The frames the customer's page sends on its sockets, with when each left. */
function recordFrames(page: Page) {
  const frames: { at: number; text: string }[] = [];
  page.on('websocket', (ws) => ws.on('framesent', (f) => frames.push({ at: Date.now(), text: String(f.payload) })));
  return frames;
}

/** The phone goes from the venue's page to "Check and confirm" with these details. */
async function bookUntilReview(page: Page, who: { firstName: string; lastName: string; email: string }, time: string) {
  await page.goto(`${foyer.url}/book/demo-venue`);
  await page.getByRole('button', { name: /Afternoon tea/ }).click();
  await page.getByRole('heading', { name: 'When would you like to come?' }).waitFor();
  await page.getByTestId('date-option').nth(1).click();
  await page.getByTestId('slot-option').filter({ hasText: time }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('heading', { name: 'Your details' }).waitFor();
  await page.getByLabel('First name').fill(who.firstName);
  await page.getByLabel('Last name').fill(who.lastName);
  await page.getByLabel('Email').fill(who.email);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('heading', { name: 'Check and confirm' }).waitFor();
}

const phone = () => browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });

/** A customer the venue already knows: the flow matches them by email, so the desk can have them open beforehand. */
/**
 * A guest the venue knows from an earlier visit through the booking flow. Their email is already on
 * file, so the flow (which cannot tell them from a stranger typing it) keeps them on a record of
 * their own flagged as a possible duplicate of the one on file, and finds that record again each time
 * they come back with the same names: that record is the one the desk watches.
 */
async function knownCustomer(firstName: string, lastName: string) {
  const email = `${firstName.toLowerCase()}.${Date.now()}@guest.test`;
  const created = await staffApi.post('/api/customers', { firstName, lastName, emails: [email] });
  expect(created.status).toBe(201);
  const earlier = await new ApiClient(foyer.url).post('/api/public/book/demo-venue/identify', { firstName, lastName, email });
  expect(earlier.status, earlier.text).toBe(200);
  const flowCustomer = JSON.parse(Buffer.from(String(earlier.body.flowToken).split('.')[0]!, 'base64url').toString()).c as string;
  const record = await staffApi.get(`/api/customers/${flowCustomer.replaceAll('-', '')}`);
  expect(record.status, record.text).toBe(200);
  return { id: record.body.id as string, customerNumber: record.body.customerNumber as string, firstName, lastName, email };
}

beforeAll(async () => {
  [foyer, browser] = await Promise.all([spawnFoyer({ FLOW_DONE_LINGER_MS: String(LINGER_MS) }), launchChromium()]);
  staffApi = new ApiClient(foyer.url);
  await staffApi.login(OWNER.email, OWNER.password);
  desk = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  list = await desk.newPage();
  await signInThroughUi(list, foyer.url, OWNER);
  profile = await desk.newPage();
});
afterAll(async () => {
  await browser?.close();
  await foyer?.stop();
});

describe('a customer in the booking flow, as the staff desk sees it', () => {
  it('online within a second of giving their details, no flicker on a reload, online after confirming, offline after closing the page', async () => {
    const margaret = await knownCustomer('Margaret', 'Hamilton');
    await list.reload();
    await profile.goto(`${foyer.url}/customers/${margaret.customerNumber}`);
    const row = await watchPresence(list, `tr[data-customer-id="${margaret.id}"] [data-testid="presence-dot"]`);
    const badge = await watchPresence(profile, '[data-testid="presence-badge"]');
    expect(await changes(row)).toEqual([expect.objectContaining({ online: false })]);
    expect(await changes(badge)).toEqual([expect.objectContaining({ online: false })]);

    const context = await phone();
    const customer = await context.newPage();
    const frames = recordFrames(customer);
    await bookUntilReview(customer, margaret, '14:00');

    // The flow names the customer on its socket; the desk says so within a second, in both places.
    const identifyFrame = () => frames.find((f) => f.text.startsWith('42/flow') && f.text.includes('flow:identify'));
    await expect.poll(identifyFrame).toBeTruthy();
    const identified = identifyFrame();
    const [rowOnline, badgeOnline] = await Promise.all([waitOnline(row, true, 1500), waitOnline(badge, true, 1500)]);
    expect(rowOnline.online && badgeOnline.online).toBe(true);
    expect(rowOnline.at - identified!.at).toBeLessThan(1000);
    expect(badgeOnline.at - identified!.at).toBeLessThan(1000);
    await snap(customer, 'booking-presence-1-review-phone');
    await snap(list, 'booking-presence-2-list-online');
    await snap(profile, 'booking-presence-3-profile-online');

    // A reload inside the flow: a new socket names the customer again, and the desk never says
    // "Offline" meanwhile, not even after the grace has passed.
    const identifiesBefore = frames.filter((f) => f.text.includes('flow:identify')).length;
    await customer.reload();
    await customer.getByRole('heading', { name: 'Check and confirm' }).waitFor();
    await expect.poll(() => frames.filter((f) => f.text.includes('flow:identify')).length).toBe(identifiesBefore + 1);
    await sleep(OFFLINE_GRACE_MS + SWEEP_MS + 500);
    expect((await changes(row)).map((c) => c.online)).toEqual([false, true]);
    expect((await changes(badge)).map((c) => c.online)).toEqual([false, true]);

    // Confirming: the page tells the server it is done, and the customer stays online (the linger).
    await customer.getByRole('button', { name: 'Confirm booking' }).click();
    await customer.getByRole('heading', { name: "You're booked" }).waitFor();
    await expect.poll(() => frames.some((f) => f.text === '42/flow,["flow:done"]')).toBe(true);
    await snap(customer, 'booking-presence-4-booked-phone');
    await sleep(1000);
    expect((await changes(badge)).map((c) => c.online)).toEqual([false, true]);
    expect(await profile.getByTestId('presence-badge').textContent()).toContain('Online');

    // The customer closes the page, well before the linger ends: offline after the grace.
    const closedAt = Date.now();
    await customer.close();
    const [rowOffline, badgeOffline] = await Promise.all([waitOnline(row, false, OFFLINE_WITHIN_MS), waitOnline(badge, false, OFFLINE_WITHIN_MS)]);
    for (const offline of [rowOffline, badgeOffline]) {
      expect(offline.online).toBe(false);
      expect(offline.at - closedAt).toBeGreaterThanOrEqual(OFFLINE_GRACE_MS - 100);
      expect(offline.at - closedAt).toBeLessThan(OFFLINE_WITHIN_MS);
    }
    expect(await list.locator(row.selector).textContent()).toBe('Offline');
    await snap(list, 'booking-presence-5-list-offline');
    await snap(profile, 'booking-presence-6-profile-offline');
    // The booking is on the profile (the page loaded it before; a reload shows it).
    await profile.reload();
    await profile.locator('section#bookings').getByTestId('booking').filter({ hasText: 'Afternoon tea' }).waitFor();
    await context.close();
  }, 60_000);

  it('a confirmation page left open lets the customer go offline once the linger has passed', async () => {
    const alan = await knownCustomer('Alan', 'Turing');
    await profile.goto(`${foyer.url}/customers/${alan.customerNumber}`);
    const badge = await watchPresence(profile, '[data-testid="presence-badge"]');
    const context = await phone();
    const customer = await context.newPage();
    const frames = recordFrames(customer);
    await bookUntilReview(customer, alan, '15:00');
    await waitOnline(badge, true, 1500);

    await customer.getByRole('button', { name: 'Confirm booking' }).click();
    await customer.getByRole('heading', { name: "You're booked" }).waitFor();
    await expect.poll(() => frames.some((f) => f.text === '42/flow,["flow:done"]')).toBe(true);
    const doneAt = frames.find((f) => f.text === '42/flow,["flow:done"]')!.at;

    const offline = await waitOnline(badge, false, LINGER_MS + OFFLINE_WITHIN_MS);
    // Not before the linger and the grace; and the page is still open, its socket still connected.
    expect(offline.at - doneAt).toBeGreaterThanOrEqual(LINGER_MS + OFFLINE_GRACE_MS - 100);
    expect(offline.at - doneAt).toBeLessThan(LINGER_MS + OFFLINE_WITHIN_MS);
    expect(customer.isClosed()).toBe(false);
    expect(await customer.getByRole('heading', { name: "You're booked" }).isVisible()).toBe(true);
    expect((await changes(badge)).map((c) => c.online)).toEqual([false, true, false]);
    await snap(profile, 'booking-presence-7-profile-offline-after-linger');
    await context.close();
  }, 60_000);
});
