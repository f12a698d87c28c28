import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, signInThroughUi, snap } from '../support/browser.ts';
import { OWNER } from '../support/foyer.ts';
import { spawnFoyer, type FoyerProcess } from '../support/process.ts';

/**
 * Settings → Team in two browsers: the owner invites, the invitee accepts in a browser of their
 * own, the owner changes their role (the invitee's page follows it live) and deactivates them (the
 * invitee's page says at once that they were signed out, without doing anything).
 */
let foyer: FoyerProcess;
let browser: Browser;
let owner: Page;
let invitee: Page;
const INVITEE = { email: 'sam@team-e2e.test', name: 'Sam Porter', password: 'velvet copper orchard' };

beforeAll(async () => {
  [foyer, browser] = await Promise.all([spawnFoyer(), launchChromium()]);
  owner = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  invitee = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
});
afterAll(async () => {
  await browser?.close();
  await foyer?.stop();
});

const row = (page: Page) => page.locator(`[data-testid="member-row"][data-email="${INVITEE.email}"]`);

describe('the team in the app', () => {
  it('invites by a link that the invitee opens in another browser to join', async () => {
    await signInThroughUi(owner, foyer.url, OWNER);
    await owner.goto(`${foyer.url}/settings/team`);
    await owner.getByLabel('Email').fill(INVITEE.email);
    await owner.getByRole('button', { name: 'Create invitation link' }).click();
    const url = await owner.getByTestId('link-url').inputValue();
    expect(url).toMatch(/\/join#/);
    await owner.getByRole('list', { name: 'Pending invitations' }).getByText(INVITEE.email).waitFor();

    await invitee.goto(url);
    await invitee.getByRole('heading', { name: /^Join / }).waitFor();
    await invitee.getByLabel('Your name').fill(INVITEE.name);
    await invitee.getByLabel('New password').fill(INVITEE.password);
    await invitee.getByRole('button', { name: 'Join and sign in' }).click();
    await invitee.waitForURL(/\/customers$/);
    expect(await invitee.getByTestId('own-name').textContent()).toBe(INVITEE.name);
    expect(await invitee.getByTestId('own-role').textContent()).toBe('Staff');

    await owner.reload();
    await row(owner).waitFor();
    expect(await row(owner).getByTestId('member-status').textContent()).toBe('Active');
  });

  it('changes the role: the invitee’s open page follows it without a reload', async () => {
    await row(owner).getByLabel(`Role of ${INVITEE.name}`).selectOption('manager');
    await invitee.getByTestId('own-role').filter({ hasText: 'Manager' }).waitFor({ timeout: 5000 });
  });

  it('deactivates: the invitee’s page says at once that they were signed out', async () => {
    await row(owner).getByRole('button', { name: 'Deactivate' }).click();
    const started = Date.now();
    await invitee.getByTestId('session-ended').waitFor({ timeout: 5000 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await invitee.getByTestId('session-ended').textContent()).toContain('You were signed out');
    expect(await row(owner).getByTestId('member-status').textContent()).toBe('Deactivated');
    await invitee.reload();
    await invitee.waitForURL(/\/login/);
  });

  it('shows the team page at 1440 and 1024 px', async () => {
    await snap(owner, 'team-1440');
    await owner.setViewportSize({ width: 1024, height: 800 });
    await snap(owner, 'team-1024');
    await owner.goto(`${foyer.url}/settings/account`);
    await owner.getByTestId('own-sessions').waitFor();
    await snap(owner, 'account-1024');
  });
});
