import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { connect, type Database } from '@foyer/server/platform/db/connect.ts';
import { OFFLINE_GRACE_MS, SWEEP_MS } from '@foyer/server/domains/presence/store.ts';
import { addUser } from '@foyer/server/domains/organizations/service.ts';
import { issueFlowToken } from '@foyer/server/domains/bookings/flow-tokens.ts';
import { launchChromium, signInThroughUi, snap } from '../support/browser.ts';
import { ApiClient } from '../support/client.ts';
import { createTestDatabase } from '../support/db.ts';
import { OWNER } from '../support/foyer.ts';
import { spawnFoyer, type FoyerProcess } from '../support/process.ts';
import { connectFlow, identify, type FlowClient } from '../support/sockets.ts';

/** C7/P1 as staff see it: a customer goes online and offline in the list and on the profile, live; colleagues on the same profile show as avatars. */
let foyer: FoyerProcess;
let database: Database;
let browser: Browser;
let staff: Page;
let colleague: Page;
let ada: { id: string; customerNumber: string };
let token: string;
let flow: FlowClient | undefined;
const COLLEAGUE = { email: 'grace@demo.test', password: 'another long password', name: 'Grace Hopper' };

beforeAll(async () => {
  const databaseUrl = await createTestDatabase();
  database = connect(databaseUrl);
  [foyer, browser] = await Promise.all([spawnFoyer({ DATABASE_URL: databaseUrl }), launchChromium()]);
  const api = new ApiClient(foyer.url);
  await api.login(OWNER.email, OWNER.password);
  const orgId: string = (await api.get('/api/auth/me')).body.organization.id;
  const created = await api.post('/api/customers', { firstName: 'Ada', lastName: 'Lovelace', emails: ['ada@presence.test'] });
  expect(created.status).toBe(201);
  ada = created.body;
  token = await issueFlowToken(database.db, orgId, ada.id);
  await addUser(database.db, orgId, { ...COLLEAGUE, role: 'staff' });
  staff = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  colleague = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
});
afterAll(async () => {
  flow?.close();
  await browser?.close();
  await foyer?.stop();
  await database?.close();
});

const rowDot = (page: Page) => page.locator(`tr[data-customer-id="${ada.id}"] [data-testid="presence-dot"]`);

describe('customer presence in the staff app', () => {
  it('shows the customer go online and offline in the list, without reloading', async () => {
    await signInThroughUi(staff, foyer.url, OWNER);
    const dot = rowDot(staff);
    await dot.waitFor();
    expect(await dot.getAttribute('data-online')).toBe('false');
    expect(await dot.textContent()).toBe('Offline');

    flow = await connectFlow(foyer.url);
    const sent = Date.now();
    expect(await identify(flow, token)).toEqual({ ok: true });
    await staff.locator(`tr[data-customer-id="${ada.id}"] [data-testid="presence-dot"][data-online="true"]`).waitFor({ timeout: 1000 });
    expect(Date.now() - sent).toBeLessThan(1000);
    expect(await dot.textContent()).toBe('Online');
    await snap(staff, 'presence-list-online');

    flow.close();
    await staff
      .locator(`tr[data-customer-id="${ada.id}"] [data-testid="presence-dot"][data-online="false"]`)
      .waitFor({ timeout: OFFLINE_GRACE_MS + SWEEP_MS + 1500 });
    expect(await dot.textContent()).toBe('Offline');
    await snap(staff, 'presence-list-offline');
  });

  it('shows the badge and the colleagues with the same profile open', async () => {
    await staff.goto(`${foyer.url}/customers/${ada.customerNumber}`);
    const badge = staff.getByTestId('presence-badge');
    await badge.waitFor();
    expect((await badge.textContent())?.trim()).toBe('Offline');

    flow = await connectFlow(foyer.url);
    await identify(flow, token);
    await staff.locator('[data-testid="presence-badge"][data-online="true"]').waitFor({ timeout: 1000 });
    expect((await badge.textContent())?.trim()).toBe('Online');

    await signInThroughUi(colleague, foyer.url, COLLEAGUE);
    await colleague.goto(`${foyer.url}/customers/${ada.customerNumber}`);
    const viewers = staff.getByRole('list', { name: 'Also viewing this profile' });
    await viewers.waitFor({ timeout: 2000 });
    expect(await viewers.getByRole('listitem').count()).toBe(1);
    expect(await viewers.getByRole('listitem').getAttribute('title')).toBe(`${COLLEAGUE.name} is viewing this profile`);
    // And the colleague sees the owner.
    await colleague.getByRole('list', { name: 'Also viewing this profile' }).waitFor({ timeout: 2000 });
    // Own avatar is never shown: only colleagues.
    expect(await viewers.getByText(COLLEAGUE.name).count()).toBe(1);
    await snap(staff, 'presence-profile-online-with-colleague');

    // The colleague leaves the profile: the avatar goes.
    await colleague.goto(`${foyer.url}/customers`);
    await viewers.waitFor({ state: 'detached', timeout: 2000 });

    flow.close();
    await staff.locator('[data-testid="presence-badge"][data-online="false"]').waitFor({ timeout: OFFLINE_GRACE_MS + SWEEP_MS + 1500 });
    await snap(staff, 'presence-profile-offline');
  });
});
