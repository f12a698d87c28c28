import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, signInThroughUi } from '../support/browser.ts';
import { createTestDatabase } from '../support/db.ts';
import { OWNER } from '../support/foyer.ts';
import { spawnFoyer, type FoyerProcess } from '../support/process.ts';

/**
 * axe-core (pinned in test/package.json) on every staff page and each step of the public booking
 * flow, in Chromium: a serious or critical violation fails the test, named with the elements it
 * found, so a regression says where it is.
 */

const axeSource = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

type Violation = { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] };

let foyer: FoyerProcess;
let browser: Browser;
let page: Page;
const refs: Record<string, string> = {};

/** The serious and critical violations of the page as it is now, one line each. */
async function seriousViolations(target: Page): Promise<string[]> {
  await target.addScriptTag({ path: axeSource });
  const violations = await target.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, options: object) => Promise<{ violations: Violation[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id} (${v.help}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

async function apiPost<T>(path: string, data: unknown): Promise<T> {
  const res = await page.request.post(`${foyer.url}${path}`, { data, headers: { origin: foyer.url } });
  if (!res.ok()) throw new Error(`${path}: ${res.status()} ${await res.text()}`);
  return (await res.json()) as T;
}

beforeAll(async () => {
  const databaseUrl = await createTestDatabase();
  [foyer, browser] = await Promise.all([spawnFoyer({ DATABASE_URL: databaseUrl }), launchChromium()]);
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await signInThroughUi(page, foyer.url, OWNER);
  const ada = await apiPost<{ customerNumber: string }>('/api/customers', { firstName: 'Ada', lastName: 'Lovelace', emails: ['ada@acme.test'] });
  refs.customer = ada.customerNumber;
  const company = await apiPost<{ id: string }>('/api/companies', { name: 'Acme', domains: ['acme.test'] });
  refs.company = company.id;
});

afterAll(async () => {
  await browser?.close();
  await foyer?.stop();
});

describe('no serious or critical accessibility violations', () => {
  it('on the login page', async () => {
    const visitor = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    try {
      await visitor.goto(`${foyer.url}/login`);
      await visitor.getByRole('button', { name: 'Sign in' }).waitFor();
      expect(await seriousViolations(visitor)).toEqual([]);
    } finally {
      await visitor.close();
    }
  });

  const staffPages: [string, () => string][] = [
    ['the customer list', () => '/customers'],
    ['a profile', () => `/customers/${refs.customer}`],
    ['the companies', () => '/companies'],
    ['a company', () => `/companies/${refs.company}`],
    ['the doors', () => '/doors'],
    ['the door devices', () => '/doors/devices'],
    ['the door log', () => '/doors/log'],
    ['the settings', () => '/settings'],
    ['the team', () => '/settings/team'],
    ['your account', () => '/settings/account'],
    ['the orders', () => '/orders'],
    ['the day of bookings', () => '/bookings'],
    ['the enquiries inbox', () => '/enquiries'],
    ['the import', () => '/customers/import'],
  ];
  for (const [name, path] of staffPages) {
    it(`on ${name}`, async () => {
      await page.goto(`${foyer.url}${path()}`);
      await page.locator('main h1').first().waitFor();
      await page.waitForLoadState('networkidle');
      expect(await seriousViolations(page)).toEqual([]);
    });
  }

  it('in quick-find with results', async () => {
    await page.goto(`${foyer.url}/customers`);
    await page.waitForLoadState('networkidle');
    await page.keyboard.press('Control+k');
    const box = page.getByRole('dialog', { name: 'Find a customer' }).getByRole('combobox', { name: 'Find a customer' });
    await expect.poll(() => box.evaluate((el) => el === document.activeElement)).toBe(true);
    await box.fill('Ada');
    await page.getByRole('option').first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
  });

  it('on the public enquiry form', async () => {
    const guest = await browser.newPage({ viewport: { width: 390, height: 844 } });
    try {
      await guest.goto(`${foyer.url}/enquire/demo-venue`);
      await guest.getByRole('heading', { name: 'Who is asking?' }).waitFor();
      expect(await seriousViolations(guest)).toEqual([]);
    } finally {
      await guest.close();
    }
  });

  it('on each step of the public booking flow', async () => {
    const guest = await browser.newPage({ viewport: { width: 390, height: 844 } });
    try {
      await guest.goto(`${foyer.url}/book/demo-venue`);
      await guest.getByRole('heading', { name: 'What would you like to book?' }).waitFor();
      expect(await seriousViolations(guest), 'services').toEqual([]);
      await guest.getByRole('button', { name: /Afternoon tea/ }).click();
      await guest.getByRole('heading', { name: 'When would you like to come?' }).waitFor();
      await guest.getByTestId('date-option').nth(1).click();
      const open = guest.locator('[data-testid="slot-option"]:not([disabled])').first();
      await open.waitFor();
      expect(await seriousViolations(guest), 'slots').toEqual([]);
      await open.click();
      await guest.getByRole('button', { name: 'Continue' }).click();
      await guest.getByRole('heading', { name: 'Your details' }).waitFor();
      // With the errors shown: they must be announced and tied to their fields too.
      await guest.getByRole('button', { name: 'Continue' }).click();
      await guest.getByText('Enter your first name').waitFor();
      expect(await seriousViolations(guest), 'details').toEqual([]);
      await guest.getByLabel('First name').fill('Margaret');
      await guest.getByLabel('Last name').fill('Hamilton');
      await guest.getByLabel('Email').fill('margaret@apollo.test');
      await guest.getByRole('button', { name: 'Continue' }).click();
      await guest.getByRole('heading', { name: 'Check and confirm' }).waitFor();
      expect(await seriousViolations(guest), 'review').toEqual([]);
      await guest.getByRole('button', { name: 'Confirm booking' }).click();
      await guest.getByRole('heading', { name: "You're booked" }).waitFor();
      expect(await seriousViolations(guest), 'confirmation').toEqual([]);
    } finally {
      await guest.close();
    }
  });
});
