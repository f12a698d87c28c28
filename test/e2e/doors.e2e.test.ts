import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import type { EdgeClientToServer, EdgeServerToClient } from '@foyer/schema/realtime';
import { normalizeCredential, type EdgeEntry, type EdgeEvent } from '@foyer/schema/validation';
import { parseConfig } from '@foyer/edge-agent/config.ts';
import { runAgent, type RunningAgent } from '@foyer/edge-agent/run-agent.ts';
import { launchChromium, signInThroughUi, snap } from '../support/browser.ts';
import { ApiClient } from '../support/client.ts';
import { OWNER } from '../support/foyer.ts';
import { spawnFoyer, type FoyerProcess } from '../support/process.ts';

type Delta = Parameters<EdgeServerToClient['delta']>[0];
type Pairing = { deviceId: string; secret: string; credentialKey: string };

const CARD = '0A001B2C3D';

let foyer: FoyerProcess;
let browser: Browser;
let page: Page;
let api: ApiClient;
let ada: { id: string; customerNumber: string };
let door: { id: string; name: string };
let pairing: Pairing;
let device: Socket<EdgeServerToClient, EdgeClientToServer> | undefined;
const snapshot: EdgeEntry[] = [];
const deltas: (Delta & { receivedAt: number })[] = [];
let seq = 0;
let agent: RunningAgent | undefined;
const agentState = mkdtempSync(join(tmpdir(), 'foyer-e2e-agent-'));

beforeAll(async () => {
  [foyer, browser] = await Promise.all([spawnFoyer(), launchChromium()]);
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  api = new ApiClient(foyer.url);
  await api.login(OWNER.email, OWNER.password);
  const a = await api.post('/api/customers', { firstName: 'Ada', lastName: 'Lovelace', emails: ['ada@doors.test'] });
  expect(a.status).toBe(201);
  ada = a.body;
});
afterAll(async () => {
  await agent?.stop();
  rmSync(agentState, { recursive: true, force: true });
  device?.close();
  await browser?.close();
  await foyer?.stop();
});

/** The card's hash as the device computes it: HMAC-SHA256 under the organization's key. */
const hashOf = (value: string) => createHmac('sha256', Buffer.from(pairing.credentialKey, 'base64')).update(normalizeCredential('rfid', value)).digest('hex');

/** One access decision, as the edge agent journals and uploads it. */
const accessEvent = (result: 'granted' | 'denied', reason: EdgeEvent['reason']): EdgeEvent => ({
  seq: ++seq,
  at: new Date().toISOString(),
  doorId: door.id,
  kind: 'access',
  result,
  reason,
  credentialHash: hashOf(CARD),
  credentialMasked: '••••2C3D',
  customerId: ada.id,
});

async function send(event: EdgeEvent) {
  const reply = await device!.timeout(5000).emitWithAck('events', [event]);
  expect(reply).toEqual({ storedThrough: event.seq });
}

/** Marks the page so that a reload (which would clear the mark) is noticed. */
/** The visits on the open profile's timeline (it also lists the profile's own changes). */
const visits = () => page.locator('section#activity [data-testid="activity"][data-type="door_entry"]');
const markPage = () => page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
const stillSamePage = () => page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload === true);

describe('doors, access and the live door log in Chromium', () => {
  it('signs in', () => signInThroughUi(page, foyer.url, OWNER));

  it('adds a door from the Doors page, with its lock type explained', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Doors' }).click();
    await page.waitForURL(/\/doors$/);
    await page.getByRole('button', { name: 'Add door' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Add a door' });
    await expect.poll(() => dialog.textContent()).toMatch(/Stays locked when the power fails/);
    // The demo venue comes with a "Front door": a taken name is refused beside the field.
    const taken = (await api.get('/api/doors')).body.items.find((d: { name: string }) => d.name === 'Front door');
    if (taken) {
      await dialog.getByLabel('Name').fill('Front door');
      await dialog.getByRole('button', { name: 'Add door' }).click();
      await expect.poll(() => dialog.locator('#door-name-error').textContent()).toMatch(/already exists/);
    }
    await dialog.getByLabel('Name').fill('Garden gate');
    await dialog.getByLabel('Location').fill('Main Street entrance');
    // A pulse out of range is refused beside its field, before anything is sent.
    await dialog.getByLabel('Unlock pulse (ms)').fill('50');
    await dialog.getByRole('button', { name: 'Add door' }).click();
    await expect.poll(() => dialog.getByLabel('Unlock pulse (ms)').getAttribute('aria-invalid')).toBe('true');
    await dialog.getByLabel('Unlock pulse (ms)').fill('4000');
    await expect.poll(() => dialog.textContent()).toMatch(/released for 4 s/);
    await dialog.getByRole('radio', { name: /Fail-secure/ }).check();
    await snap(page, 'doors-door-dialog');
    await dialog.getByRole('button', { name: 'Add door' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    await expect
      .poll(() => page.getByTestId('door-row').filter({ hasText: 'Garden gate' }).textContent())
      .toMatch(/Garden gate.*Main Street entrance.*Fail-secure.*Stays locked on power loss.*4 s.*after 30 s/);

    door = (await api.get('/api/doors')).body.items.find((d: { name: string }) => d.name === 'Garden gate');
    expect(door).toMatchObject({ location: 'Main Street entrance', pulseMs: 4000, lockType: 'fail_secure', heldOpenAlarmSeconds: 30 });
    await snap(page, 'doors-list');
  });

  it('grants Ada the door and gives her a card and a wallet pass on her profile', async () => {
    await page.goto(`${foyer.url}/customers/${ada.customerNumber}`);
    const access = page.locator('#door-access');
    await access.getByRole('button', { name: 'Grant access' }).first().click();
    const grant = page.getByRole('dialog', { name: 'Grant door access' });
    await grant.getByLabel('Door', { exact: true }).selectOption({ label: 'Garden gate — Main Street entrance' });
    // An end before now is refused beside the field.
    await grant.getByLabel('Until').fill('2020-01-01T10:00');
    await grant.getByRole('button', { name: 'Grant access' }).click();
    await expect.poll(() => grant.locator('#permission-ends-at-error').textContent()).toMatch(/Access ends in the future/);
    await grant.getByLabel('Until').fill('');
    await grant.getByLabel('Notes').fill('Member, all season');
    await snap(page, 'doors-grant-dialog');
    await grant.getByRole('button', { name: 'Grant access' }).click();
    await expect.poll(() => grant.count()).toBe(0);
    await expect
      .poll(() => page.getByTestId('door-permission').first().textContent())
      .toMatch(/Garden gate.*Active.*From.*Until.*Open-ended.*Member, all season/);

    // An end date, then open-ended again (PATCH with null).
    const permission = page.getByTestId('door-permission').first();
    await permission.getByRole('button', { name: 'Edit access to Garden gate' }).click();
    const edit = page.getByRole('dialog', { name: 'Access to Garden gate' });
    await edit.getByLabel('Until').fill('2030-01-01T18:00');
    await edit.getByRole('button', { name: 'Save access' }).click();
    await expect.poll(() => edit.count()).toBe(0);
    await expect.poll(() => permission.textContent()).toMatch(/Until\s*1 Jan 2030, 18:00/);
    await permission.getByRole('button', { name: 'Edit access to Garden gate' }).click();
    await edit.getByLabel('Until').fill('');
    await edit.getByRole('button', { name: 'Save access' }).click();
    await expect.poll(() => edit.count()).toBe(0);
    await expect.poll(() => permission.textContent()).toMatch(/Until\s*Open-ended/);

    const cards = page.locator('#credentials');
    await cards.getByRole('button', { name: 'Add', exact: true }).click();
    const add = page.getByRole('dialog', { name: 'Add a card or pass' });
    await add.getByLabel('Kind').selectOption({ label: 'Card or fob' });
    await add.getByLabel('Card or fob number').fill('not hex');
    await add.getByRole('button', { name: 'Add', exact: true }).click();
    await expect.poll(() => add.getByLabel('Card or fob number').getAttribute('aria-invalid')).toBe('true');
    await add.getByLabel('Card or fob number').fill(CARD);
    await add.getByLabel('Label').fill('Blue fob');
    await snap(page, 'doors-credential-dialog');
    await add.getByRole('button', { name: 'Add', exact: true }).click();
    // The demo venue's guest holds this very card: refused (to whom is not said) until it is revoked there.
    const demo = await api.get('/api/customers/DEMO-0001/credentials');
    const demoCard = demo.status === 200 ? demo.body.items.find((c: { masked: string }) => c.masked === '••••2C3D') : undefined;
    if (demoCard) {
      await expect.poll(() => add.locator('#credential-value-error').textContent()).toMatch(/already issued/);
      await snap(page, 'doors-credential-taken');
      expect((await api.delete(`/api/credentials/${demoCard.id}`)).status).toBe(204);
      await add.getByRole('button', { name: 'Add', exact: true }).click();
    }
    await expect.poll(() => add.count()).toBe(0);
    await expect.poll(() => page.getByTestId('credential').first().textContent()).toMatch(/••••2C3D.*Blue fob.*Card or fob/);

    // The same card again is refused: it belongs to someone already.
    await cards.getByRole('button', { name: 'Add', exact: true }).click();
    await add.getByLabel('Card or fob number').fill(CARD);
    await add.getByRole('button', { name: 'Add', exact: true }).click();
    await expect.poll(() => add.locator('#credential-value-error').textContent()).toMatch(/already issued/);
    await add.getByRole('button', { name: 'Cancel' }).click();

    // A wallet pass: Foyer makes the code and shows it once, as a QR code and as text.
    await cards.getByRole('button', { name: 'Add', exact: true }).click();
    await add.getByLabel('Kind').selectOption({ label: 'Wallet QR pass' });
    await expect.poll(() => add.getByLabel('Card or fob number').count()).toBe(0);
    await add.getByRole('button', { name: 'Create pass' }).click();
    const pass = page.getByRole('dialog', { name: 'Wallet pass for Ada Lovelace' });
    await expect.poll(() => pass.getByRole('img', { name: /QR code of the wallet pass/ }).count()).toBe(1);
    await expect.poll(() => pass.textContent()).toMatch(/Shown only now/);
    const token = await pass.locator('#wallet-token').getAttribute('data-value');
    expect(token).toMatch(/^[A-Za-z0-9_-]{24}$/);
    await snap(page, 'doors-wallet-pass');
    await pass.getByRole('button', { name: 'Done' }).click();
    await expect.poll(() => page.getByTestId('credential').count()).toBe(2);
    expect((await api.get(`/api/customers/${ada.id}/credentials`)).body.items.map((c: { kind: string }) => c.kind).sort()).toEqual(['qr', 'rfid']);
    await snap(page, 'doors-profile-access');
  });

  it('adds a device, shows its pairing code once, and sees it pair and come online', async () => {
    await page.goto(`${foyer.url}/doors/devices`);
    await page.getByRole('button', { name: 'Add device' }).first().click();
    const add = page.getByRole('dialog', { name: 'Add a device' });
    await add.getByLabel('Name').fill('Front Pi');
    await add.getByRole('checkbox', { name: /Garden gate/ }).check();
    await snap(page, 'doors-device-dialog');
    await add.getByRole('button', { name: 'Add device' }).click();

    const code = page.getByRole('dialog', { name: 'Pair Front Pi' });
    await expect.poll(() => code.locator('#pairing-code').getAttribute('data-value')).toMatch(/^[A-Z2-9]{8}$/);
    const pairingCode = (await code.locator('#pairing-code').getAttribute('data-value'))!;
    await expect.poll(() => code.getByTestId('pairing-expiry').textContent()).toMatch(/expires at .*\(in 1[45] min\)/);
    await expect.poll(() => code.textContent()).toMatch(/pnpm --filter @foyer\/edge-agent start --simulate --config \/tmp\/foyer-edge.json/);
    await expect.poll(() => code.getByTestId('pairing-status').textContent()).toMatch(/Not paired yet/);
    await snap(page, 'doors-pairing-code');

    // The device: trades the code for its secret, as the agent does on its first start…
    const paired = await fetch(`${foyer.url}/api/edge/pair`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: pairingCode }),
    });
    expect(paired.status).toBe(200);
    pairing = (await paired.json()) as Pairing;
    // …connects to /edge, says hello and takes its snapshot.
    device = io(`${foyer.url}/edge`, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      auth: { deviceId: pairing.deviceId, secret: pairing.secret },
    });
    let ended = false;
    device.on('snapshot:chunk', (info) => snapshot.push(...info.entries));
    device.on('snapshot:end', () => (ended = true));
    device.on('delta', (info) => deltas.push({ ...info, receivedAt: Date.now() }));
    await new Promise<void>((resolve, reject) => {
      device!.once('connect', resolve);
      device!.once('connect_error', reject);
    });
    const hello = await device.timeout(5000).emitWithAck('hello', { version: 0, agentVersion: 'e2e' });
    expect(hello.upToDate).toBe(false);
    await expect.poll(() => ended).toBe(true);
    // Ada's two credentials (the fob and the wallet pass), each good for the gate, open-ended.
    expect(snapshot).toHaveLength(2);
    expect(snapshot).toContainEqual(expect.objectContaining({ customerId: ada.id, doorId: door.id, credentialHash: hashOf(CARD), endsAt: null }));
    expect(snapshot.every((e) => e.customerId === ada.id && e.doorId === door.id)).toBe(true);

    // The code dialog notices by itself.
    await expect.poll(() => code.getByTestId('pairing-status').textContent(), { timeout: 10_000 }).toMatch(/Paired.*connected/);
    await code.getByRole('button', { name: 'Done' }).click();
    await page.reload();
    const row = page.getByTestId('device-row').first();
    await expect.poll(() => row.textContent()).toMatch(/Front Pi.*Online.*Now.*Garden gate/);
    await snap(page, 'doors-devices');

    // The device drops and comes back: the row follows live (device:status), no reload, no polling.
    await markPage();
    device.disconnect();
    await expect.poll(() => row.getByTestId('device-status').textContent(), { timeout: 3000 }).toMatch(/Offline/);
    await expect.poll(() => row.textContent()).toMatch(/Front Pi.*Offline.*Just now/);
    await snap(page, 'doors-devices-offline');
    device.connect();
    await expect.poll(() => row.getByTestId('device-status').textContent(), { timeout: 3000 }).toMatch(/Online/);
    expect(await stillSamePage()).toBe(true);
    // Back, the device says hello again as the agent does (deltas follow only after it).
    expect(await device.timeout(5000).emitWithAck('hello', { version: hello.version, agentVersion: 'e2e' })).toMatchObject({ upToDate: true });
  });

  it('shows Ada’s visit live in the door log, announced, and on her profile', async () => {
    await page.goto(`${foyer.url}/doors/log`);
    await expect.poll(() => page.getByTestId('live-status').getAttribute('data-status')).toBe('live');
    await expect.poll(() => page.getByTestId('live-status').textContent()).toMatch(/Live/);
    await markPage();

    await send(accessEvent('granted', 'valid_permission'));
    const first = page.getByTestId('log-row').first();
    await expect.poll(() => first.textContent()).toMatch(/Garden gate.*Granted.*Valid permission.*Ada Lovelace.*••••2C3D.*Front Pi/);
    await expect.poll(() => page.getByTestId('log-announcer').textContent()).toBe('Granted: Ada Lovelace at Garden gate');
    expect(await stillSamePage()).toBe(true);
    await snap(page, 'doors-log-live');

    // The customer's name leads to the profile, where the visit is on the timeline.
    await first.getByRole('link', { name: 'Ada Lovelace' }).click();
    await page.waitForURL(/\/customers\/[0-9a-f]{32}$/);
    await expect.poll(() => visits().first().textContent()).toMatch(/Entered through Garden gate.*Front Pi/);
    await page.locator('#activity').scrollIntoViewIfNeeded();
    await snap(page, 'doors-profile-activity');
  });

  it('a second visit reaches the open profile live', async () => {
    await markPage();
    await send(accessEvent('granted', 'valid_permission'));
    await expect.poll(() => visits().count()).toBe(2);
    expect(await stillSamePage()).toBe(true);
  });

  it('revoking the access on the profile reaches the device within a second', async () => {
    await page.getByRole('button', { name: 'Revoke access to Garden gate' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Revoke access to Garden gate?' });
    const before = deltas.length;
    const clickedAt = Date.now();
    await confirm.getByRole('button', { name: 'Revoke access' }).click();
    await expect.poll(() => deltas.slice(before).find((d) => d.customers.some((c) => c.customerId === ada.id)), { timeout: 2000, interval: 20 }).toBeTruthy();
    const delta = deltas.slice(before).find((d) => d.customers.some((c) => c.customerId === ada.id))!;
    expect(delta.customers.find((c) => c.customerId === ada.id)!.entries).toEqual([]);
    expect(delta.receivedAt - clickedAt).toBeLessThan(1000);
    await expect.poll(() => confirm.count()).toBe(0);
    await expect.poll(() => page.getByTestId('door-permission').count()).toBe(0);
    expect((await api.get(`/api/customers/${ada.id}/door-permissions`)).body.items).toEqual([]);
  });

  it('logs the refused card as Denied, live', async () => {
    await page.goto(`${foyer.url}/doors/log`);
    await expect.poll(() => page.getByTestId('live-status').getAttribute('data-status')).toBe('live');
    await markPage();
    await send(accessEvent('denied', 'no_permission'));
    const first = page.getByTestId('log-row').first();
    await expect.poll(() => first.getAttribute('data-result')).toBe('denied');
    await expect.poll(() => first.textContent()).toMatch(/Garden gate.*Denied.*No access to this door.*Ada Lovelace.*••••2C3D/);
    await expect.poll(() => page.getByTestId('log-announcer').textContent()).toBe('Denied: Ada Lovelace at Garden gate');
    expect(await page.getByTestId('log-row').count()).toBe(3);
    expect(await stillSamePage()).toBe(true);
    await snap(page, 'doors-log-denied');
  });

  it("shows the device's quarantined event, with why, on the devices page; the good event of its batch is in the log", async () => {
    const bad = { ...accessEvent('denied', 'no_permission'), credentialMasked: '••••\u00002C3D' };
    const good = accessEvent('denied', 'no_permission');
    expect(await device!.timeout(5000).emitWithAck('events', [bad, good])).toEqual({ storedThrough: good.seq });
    await page.goto(`${foyer.url}/doors/devices`);
    await page.getByTestId('device-quarantine-link').first().click();
    const quarantine = page.getByTestId('device-quarantine');
    await expect.poll(() => quarantine.textContent()).toMatch(new RegExp(`Events not stored.*${bad.seq}.*malformed: credentialMasked`));
    await snap(page, 'doors-device-quarantine');
    await page.setViewportSize({ width: 1024, height: 800 });
    await snap(page, 'doors-device-quarantine-1024');
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${foyer.url}/doors/log`);
    expect(await page.getByTestId('log-row').count()).toBe(4);
  });

  it('the real edge agent, in simulation mode, pairs and its tap shows in the log live', async () => {
    // Ada may open the gate again; a second device, run by the agent itself, drives it too.
    expect((await api.post(`/api/customers/${ada.id}/door-permissions`, { doorId: door.id })).status).toBe(201);
    const created = await api.post('/api/edge/devices', { name: 'Desk agent', doorIds: [door.id] });
    expect(created.status).toBe(201);
    const config = parseConfig({
      serverUrl: foyer.url,
      pairingCode: created.body.pairingCode,
      stateDir: agentState,
      doors: [{ id: door.id, driver: 'simulated' }],
    });
    agent = await runAgent(config, { simulate: true, log: () => {}, linkReconnect: { initialMs: 100, maxMs: 500 } });
    await expect.poll(() => agent!.link?.synced, { timeout: 10_000 }).toBeTruthy();

    await markPage();
    // What typing the card number into the simulation does.
    const tap = agent.agent.tap({ kind: 'rfid', normalized: CARD }, door.id);
    expect(tap.decision).toMatchObject({ granted: true, reason: 'valid_permission' });
    const first = page.getByTestId('log-row').first();
    await expect.poll(() => first.textContent(), { timeout: 10_000 }).toMatch(/Garden gate.*Granted.*Valid permission.*Ada Lovelace.*••••2C3D.*Desk agent/);
    expect(await stillSamePage()).toBe(true);
    await snap(page, 'doors-log-agent');

    // The same log in dark mode, once the colors' transitions are over.
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForTimeout(1500);
    await snap(page, 'doors-log-dark');
  });

  it('pages older entries with "Load older", from where the list ends, however many arrive meanwhile', async () => {
    await page.emulateMedia({ colorScheme: 'light' });
    // Sixty older decisions, uploaded at once as after an outage.
    const older = Array.from({ length: 60 }, (_, i) => ({
      ...accessEvent('denied', 'cache_stale'),
      at: new Date(Date.UTC(2026, 0, 1, 8, 0, i)).toISOString(),
    }));
    const reply = await device!.timeout(5000).emitWithAck('events', older);
    expect(reply).toEqual({ storedThrough: seq });
    const all = (await api.get('/api/door-events?pageSize=200')).body.items as { id: number }[];
    await page.goto(`${foyer.url}/doors/log`);
    await expect.poll(() => page.getByTestId('log-row').count()).toBe(50);
    await send(accessEvent('granted', 'valid_permission'));
    await expect.poll(() => page.getByTestId('log-row').count()).toBe(51);
    await page.getByRole('button', { name: 'Load older' }).click();
    await expect.poll(() => page.getByText('That is everything in the log.').isVisible()).toBe(true);
    const shown = await page.getByTestId('log-row').evaluateAll((rows) => rows.length);
    expect(shown).toBe(all.length + 1);
    await expect.poll(() => page.getByTestId('log-row').last().textContent()).toMatch(/Denied.*Permissions out of date/);
    await page.getByTestId('log-row').last().scrollIntoViewIfNeeded();
    await snap(page, 'doors-log-older');
  });
});
