import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, snap } from '../support/browser.ts';
import { OWNER } from '../support/foyer.ts';
import { spawnFoyer, type FoyerProcess } from '../support/process.ts';

let foyer: FoyerProcess;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  [foyer, browser] = await Promise.all([spawnFoyer(), launchChromium()]);
  page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
});
afterAll(async () => {
  await browser?.close();
  await foyer?.stop();
});

describe('a member of staff manages customers in Chromium', () => {
  it('is sent to sign in, and told when the password is wrong', async () => {
    await page.goto(`${foyer.url}/customers`);
    await page.waitForURL(/\/login\?next=%2Fcustomers/);
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/incorrect/);
    await snap(page, 'login-error');
  });

  it('signs in and lands on the empty customer list', async () => {
    await page.getByLabel('Password').fill(OWNER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/customers$/);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toMatch(/Customers/);
  });

  it('refuses a customer below the minimum identity, naming what is missing beside the fields', async () => {
    await page.getByRole('button', { name: 'New customer' }).first().click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('First name').fill('Margaret');
    await dialog.getByLabel('Phone 1').fill('12');
    await dialog.getByRole('button', { name: 'Create customer' }).click();
    await expect.poll(() => dialog.textContent()).toMatch(/not a valid phone number/i);
    await expect.poll(() => dialog.getByLabel('Phone 1').getAttribute('aria-invalid')).toBe('true');
    await dialog.getByLabel('Phone 1').fill('');
    await dialog.getByRole('button', { name: 'Create customer' }).click();
    await expect.poll(() => dialog.textContent()).toMatch(/A customer needs a first and last name, an email/);
    await snap(page, 'new-customer-errors');
  });

  it('creates a customer and finds it in the list, also after a reload', async () => {
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Last name').fill('Hamilton');
    await dialog.getByLabel('Email 1').fill('margaret@apollo.test');
    await dialog.getByLabel('Phone 1').fill('020 7946 0958');
    await dialog.getByRole('button', { name: 'Create customer' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    const row = page.getByRole('row', { name: /Margaret Hamilton/ });
    await expect.poll(() => row.textContent()).toMatch(/margaret@apollo\.test/);
    await page.reload();
    await expect.poll(() => row.textContent()).toMatch(/\+44 20 7946 0958|020 7946 0958|\+442079460958/);
    await snap(page, 'customer-list');
  });

  it('says which customer already holds an email', async () => {
    await page.getByRole('button', { name: 'New customer' }).first().click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Email 1').fill('MARGARET@apollo.test');
    await dialog.getByRole('button', { name: 'Create customer' }).click();
    await expect.poll(() => dialog.textContent()).toMatch(/already belongs to customer C\d+/);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
  });

  it('edits contact details on the profile, and they survive a reload', async () => {
    await page.getByRole('link', { name: /Margaret Hamilton/ }).click();
    await page.waitForURL(/\/customers\/[^/]+$/);
    const form = page.getByRole('form', { name: 'Contact details' });
    await form.getByLabel('Last name').fill('Hamilton-Smith');
    await form.getByRole('button', { name: /Add (another )?phone/i }).click();
    await form.getByLabel('Phone 2').fill('+33 1 42 68 53 00');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toMatch(/Margaret Hamilton-Smith/);
    await page.reload();
    await expect.poll(() => form.getByLabel('Last name').inputValue()).toBe('Hamilton-Smith');
    await expect.poll(() => form.getByLabel('Phone 2').inputValue()).toMatch(/42 68 53 00/);
    await expect.poll(() => page.textContent('body')).toMatch(/lastName|Last name/);
    await snap(page, 'customer-profile');
  });

  it('signs out, and the list is no longer reachable', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login/);
    await page.goto(`${foyer.url}/customers`);
    await page.waitForURL(/\/login/);
  });
});

describe('before the app has started in the browser', () => {
  it('marks the page disabled and sends no form, so a password never lands in an address', async () => {
    const early = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    // Hold the app's scripts (not its styles) back, as a slow connection would, until the form has been submitted.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await early.route('**/_app/immutable/**/*.js', async (route) => {
      await held;
      await route.continue();
    });
    const sent: string[] = [];
    early.on('request', (request) => sent.push(request.url()));

    await early.goto(`${foyer.url}/login`, { waitUntil: 'commit' });
    await early.waitForSelector('form[aria-label="Sign in"]', { state: 'attached' });
    expect(await early.locator('#app').getAttribute('aria-disabled')).toBe('true');
    // A person does not wait for scripts: they type and press the button (force: past the disabled state).
    await early.getByLabel('Email').fill(OWNER.email, { force: true });
    await early.getByLabel('Password').fill(OWNER.password, { force: true });
    await early.getByRole('button', { name: 'Sign in' }).click({ force: true });
    release();
    await expect.poll(() => early.locator('#app').getAttribute('aria-disabled')).toBeNull();
    expect(sent.filter((url) => url.includes('password'))).toEqual([]);
    expect(early.url()).toBe(`${foyer.url}/login`);

    // Once started, the same form signs in.
    await early.getByLabel('Password').fill(OWNER.password);
    await early.getByRole('button', { name: 'Sign in' }).click();
    await early.waitForURL(/\/customers$/);
    await early.close();
  });

  it('without scripts at all, the sign-in form posts: the password is never in an address', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const bare = await context.newPage();
    const sent: { method: string; url: string }[] = [];
    bare.on('request', (request) => sent.push({ method: request.method(), url: request.url() }));
    await bare.goto(`${foyer.url}/login`);
    await bare.getByLabel('Email').fill(OWNER.email, { force: true });
    await bare.getByLabel('Password').fill(OWNER.password, { force: true });
    await bare.getByRole('button', { name: 'Sign in' }).click({ force: true });
    await expect.poll(() => sent.some((r) => r.method === 'POST')).toBe(true);
    expect(sent.filter((r) => r.url.includes('password'))).toEqual([]);
    await context.close();
  });
});
