import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import * as Y from 'yjs';
import type { Browser, Page } from 'playwright-core';
import { fromSystemId } from '@foyer/schema/validation';
import { artifactsDir, launchChromium, signInThroughUi, snap } from '../support/browser.ts';
import { ApiClient } from '../support/client.ts';
import { createTestDatabase } from '../support/db.ts';
import { OWNER } from '../support/foyer.ts';
import { NoteEditor } from '../support/notes.ts';
import { spawnFoyer, type FoyerProcess } from '../support/process.ts';

/** A small real PNG (a 40×40 gradient), made here so the test needs no fixture file. */
function makePng(size = 40): Buffer {
  const crc32 = (buf: Buffer) => {
    let crc = 0xffffffff;
    for (const byte of buf) {
      crc ^= byte;
      for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
    }
    return (crc ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const rows: number[] = [];
  for (let y = 0; y < size; y++) {
    rows.push(0); // no filter
    for (let x = 0; x < size; x++) rows.push(15 + x * 4, 118, 110 + y * 3);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.from(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

let databaseUrl: string;
let foyer: FoyerProcess;
let browser: Browser;
let page: Page;
let api: ApiClient;
let ada: { id: string; customerNumber: string };
let grace: { id: string; customerNumber: string };
let initech: { id: string; name: string };
let photoPath: string;

beforeAll(async () => {
  databaseUrl = await createTestDatabase();
  [foyer, browser] = await Promise.all([spawnFoyer({ DATABASE_URL: databaseUrl }), launchChromium()]);
  page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  api = new ApiClient(foyer.url);
  await api.login(OWNER.email, OWNER.password);
  const a = await api.post('/api/customers', { firstName: 'Ada', lastName: 'Lovelace', emails: ['ada@acme.test'], phones: ['020 7946 0958'] });
  const g = await api.post('/api/customers', { firstName: 'Grace', lastName: 'Hopper', emails: ['grace@acme.test'] });
  expect([a.status, g.status]).toEqual([201, 201]);
  [ada, grace] = [a.body, g.body];
  // Someone at no company domain, to add by hand; and a second company to link from a profile.
  expect((await api.post('/api/customers', { firstName: 'Linus', lastName: 'Torvalds', emails: ['linus@kernel.test'] })).status).toBe(201);
  const i = await api.post('/api/companies', { name: 'Initech' });
  expect(i.status).toBe(201);
  initech = i.body;
  // An earlier number, so the profile has one to list.
  expect((await api.patch(`/api/customers/${ada.id}`, { phones: ['+33 1 42 68 53 00'] })).status).toBe(200);
  photoPath = join(mkdtempSync(join(tmpdir(), 'foyer-photo-')), 'ada.png');
  writeFileSync(photoPath, makePng());
});
afterAll(async () => {
  await browser?.close();
  await foyer?.stop();
});

/**
 * Grace gets what a delete used to take silently: door access and a card, visits, an upcoming and
 * a past booking, notes and a file. Access goes through the API; what only devices, the public
 * flow or the editor write is put in the database directly.
 */
async function giveGraceEverything() {
  const door = await api.post('/api/doors', { name: 'Garden gate' });
  expect(door.status).toBe(201);
  expect((await api.post(`/api/customers/${grace.id}/door-permissions`, { doorId: door.body.id })).status).toBe(201);
  expect((await api.post(`/api/customers/${grace.id}/credentials`, { kind: 'barcode', value: '55501234' })).status).toBe(201);
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const id = fromSystemId(grace.id);
    const orgId = (await db.query('select org_id from customers where id = $1', [id])).rows[0].org_id;
    const device = (await db.query(`insert into edge_devices (org_id, name) values ($1, 'Gate Pi') returning id`, [orgId])).rows[0].id;
    for (let seq = 1; seq <= 3; seq++) {
      const at = `now() - interval '${seq} days'`;
      const event = await db.query(
        `insert into door_events (org_id, device_id, seq, door_id, kind, result, reason, customer_id, occurred_at)
         values ($1, $2, $3, $4, 'access', 'granted', 'permitted', $5, ${at}) returning id`,
        [orgId, device, seq, door.body.id, id],
      );
      // What the timeline's subscriber writes of the door.visited event the device's report makes.
      const visit = {
        doorEventId: Number(event.rows[0].id),
        door: { id: door.body.id, name: 'Garden gate' },
        device: { id: device, name: 'Gate Pi' },
        actor: null,
      };
      await db.query(
        `insert into activities (org_id, customer_id, category, type, source, occurred_at, data) values ($1, $2, 'visit', 'door_entry', 'edge', ${at}, $3)`,
        [orgId, id, JSON.stringify(visit)],
      );
    }
    const service = (await db.query('select id from services where org_id = $1 limit 1', [orgId])).rows[0].id;
    for (const offset of ['2 days', '-5 days'])
      await db.query(
        `insert into bookings (org_id, service_id, customer_id, starts_at, ends_at)
         values ($1, $2, $3, date_trunc('hour', now()) + interval '${offset}', date_trunc('hour', now()) + interval '${offset}' + interval '1 hour')`,
        [orgId, service, id],
      );
    const note = new Y.Doc();
    const paragraph = new Y.XmlElement('paragraph');
    paragraph.insert(0, [new Y.XmlText('Prefers the quiet room.')]);
    note.getXmlFragment('default').insert(0, [paragraph]);
    await db.query(`insert into customer_notes (org_id, customer_id, snapshot, plain_text) values ($1, $2, $3, 'Prefers the quiet room.')`, [
      orgId,
      id,
      Buffer.from(Y.encodeStateAsUpdate(note)),
    ]);
    await db.query(
      `insert into note_attachments (org_id, customer_id, file_name, content_type, byte_size, data) values ($1, $2, 'id-scan.pdf', 'application/pdf', 4, '%PDF')`,
      [orgId, id],
    );
  } finally {
    await db.end();
  }
}

describe('staff work with companies, settings and a full customer profile in Chromium', () => {
  it('signs in', () => signInThroughUi(page, foyer.url, OWNER));

  it('defines a choice field and a custom tag in Settings', async () => {
    await page.goto(`${foyer.url}/settings`);
    await page.getByRole('button', { name: 'New field' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'New custom field' });
    await dialog.getByLabel('Label').fill('Seating');
    await dialog.getByLabel('Type').selectOption('choice');
    // A choice field without options is refused beside its input, before anything is sent.
    await dialog.getByRole('button', { name: 'Create field' }).click();
    await expect.poll(() => dialog.getByLabel('Options').getAttribute('aria-invalid')).toBe('true');
    await dialog.getByLabel('Options').fill('Window\nBar\nTerrace');
    await dialog.getByRole('button', { name: 'Create field' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    await expect.poll(() => page.getByTestId('settings-field').first().textContent()).toMatch(/Seating.*Choice.*Window, Bar, Terrace/);

    await page.getByLabel('Tag name').fill('Wedding party');
    await page.getByRole('button', { name: 'Create tag' }).click();
    await expect.poll(() => page.getByRole('list', { name: 'Your tags' }).textContent()).toMatch(/Wedding party/);
    await snap(page, 'directory-settings');
  });

  it('limits tags per customer and sets the venue time zone in Settings', async () => {
    const notifications = page.getByRole('status', { name: 'Notifications' });
    const capForm = page.getByRole('form', { name: 'Tags per customer' });
    await expect.poll(() => capForm.textContent()).toMatch(/up to 100 tags, the most Foyer allows/);
    await capForm.getByRole('checkbox').check();
    const cap = page.getByLabel('Tags per customer, at most');
    // Past Foyer's ceiling the form says so beside the field, before anything is sent.
    await cap.fill('101');
    await capForm.getByRole('button', { name: 'Save limit' }).click();
    await expect.poll(() => page.locator('#tag-cap-error').textContent()).toMatch(/from 1 to 100/);
    await cap.fill('3');
    await capForm.getByRole('button', { name: 'Save limit' }).click();
    await expect.poll(() => notifications.textContent()).toMatch(/Customers can have at most 3 tags\./);
    expect((await api.get('/api/settings')).body.maxTagsPerCustomer).toBe(3);
    // A zone half-entered survives another form's save, which reloads the page's settings.
    const zone = page.getByRole('combobox', { name: 'Time zone' });
    await zone.fill('Europe/Paris');
    await capForm.getByRole('checkbox').uncheck();
    await capForm.getByRole('button', { name: 'Save limit' }).click();
    await expect.poll(() => notifications.textContent()).toMatch(/at most 100 tags, the most Foyer allows/);
    expect((await api.get('/api/settings')).body.maxTagsPerCustomer).toBeNull();
    await expect.poll(() => capForm.getByRole('checkbox').isChecked()).toBe(false);
    expect(await zone.inputValue()).toBe('Europe/Paris');

    await page.getByRole('button', { name: 'Save time zone' }).click();
    await expect.poll(() => notifications.textContent()).toMatch(/Times are now read in Europe\/Paris\./);
    await snap(page, 'directory-settings-limits');
    await zone.fill('Europe/London');
    await page.getByRole('button', { name: 'Save time zone' }).click();
    await expect.poll(() => notifications.textContent()).toMatch(/Times are now read in Europe\/London\./);
  });

  it('creates the company Acme and links both acme.test customers by adding the domain', async () => {
    await page.goto(`${foyer.url}/companies`);
    await page.getByRole('button', { name: 'New company' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'New company' });
    await dialog.getByLabel('Name').fill('Acme');
    await dialog.getByRole('button', { name: 'Create company' }).click();
    await page.waitForURL(/\/companies\/[0-9a-f-]{36}$/);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Acme');

    const domain = page.getByLabel('Domain to add');
    await domain.fill('not a domain');
    await page.getByRole('button', { name: 'Add domain' }).click();
    await expect.poll(() => page.locator('#domain-input-error').textContent()).toMatch(/Not a domain/);
    await expect.poll(() => domain.getAttribute('aria-invalid')).toBe('true');

    await domain.fill('acme.test');
    await page.getByRole('button', { name: 'Add domain' }).click();
    await expect.poll(() => page.getByTestId('domain-result').textContent()).toMatch(/2 customers linked/);
    const people = page.getByTestId('company-people');
    await expect.poll(() => people.textContent()).toMatch(/Ada Lovelace/);
    await expect.poll(() => people.textContent()).toMatch(/Grace Hopper/);
    await expect.poll(() => people.textContent()).toMatch(/via acme\.test/);

    // Someone whose email is elsewhere, added by hand, and removed again.
    const picker = page.getByRole('combobox', { name: 'Add a person by hand' });
    await picker.fill('Linus');
    await expect.poll(() => page.getByRole('listbox', { name: 'Add a person by hand' }).getByRole('option').first().textContent()).toMatch(/Linus Torvalds/);
    await picker.press('Enter');
    await expect.poll(() => people.getByRole('row', { name: /Linus Torvalds/ }).textContent()).toMatch(/added by hand/);
    await snap(page, 'directory-company');
    await people.getByRole('button', { name: 'Remove Linus Torvalds from Acme' }).click();
    await expect.poll(() => people.textContent()).not.toMatch(/Linus Torvalds/);

    await page.goto(`${foyer.url}/companies`);
    await expect.poll(() => page.getByRole('row', { name: /Acme/ }).textContent()).toMatch(/@acme\.test.*2/);
    await snap(page, 'directory-companies');
    await page.getByRole('link', { name: 'Acme' }).click();
    await page.waitForURL(/\/companies\/[0-9a-f-]{36}$/);
  });

  it('fills in a profile — address, tag, custom field, consent, photo — and all of it survives a reload', async () => {
    await page
      .getByTestId('company-people')
      .getByRole('link', { name: /Ada Lovelace/ })
      .click();
    await page.waitForURL(/\/customers\/[^/]+$/);
    await expect.poll(() => page.getByTestId('company-link').textContent()).toMatch(/Acme.*via acme\.test/);
    await expect.poll(() => page.getByTestId('earlier-numbers').textContent()).toMatch(/\+442079460958/);

    // Link to another company by hand from the profile, then unlink it.
    const companyPicker = page.getByRole('combobox', { name: 'Link to a company' });
    await companyPicker.fill('Initech');
    await expect.poll(() => page.getByRole('listbox', { name: 'Link to a company' }).getByRole('option').first().textContent()).toMatch(/Initech/);
    await companyPicker.press('Enter');
    await expect.poll(() => page.getByRole('list', { name: 'Companies of this customer' }).textContent()).toMatch(/Initech.*added by hand/);
    await page.getByRole('button', { name: 'Unlink Initech' }).click();
    await expect.poll(() => page.getByRole('list', { name: 'Companies of this customer' }).textContent()).not.toMatch(/Initech/);
    expect((await api.get(`/api/companies/${initech.id}`)).body.customerCount).toBe(0);

    // Address
    await page.getByRole('button', { name: 'Add address' }).click();
    const addressDialog = page.getByRole('dialog', { name: 'Add an address' });
    await addressDialog.getByText('Billing', { exact: true }).click();
    await addressDialog.getByLabel('Street address').fill('1 Acme Way');
    await addressDialog.getByLabel('Postal code').fill('EC1A 1BB');
    await addressDialog.getByLabel('City').fill('London');
    await addressDialog.getByRole('button', { name: 'Add address' }).click();
    await expect.poll(() => addressDialog.count()).toBe(0);
    await expect.poll(() => page.getByTestId('address').first().textContent()).toMatch(/Billing.*1 Acme Way.*EC1A 1BB London/);

    // Tag, from the organization's tags, with the keyboard
    const tagPicker = page.getByRole('combobox', { name: 'Add a tag' });
    await tagPicker.fill('VIP');
    await expect.poll(() => page.getByRole('listbox', { name: 'Add a tag' }).getByRole('option').first().textContent()).toMatch(/VIP/);
    await tagPicker.press('Enter');
    await expect.poll(() => page.getByRole('list', { name: 'Tags of this customer' }).textContent()).toMatch(/VIP/);

    // Past the organization's cap the server refuses, and its message is shown.
    expect((await api.patch('/api/settings', { maxTagsPerCustomer: 1 })).status).toBe(200);
    await tagPicker.fill('Regular');
    await expect.poll(() => page.getByRole('listbox', { name: 'Add a tag' }).getByRole('option').first().textContent()).toMatch(/Regular/);
    await tagPicker.press('Enter');
    await expect.poll(() => page.locator('#tag-picker-error').textContent()).toMatch(/\S/);
    expect((await api.patch('/api/settings', { maxTagsPerCustomer: null })).status).toBe(200);

    // Custom field
    await page.getByLabel('Seating').selectOption('Window');
    await page.getByRole('button', { name: 'Save fields' }).click();
    await expect.poll(() => page.getByRole('status', { name: 'Notifications' }).textContent()).toMatch(/Custom fields saved/);

    // Marketing consent: turning it on asks how it was given
    await page.getByRole('switch', { name: 'Marketing consent' }).click();
    const consentDialog = page.getByRole('dialog', { name: 'Record marketing consent' });
    await consentDialog.getByRole('button', { name: 'Record consent' }).click();
    await expect.poll(() => consentDialog.textContent()).toMatch(/Say how the customer gave consent/);
    await consentDialog.getByLabel('How was consent given?').fill('Asked in person');
    await consentDialog.getByRole('button', { name: 'Record consent' }).click();
    await expect.poll(() => consentDialog.count()).toBe(0);
    await expect.poll(() => page.getByRole('switch', { name: 'Marketing consent' }).getAttribute('aria-checked')).toBe('true');

    // Photo: a PNG made on the fly, uploaded as it is, shown as the server resized it
    await page.getByRole('group', { name: 'Customer actions' }).getByRole('button', { name: 'Add photo' }).click();
    const photoDialog = page.getByRole('dialog', { name: /Photo of Ada Lovelace/ });
    await photoDialog.getByTestId('photo-input').setInputFiles(photoPath);
    await photoDialog.getByRole('button', { name: 'Save photo' }).click();
    await expect.poll(() => photoDialog.count()).toBe(0);

    await page.reload();
    await expect.poll(() => page.getByTestId('address').first().textContent()).toMatch(/1 Acme Way/);
    await expect.poll(() => page.getByRole('list', { name: 'Tags of this customer' }).textContent()).toMatch(/VIP/);
    await expect.poll(() => page.getByLabel('Seating').inputValue()).toBe('Window');
    await expect.poll(() => page.getByRole('switch', { name: 'Marketing consent' }).getAttribute('aria-checked')).toBe('true');
    await expect.poll(() => page.getByTestId('consent-detail').textContent()).toMatch(/Asked in person/);
    const photo = page.locator('header img').first();
    await expect.poll(() => photo.getAttribute('src')).toMatch(/\/photo/);
    await expect.poll(() => photo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
    const saved = await api.get(`/api/customers/${ada.id}`);
    expect(saved.body).toMatchObject({
      addresses: [{ purpose: 'billing', line1: '1 Acme Way', city: 'London', postalCode: 'EC1A 1BB' }],
      custom: { seating: 'Window' },
      marketingConsent: { given: true, method: 'Asked in person' },
      tags: [{ name: 'VIP' }],
    });
    expect(saved.body.photoUrl).toBeTruthy();
    await snap(page, 'directory-profile');
  });

  it('lists each kind of activity its own way, and what others do reaches the open profile live: a change, a booking and its cancellation, a visit, a note, a file', async () => {
    const section = page.locator('section#activity');
    const rows = section.getByTestId('activity');
    const newest = () => rows.first().innerText();
    // What the saves above did: added, then each save, newest first.
    await expect.poll(() => section.locator('[data-type="profile_created"]').count()).toBe(1);
    await expect.poll(() => section.locator('[data-type="profile_updated"]').count()).toBeGreaterThan(3);
    await expect.poll(() => section.locator('[data-type="profile_updated"]').first().innerText()).toMatch(/Photo changed[\s\S]*by Owner/);
    await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));

    // A colleague changes her language (in another tab: through the API).
    expect((await api.patch(`/api/customers/${ada.id}`, { language: 'fr' })).status).toBe(200);
    await expect.poll(newest).toMatch(/Profile updated[\s\S]*Language · by Owner/);

    // She phones to book (online, her known email would land on a record flagged as a possible duplicate), and the desk cancels it.
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      const { slug, org_id: orgId } = (
        await db.query('select slug, org_id from organizations o join customers c on c.org_id = o.id where c.id = $1', [fromSystemId(ada.id)])
      ).rows[0];
      const tea = (await api.get('/api/services')).body.items.find((x: { name: string }) => x.name === 'Afternoon tea');
      const flow = new ApiClient(foyer.url);
      const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
      const slot = (await flow.get(`/api/public/book/${slug}/services/${tea.id}/slots?date=${tomorrow}`)).body.slots.find(
        (x: { placesLeft: number }) => x.placesLeft >= 2,
      );
      const booked = await api.post('/api/bookings', { customer: ada.id, serviceId: tea.id, startsAt: slot.startsAt, partySize: 2, channel: 'phone' });
      expect(booked.status, booked.text).toBe(201);
      await expect.poll(newest).toMatch(/Booked Afternoon tea[\s\S]*2 people/);
      expect((await api.post(`/api/bookings/${booked.body.id}/cancel`)).status).toBe(200);
      await expect.poll(newest).toMatch(/Booking for Afternoon tea cancelled[\s\S]*2 people · by Owner/);

      // Her card opens the front door: the device's report as the door service stores it, with its door.visited event.
      // (The demo venue has a Front door already.)
      const created = await api.post('/api/doors', { name: 'Side door' });
      expect(created.status, created.text).toBe(201);
      const door = created.body;
      await db.query('begin');
      const device = (await db.query(`insert into edge_devices (org_id, name) values ($1, 'Front Pi') returning id`, [orgId])).rows[0].id;
      const visit = await db.query(
        `insert into door_events (org_id, device_id, seq, door_id, kind, result, reason, customer_id, occurred_at)
         values ($1, $2, 1, $3, 'access', 'granted', 'valid_permission', $4, now()) returning id`,
        [orgId, device, door.id, fromSystemId(ada.id)],
      );
      await db.query(
        `with e as (insert into outbox_events (org_id, name, payload) values ($1, 'door.visited', $2) returning id) select pg_notify('foyer_outbox', id::text) from e`,
        [orgId, JSON.stringify({ doorEventId: Number(visit.rows[0].id), customerId: fromSystemId(ada.id) })],
      );
      await db.query('commit');
      await expect.poll(newest).toMatch(/Entered through Side door[\s\S]*Card or pass read by Front Pi/);
    } finally {
      await db.end();
    }

    // A colleague writes in her notes, and attaches a file.
    const editor = await NoteEditor.connect(foyer.url, api.cookie, ada.id);
    try {
      editor.type('Prefers the window table; allergic to nuts.');
      await editor.settled();
      await expect.poll(newest, { timeout: 10_000 }).toMatch(/Note written[\s\S]*By Owner/);
    } finally {
      editor.close();
    }
    const form = new FormData();
    form.append('file', new Blob([new TextEncoder().encode('%PDF-1.4\n% seating plan\n')], { type: 'application/pdf' }), 'seating-plan.pdf');
    const uploaded = await fetch(`${foyer.url}/api/customers/${ada.id}/notes/attachments`, {
      method: 'POST',
      body: form,
      headers: { cookie: api.cookie!, origin: foyer.url },
    });
    expect(uploaded.status).toBe(201);
    await expect.poll(newest).toMatch(/Attached seating-plan\.pdf[\s\S]*by Owner/);

    // All of it without a reload, each kind once.
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    for (const type of ['booking_confirmed', 'booking_cancelled', 'door_entry', 'note_added', 'attachment_added'])
      expect(await section.locator(`[data-type="${type}"]`).count(), type).toBe(1);

    // A desktop and a small laptop.
    for (const width of [1440, 1024]) {
      await page.setViewportSize({ width, height: 900 });
      await section.scrollIntoViewIfNeeded();
      await section.screenshot({ path: `${artifactsDir}timeline-activity-${width}.png` });
    }
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  it('shows what goes with a customer before deleting it: bookings, access, visits, notes and files too', async () => {
    await giveGraceEverything();
    await page.goto(`${foyer.url}/customers/${grace.customerNumber}`);
    await page.getByRole('group', { name: 'Customer actions' }).getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('alertdialog', { name: /Delete Grace Hopper/ });
    const impact = dialog.getByTestId('deletion-impact');
    await expect.poll(() => impact.textContent()).toMatch(/emails/i);
    const lines = async () => (await impact.getByRole('listitem').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    await expect
      .poll(lines)
      .toEqual(
        expect.arrayContaining([
          'Emails 1',
          'Company links 1',
          'Door permissions 1',
          'Credentials (cards, fobs and codes) 1',
          'Visits on the timeline 3',
          'Upcoming confirmed bookings (their places free up) 1',
          'Past and cancelled bookings 1',
          'Notes 1',
          'Files attached to the notes 1',
        ]),
      );
    await snap(page, 'directory-delete-impact');
    // A desktop, and a small laptop where the list scrolls inside the dialog and its buttons stay in view.
    for (const [width, height] of [
      [1440, 900],
      [1024, 640],
    ] as const) {
      await page.setViewportSize({ width, height });
      await snap(page, `directory-delete-impact-${width}`, { fullPage: false });
    }
    await expect.poll(() => dialog.getByRole('button', { name: 'Delete permanently' }).isVisible()).toBe(true);
    await page.setViewportSize({ width: 1280, height: 860 });
    await dialog.getByRole('button', { name: 'Delete permanently' }).click();
    await page.waitForURL(/\/customers$/);
    expect((await api.get(`/api/customers/${grace.id}`)).status).toBe(404);
  });

  it('erases a customer’s personal data on request, and the profile says so', async () => {
    await page.goto(`${foyer.url}/customers/${ada.customerNumber}`);
    await page.getByRole('group', { name: 'Customer actions' }).getByRole('button', { name: 'Erase data' }).click();
    const dialog = page.getByRole('alertdialog', { name: /Erase Ada Lovelace/ });
    await expect.poll(() => dialog.textContent()).toMatch(/Kept, anonymously/);
    await dialog.getByRole('checkbox').check();
    await dialog.getByRole('button', { name: 'Erase personal data' }).click();
    await expect.poll(() => page.getByTestId('erased-notice').textContent()).toMatch(/personal data was erased/);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(ada.customerNumber);
    await snap(page, 'directory-erased');
  });
});
