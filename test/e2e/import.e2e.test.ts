import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { writeGoogleContacts } from '../bench/import-data.ts';
import { launchChromium, signInThroughUi, snap } from '../support/browser.ts';
import { parseCsv } from '../support/csv.ts';
import { createTestDatabase } from '../support/db.ts';
import { OWNER } from '../support/foyer.ts';
import { spawnFoyer, type FoyerProcess } from '../support/process.ts';

/**
 * I1 in Chromium: from the customers page to the import page, upload a Google Contacts export,
 * fix a suggested mapping, read the preview, run it; a second browser on the import page watches
 * the same progress bar (the test holds the job between two steps to look); then the failed rows
 * download as CSV. Screenshots at 1440 and 1024 px.
 */
const N = 12_000;
let foyer: FoyerProcess;
let browser: Browser;
let page: Page;
let watcher: Page;
let db: pg.Client;
let databaseUrl: string;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'foyer-import-e2e-'));
  databaseUrl = await createTestDatabase();
  [foyer, browser] = await Promise.all([spawnFoyer({ DATABASE_URL: databaseUrl }), launchChromium()]);
  db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  await signInThroughUi(page, foyer.url, OWNER);
  watcher = await (await browser.newContext({ viewport: { width: 1024, height: 800 } })).newPage();
  await signInThroughUi(watcher, foyer.url, OWNER);
}, 120_000);

afterAll(async () => {
  await db?.end();
  await browser?.close();
  await foyer?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('importing customers in the browser', () => {
  it('uploads, fixes a mapping, previews, runs with live progress in two browsers, and downloads the failed rows', async () => {
    const file = join(dir, 'google-contacts.csv');
    await writeGoogleContacts(file, N, { errorRate: 0.02, matchRate: 0, duplicateRate: 0.01 });

    await page.goto(`${foyer.url}/customers`);
    await page.getByTestId('import-customers').click();
    await page.waitForURL('**/customers/import');
    await page.waitForLoadState('networkidle');
    await page.getByTestId('import-file').setInputFiles(file);
    const mapping = page.getByTestId('import-mapping');
    await mapping.waitFor().catch(async (e) => {
      await snap(page, 'import-upload-failed');
      throw new Error(`no mapping: ${await page.locator('main').textContent()}`, { cause: e });
    });
    await expect.poll(() => mapping.textContent()).toContain('google export');

    // Google's "Labels" are suggested as tags; this venue does not want them: ignore the column.
    const labels = page.locator('[data-testid="column-target"][data-header="Labels"]');
    expect(await labels.inputValue()).toBe('tags');
    await labels.selectOption('');
    await page.getByTestId('import-preview').click();
    const rows = page.getByTestId('preview-row');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(100);
    expect(await page.locator('[data-testid="preview-row"][data-outcome="new"]').count()).toBeGreaterThan(90);
    await snap(page, 'import-preview-1440');
    await page.setViewportSize({ width: 1024, height: 800 });
    await snap(page, 'import-preview-1024');
    await page.setViewportSize({ width: 1440, height: 900 });

    // The second browser is on the page before the run starts.
    await watcher.goto(`${foyer.url}/customers/import`);
    const hold = new pg.Client({ connectionString: databaseUrl });
    await hold.connect();
    await page.getByTestId('import-run').click();
    // Hold the job between two steps once a batch is in: both pages show it part-way.
    let runId: string | undefined;
    for (let i = 0; i < 3000 && !runId; i++) {
      const { rows: r } = await db.query<{ id: string }>(`select id from job_runs where kind = 'customers.import' and (progress->>'done')::int >= 5000`);
      runId = r[0]?.id;
      if (!runId) await new Promise((res) => setTimeout(res, 20));
    }
    expect(runId).toBeDefined();
    await hold.query('begin');
    await hold.query('select 1 from job_runs where id = $1 for update', [runId]);
    // The watcher learns of the running import on reload (the history lists it) and follows it live.
    await watcher.reload();
    const watched = watcher.getByTestId('job-progress');
    await watched.waitFor();
    await expect.poll(() => watcher.getByTestId('job-progress-text').textContent(), { timeout: 20_000 }).toMatch(/%/);
    await snap(watcher, 'import-progress-watcher-1024');
    await snap(page, 'import-progress-1440');
    await hold.query('rollback');
    await hold.end();

    await expect.poll(() => page.getByTestId('import-outcome').textContent(), { timeout: 120_000 }).toMatch(/12,000 rows: [\d,]+ new/);
    await expect.poll(() => watcher.locator('[data-testid="job-progress"]').getAttribute('data-status'), { timeout: 30_000 }).toBe('succeeded');
    await page.reload();
    const item = page.getByTestId('import-history-item').first();
    await expect.poll(() => item.getAttribute('data-status')).toBe('done');
    await snap(page, 'import-done-1440');

    const [download] = await Promise.all([page.waitForEvent('download'), item.getByTestId('import-errors').click()]);
    const [header, ...failed] = parseCsv((await readFile((await download.path())!, 'utf8')).replace(/^\ufeff/, ''));
    expect(header!.slice(-2)).toEqual(['Line', 'Reason']);
    const { rows: counts } = await db.query<{ failed: number }>(`select (counts->>'failed')::int as failed from customer_imports where status = 'done'`);
    expect(failed).toHaveLength(counts[0]!.failed);
    expect(failed[0]!.at(-1)).toMatch(/not a date that exists|A customer needs/);
    // Labels were ignored: no imported customer has a tag.
    const { rows: tagged } = await db.query(`select 1 from customer_tags ct join customers c on c.id = ct.customer_id where c.source = 'import' limit 1`);
    expect(tagged).toHaveLength(0);
  }, 300_000);
});
