import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, signInThroughUi, snap } from '../support/browser.ts';
import { createTestDatabase } from '../support/db.ts';
import { OWNER } from '../support/foyer.ts';
import { spawnFoyer, type FoyerProcess } from '../support/process.ts';

/**
 * What staff hit in the UI (issue 12 §4) in Chromium: a 96-character name stays in its column, the
 * app works at 1024 px without sideways scrolling, unsaved profile edits are not lost silently, a ban
 * is confirmed with a reason kept in the history, and a company's people show the linking domain.
 */

let foyer: FoyerProcess;
let browser: Browser;
let page: Page;

const longFirst = 'Maximiliana-Alexandrina-Konstantinopoulou';
const longLast = 'Wolfeschlegelsteinhausenbergerdorff-Vanderbilt-Smithey';
const longName = `${longFirst} ${longLast}`;
const ids: Record<string, string> = {};
const numbers: Record<string, string> = {};

async function apiPost<T>(path: string, data: unknown): Promise<T> {
  const res = await page.request.post(`${foyer.url}${path}`, { data, headers: { origin: foyer.url } });
  if (!res.ok()) throw new Error(`${path}: ${res.status()} ${await res.text()}`);
  return (await res.json()) as T;
}
async function apiGet<T>(path: string): Promise<T> {
  const res = await page.request.get(`${foyer.url}${path}`);
  if (!res.ok()) throw new Error(`${path}: ${res.status()} ${await res.text()}`);
  return (await res.json()) as T;
}

/** How far the page scrolls sideways: 0 when everything fits the window. */
const sidewaysOverflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

beforeAll(async () => {
  const databaseUrl = await createTestDatabase();
  [foyer, browser] = await Promise.all([spawnFoyer({ DATABASE_URL: databaseUrl }), launchChromium()]);
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await signInThroughUi(page, foyer.url, OWNER);
  const long = await apiPost<{ id: string; customerNumber: string }>('/api/customers', {
    firstName: longFirst,
    lastName: longLast,
    emails: ['maximiliana.konstantinopoulou@a-very-long-company-domain.example.test'],
    phones: ['+44 20 7946 0958'],
  });
  ids.long = long.id;
  numbers.long = long.customerNumber;
  const short = await apiPost<{ id: string; customerNumber: string }>('/api/customers', {
    firstName: 'Ada',
    lastName: 'Lovelace',
    emails: ['ada@analytical.test'],
  });
  ids.ada = short.id;
  numbers.ada = short.customerNumber;
});

afterAll(async () => {
  await browser?.close();
  await foyer?.stop();
});

describe('long names and narrow windows', () => {
  it('the name is 96 characters', () => {
    expect(longName.length).toBe(96);
  });

  for (const width of [1440, 1280, 1024]) {
    it(`the list at ${width} px keeps the name in its column and does not scroll sideways`, async () => {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${foyer.url}/customers`);
      const link = page.locator(`tr[data-customer-id="${ids.long}"] td:nth-child(2) a`);
      await expect.poll(() => link.textContent()).toBe(longName);
      await snap(page, `staff-ui-list-${width}`, { fullPage: false });
      expect(await link.getAttribute('title')).toBe(longName);
      const cell = await page.locator(`tr[data-customer-id="${ids.long}"] td:nth-child(2)`).boundingBox();
      expect(cell!.width).toBeLessThan(width * 0.4);
      expect(await sidewaysOverflow()).toBe(0);
      // Nor does the table inside its own scroller: the lower-priority columns folded away.
      const table = page.getByTestId('customer-table');
      expect(await table.evaluate((t) => t.parentElement!.scrollWidth - t.parentElement!.clientWidth)).toBe(0);
      expect(await page.getByRole('columnheader', { name: /Primary email/ }).isVisible()).toBe(true);
    });

    it(`the profile at ${width} px truncates the name and shows the whole email`, async () => {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${foyer.url}/customers/${numbers.long}`);
      const heading = page.locator('h1#customer-name');
      await expect.poll(() => heading.getAttribute('title')).toBe(longName);
      await snap(page, `staff-ui-profile-${width}`, { fullPage: false });
      expect(await sidewaysOverflow()).toBe(0);
      expect((await heading.boundingBox())!.width).toBeLessThan(width);
      // The email box is wide enough to read an address (it showed six characters at 1024 px).
      const email = page.locator('#contact input[type="email"]').first();
      expect((await email.boundingBox())!.width).toBeGreaterThan(280);
    });
  }
});

describe('quick-find and every staff page at 1024 px', () => {
  it('quick-find truncates a long name, with the whole name on hover', async () => {
    await page.setViewportSize({ width: 1024, height: 900 });
    await page.goto(`${foyer.url}/customers`);
    await page.waitForLoadState('networkidle');
    await page.keyboard.press('Control+k');
    const dialog = page.getByRole('dialog', { name: 'Find a customer' });
    await dialog.getByRole('combobox', { name: 'Find a customer' }).fill('Maximiliana');
    const name = dialog.getByRole('option').first().getByTitle(longName);
    await name.waitFor();
    const [nameBox, dialogBox] = [await name.boundingBox(), await dialog.boundingBox()];
    expect(nameBox!.x + nameBox!.width).toBeLessThanOrEqual(dialogBox!.x + dialogBox!.width);
    expect(await name.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    await snap(page, 'staff-ui-quickfind-1024', { fullPage: false });
    await page.keyboard.press('Escape');
  });

  for (const path of ['/customers', '/companies', '/doors', '/doors/devices', '/doors/log', '/settings']) {
    it(`${path} does not scroll sideways`, async () => {
      await page.setViewportSize({ width: 1024, height: 900 });
      await page.goto(`${foyer.url}${path}`);
      await page.locator('main h1').first().waitFor();
      expect(await sidewaysOverflow()).toBe(0);
    });
  }
});

describe('a ban is confirmed, with its reason in the history', () => {
  it('asks before banning, and Cancel leaves the customer active', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${foyer.url}/customers/${numbers.ada}`);
    await page.getByRole('group', { name: 'Customer actions' }).getByRole('button', { name: 'Ban' }).click();
    const dialog = page.getByRole('alertdialog', { name: /Ban Ada Lovelace/ });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect((await apiGet<{ status: string }>(`/api/customers/${ids.ada}`)).status).toBe('active');
  });

  it('bans with a reason that the history shows', async () => {
    await page.getByRole('group', { name: 'Customer actions' }).getByRole('button', { name: 'Ban' }).click();
    const dialog = page.getByRole('alertdialog', { name: /Ban Ada Lovelace/ });
    await dialog.getByLabel(/Reason/).fill('Threatened the night porter');
    await snap(page, 'staff-ui-ban-dialog-1440', { fullPage: false });
    await dialog.getByRole('button', { name: 'Ban customer' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(async () => (await apiGet<{ status: string }>(`/api/customers/${ids.ada}`)).status).toBe('banned');
    const history = page.locator('#history');
    await expect.poll(() => history.textContent()).toMatch(/Reason.*Threatened the night porter/s);
    const entries = await apiGet<{ items: { changes: Record<string, { after: unknown }> }[] }>(`/api/customers/${ids.ada}/history`);
    expect(entries.items[0]!.changes.statusReason?.after).toBe('Threatened the night porter');
    // Lifting a ban stays one click.
    await page.getByRole('group', { name: 'Customer actions' }).getByRole('button', { name: 'Unban' }).click();
    await expect.poll(async () => (await apiGet<{ status: string }>(`/api/customers/${ids.ada}`)).status).toBe('active');
  });
});

describe("a company's people", () => {
  it('names the domain of a link made by a second email, and truncates a long name', async () => {
    const company = await apiPost<{ id: string }>('/api/companies', { name: 'Analytical Engines', domains: ['analytical-engines.test'] });
    // Ada's primary email is elsewhere; her second one is at the company's domain.
    const res = await page.request.patch(`${foyer.url}/api/customers/${ids.ada}`, {
      data: { emails: ['ada@analytical.test', 'ada@analytical-engines.test'] },
      headers: { origin: foyer.url },
    });
    expect(res.status()).toBe(200);
    const linked = await page.request.post(`${foyer.url}/api/companies/${company.id}/customers`, {
      data: { customer: ids.long },
      headers: { origin: foyer.url },
    });
    expect(linked.status()).toBe(204);
    await page.goto(`${foyer.url}/companies/${company.id}`);
    const people = page.getByTestId('company-people');
    const adaRow = people.locator('tr', { hasText: 'Ada Lovelace' });
    await expect.poll(() => adaRow.textContent()).toMatch(/via analytical-engines\.test/);
    const longLink = people.getByRole('link', { name: longName });
    expect(await longLink.getAttribute('title')).toBe(longName);
    expect((await longLink.boundingBox())!.width).toBeLessThan(320);
    expect(await people.evaluate((t) => t.parentElement!.scrollWidth - t.parentElement!.clientWidth)).toBe(0);
    await snap(page, 'staff-ui-company-1440', { fullPage: false });
    await page.setViewportSize({ width: 1024, height: 900 });
    expect(await people.evaluate((t) => t.parentElement!.scrollWidth - t.parentElement!.clientWidth)).toBe(0);
    await snap(page, 'staff-ui-company-1024', { fullPage: false });
    await page.setViewportSize({ width: 1440, height: 900 });
  });
});

describe('unsaved profile edits', () => {
  it('asks before a link leaves them, stays on Cancel, and leaves on OK', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${foyer.url}/customers/${numbers.ada}`);
    const firstName = page.locator('#contact').getByLabel('First name');
    await firstName.fill('Augusta');
    const asked: string[] = [];
    page.once('dialog', (d) => {
      asked.push(d.message());
      void d.dismiss();
    });
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Customers' }).click();
    await expect.poll(() => asked.length).toBe(1);
    expect(asked[0]).toMatch(/unsaved changes/);
    expect(new URL(page.url()).pathname).toBe(`/customers/${numbers.ada}`);
    expect(await firstName.inputValue()).toBe('Augusta');

    page.once('dialog', (d) => void d.accept());
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Customers' }).click();
    await page.waitForURL(/\/customers$/);
  });

  it('asks before a reload leaves them (beforeunload)', async () => {
    await page.goto(`${foyer.url}/customers/${numbers.ada}`);
    await page.locator('#contact').getByLabel('First name').fill('Augusta');
    const kinds: string[] = [];
    page.once('dialog', (d) => {
      kinds.push(d.type());
      void d.dismiss();
    });
    // Typing above is the user gesture Chromium wants before it shows a beforeunload prompt.
    await page.reload({ timeout: 3000 }).catch(() => undefined);
    await expect.poll(() => kinds).toEqual(['beforeunload']);
  });

  it('does not ask once the edits are saved', async () => {
    await page.goto(`${foyer.url}/customers/${numbers.ada}`);
    const contact = page.locator('#contact');
    await contact.getByLabel('First name').fill('Augusta');
    await contact.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(async () => (await apiGet<{ firstName: string }>(`/api/customers/${ids.ada}`)).firstName).toBe('Augusta');
    let asked = false;
    page.once('dialog', (d) => {
      asked = true;
      void d.dismiss();
    });
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Customers' }).click();
    await page.waitForURL(/\/customers$/);
    expect(asked).toBe(false);
  });
});
