import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { connect } from '@foyer/server/platform/db/connect.ts';
import { addUser } from '@foyer/server/domains/organizations/service.ts';
import { artifactsDir, launchChromium, signInThroughUi, snap } from '../support/browser.ts';
import { ApiClient } from '../support/client.ts';
import { createTestDatabase } from '../support/db.ts';
import { OWNER } from '../support/foyer.ts';
import { spawnFoyer, type FoyerProcess } from '../support/process.ts';

const BEA = { email: 'bea@demo.test', password: 'a long enough password', name: 'Bea Baker' };

let foyer: FoyerProcess;
let browser: Browser;
let owner: Page;
let bea: Page;
let customer: { id: string; customerNumber: string };

beforeAll(async () => {
  const databaseUrl = await createTestDatabase();
  [foyer, browser] = await Promise.all([spawnFoyer({ DATABASE_URL: databaseUrl }), launchChromium()]);
  const api = new ApiClient(foyer.url);
  const me = await api.login(OWNER.email, OWNER.password);
  const database = connect(databaseUrl, 1);
  await addUser(database.db, me.organization.id, { ...BEA, role: 'staff' });
  await database.close();
  customer = (await api.post('/api/customers', { firstName: 'Nina', lastName: 'Noteworthy' })).body;

  // Two staff members, each in a browser of their own (separate cookies).
  owner = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  bea = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  for (const page of [owner, bea]) page.on('pageerror', (e) => console.error('page error:', e.message));
  // Sign in once the login page is hydrated (otherwise the form posts natively as a GET).
  for (const [page, login] of [
    [owner, OWNER],
    [bea, BEA],
  ] as const) {
    await page.goto(`${foyer.url}/login`, { waitUntil: 'networkidle' });
    await signInThroughUi(page, foyer.url, login);
  }
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await foyer?.stop();
});

/** What the window shows (a dialog or a popover sits over the page; a full-page capture misplaces them). */
const snapWindow = (page: Page, name: string) => page.screenshot({ path: `${artifactsDir}${name}.png` });

const editorOf = (page: Page) => page.getByRole('textbox', { name: 'Notes' });
/** The note's text as the page shows it, without the colleagues' caret labels. */
const text = (page: Page) =>
  editorOf(page).evaluate((el) => {
    const copy = el.cloneNode(true) as HTMLElement;
    copy.querySelectorAll('.collaboration-carets__caret').forEach((n) => n.remove());
    copy.querySelectorAll('p').forEach((p) => p.append(' '));
    return (copy.textContent ?? '').replace(/\s+/g, ' ').trim();
  });

describe('shared notes in two browsers', () => {
  it('two staff type into the same note, see the same text and each other’s named carets', async () => {
    await Promise.all([owner.goto(`${foyer.url}/customers/${customer.customerNumber}`), bea.goto(`${foyer.url}/customers/${customer.customerNumber}`)]);
    await expect.poll(() => owner.getByTestId('notes-status').textContent()).toContain('Saved');
    await expect.poll(() => bea.getByTestId('notes-status').textContent()).toContain('Saved');

    await editorOf(owner).click();
    await owner.keyboard.type('Prefers the corner table. ', { delay: 15 });
    await editorOf(bea).click();
    await bea.keyboard.press('Control+End');
    await bea.keyboard.press('Enter');
    await bea.keyboard.type('Birthday on 12 May.', { delay: 15 });
    // Owner goes on in the first paragraph (their caret stayed there) while Bea's line arrives.
    await expect.poll(() => text(owner), { timeout: 10_000 }).toContain('Birthday on 12 May.');
    await owner.keyboard.type('Ask ');
    // An @-mention of Bea, picked from the list.
    await owner.keyboard.type('@Be');
    await owner.getByRole('option', { name: 'Bea Baker' }).waitFor();
    await owner.keyboard.press('Enter');
    await owner.keyboard.type(' about the cake.', { delay: 15 });

    await expect
      .poll(async () => (await text(owner)) === (await text(bea)) && (await text(owner)).includes('about the cake'), { timeout: 10_000 })
      .toBe(true)
      .catch(async (e) => {
        await snap(owner, 'notes-owner-failed');
        await snap(bea, 'notes-bea-failed');
        throw new Error(`owner: ${await text(owner)}\nbea: ${await text(bea)}\n${e}`);
      });
    const shared = await text(owner);
    expect(shared).toContain('Prefers the corner table.');
    expect(shared).toContain('Birthday on 12 May.');
    expect(shared).toContain('@Bea Baker');

    // Each sees the other's caret, labelled with their name.
    await expect.poll(() => owner.locator('.collaboration-carets__label').allInnerTexts(), { timeout: 10_000 }).toEqual(['Bea Baker']);
    await expect.poll(() => bea.locator('.collaboration-carets__label').allInnerTexts(), { timeout: 10_000 }).toEqual(['Owner']);
    await expect.poll(() => owner.getByTestId('notes-status').textContent()).toContain('Saved');
    await snap(owner, 'notes-owner');
    await snap(bea, 'notes-bea');

    // Bea was mentioned: her bell says so, without a reload.
    await expect.poll(() => bea.getByTestId('notification-bell').getAttribute('aria-label'), { timeout: 10_000 }).toBe('Notifications, 1 unread');
    await bea.evaluate(() => window.scrollTo(0, 0));
    await bea.getByTestId('notification-bell').click();
    await bea.getByText('Owner mentioned you in the notes on Nina Noteworthy').waitFor();
    await snapWindow(bea, 'notes-bell');
    await bea.keyboard.press('Escape');
  });

  it('a reload keeps the notes, and quick-find finds their text', async () => {
    const before = await text(owner);
    await owner.reload();
    await expect.poll(() => owner.getByTestId('notes-status').textContent()).toContain('Saved');
    expect(await text(owner)).toBe(before);
    expect(before).toContain('Birthday on 12 May.');

    // The search text follows the note about a second behind.
    await new Promise((r) => setTimeout(r, 1500));
    await owner.keyboard.press('Control+k');
    await owner.getByRole('combobox', { name: 'Find a customer' }).fill('corner table');
    const notes = owner.getByTestId('quick-find-notes');
    await notes.getByText('Nina Noteworthy').waitFor();
    await snapWindow(owner, 'notes-quick-find');
    await owner.keyboard.press('Enter');
    await owner.waitForURL(/#notes$/);
  });

  it('offline edits are kept and merge when the connection is back', async () => {
    await bea.reload();
    await expect.poll(() => bea.getByTestId('notes-status').textContent()).toContain('Saved');
    await bea.context().setOffline(true);
    // The websocket notices when it is closed; offline mode closes it.
    await expect.poll(() => bea.getByTestId('notes-status').textContent(), { timeout: 30_000 }).toContain('Offline');
    await editorOf(bea).click();
    await bea.keyboard.press('Control+End');
    await bea.keyboard.type(' Typed offline.');
    await editorOf(owner).click();
    await owner.keyboard.press('Control+End');
    await owner.keyboard.type(' Typed online.');
    await editorOf(bea).scrollIntoViewIfNeeded();
    await snapWindow(bea, 'notes-offline');
    await bea.context().setOffline(false);
    await expect
      .poll(
        async () =>
          (await text(owner)) === (await text(bea)) && (await text(owner)).includes('Typed offline.') && (await text(owner)).includes('Typed online.'),
        {
          timeout: 30_000,
        },
      )
      .toBe(true);
    await expect.poll(() => bea.getByTestId('notes-status').textContent()).toContain('Saved');
    // Back online, each sees the other's caret again.
    await bea.keyboard.press('ArrowLeft');
    await owner.keyboard.press('ArrowLeft');
    await expect.poll(() => owner.locator('.collaboration-carets__label').allInnerTexts(), { timeout: 10_000 }).toEqual(['Bea Baker']);
    await expect.poll(() => bea.locator('.collaboration-carets__label').allInnerTexts(), { timeout: 10_000 }).toEqual(['Owner']);
  }, 60_000);

  it('two staff typing at machine speed at once lose no character, even when one splits the other’s line mid-word', async () => {
    // Bea presses Enter at the end of the line Owner is typing. Her caret keeps to the character on
    // its left (y-tiptap's relative positions), so letters arriving after her Ctrl+End land after
    // her caret and her Enter can split Owner's word: the tail moves to her new line and Owner's
    // next letters stay on the first one ("Pre" + "rs the…" / "Birthday….fe"). Moved, never lost.
    const api = new ApiClient(foyer.url);
    await api.login(OWNER.email, OWNER.password);
    const mine = 'Prefers the corner table. ';
    const hers = 'Birthday on 12 May.';
    const letters = (s: string) => [...s.replace(/\s/g, '')].sort().join('');
    for (let round = 0; round < 3; round++) {
      const other = (await api.post('/api/customers', { firstName: 'Rapid', lastName: `Typists ${round}` })).body;
      await Promise.all([owner.goto(`${foyer.url}/customers/${other.customerNumber}`), bea.goto(`${foyer.url}/customers/${other.customerNumber}`)]);
      await expect.poll(() => owner.getByTestId('notes-status').textContent()).toContain('Saved');
      await expect.poll(() => bea.getByTestId('notes-status').textContent()).toContain('Saved');
      await editorOf(owner).click();
      await Promise.all([
        owner.keyboard.type(mine, { delay: 0 }),
        (async () => {
          await editorOf(bea).click();
          await bea.keyboard.press('Control+End');
          await bea.keyboard.press('Enter');
          await bea.keyboard.type(hers, { delay: 0 });
        })(),
      ]);
      await expect.poll(async () => (await text(owner)) === (await text(bea)), { timeout: 10_000 }).toBe(true);
      const shared = await text(owner);
      expect(letters(shared), shared).toBe(letters(mine + hers));
      await expect.poll(() => owner.getByTestId('notes-status').textContent()).toContain('Saved');
      await expect.poll(() => bea.getByTestId('notes-status').textContent()).toContain('Saved');
      // And it is what the server stored: a reload shows the same.
      await owner.reload();
      await expect.poll(() => owner.getByTestId('notes-status').textContent()).toContain('Saved');
      expect(await text(owner)).toBe(shared);
    }
  }, 90_000);

  it('attaches a file under the notes, refuses a type that is not allowed, and removes it', async () => {
    const attachments = owner.getByTestId('note-attachments');
    await attachments
      .locator('input[type=file]')
      .setInputFiles({ name: 'Allergy letter.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n% letter\n') });
    await attachments.getByRole('link', { name: 'Allergy letter.pdf' }).waitFor();
    await attachments.locator('input[type=file]').setInputFiles({ name: 'page.html', mimeType: 'text/html', buffer: Buffer.from('<b>hi</b>') });
    await attachments.getByRole('alert').filter({ hasText: 'text/html' }).waitFor();
    await attachments.scrollIntoViewIfNeeded();
    await snapWindow(owner, 'notes-attachments');
    await attachments.getByRole('button', { name: 'Remove Allergy letter.pdf' }).click();
    await attachments.getByText('No files yet.').waitFor();
  });
});
