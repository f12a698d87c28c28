import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, signInThroughUi, snap } from '../support/browser.ts';
import { parseCsv } from '../support/csv.ts';
import { createTestDatabase } from '../support/db.ts';
import { OWNER } from '../support/foyer.ts';
import { spawnFoyer, type FoyerProcess } from '../support/process.ts';

/**
 * L5 and I2 over a whole segment in Chromium: "select all matching" on 20,000 customers, add a tag,
 * and export the view; both run as jobs whose progress the list shows live (bar and words), then
 * what they did and the export's download. The test holds a job between two steps (a lock on its
 * run's row, which each step takes first) to look at it mid-way at 1440 and 1024 px.
 */
const N = 20_000;
let foyer: FoyerProcess;
let browser: Browser;
let page: Page;
let db: pg.Client;
let databaseUrl: string;
let tagName: string;

beforeAll(async () => {
  databaseUrl = await createTestDatabase();
  [foyer, browser] = await Promise.all([spawnFoyer({ DATABASE_URL: databaseUrl }), launchChromium()]);
  db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  const { rows } = await db.query<{ org_id: string }>('select org_id from users where email = $1', [OWNER.email]);
  const orgId = rows[0]!.org_id;
  tagName = 'Autumn offer';
  await db.query(`insert into tags (org_id, name, color) values ($1, $2, '#b45309')`, [orgId, tagName]);
  await db.query(
    `insert into customers (org_id, first_name, last_name, language, created_at)
     select $1, 'Guest', 'Number ' || lpad(g::text, 5, '0'), 'nl', now() - g * interval '1 minute' from generate_series(1, $2::int) g`,
    [orgId, N],
  );
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await signInThroughUi(page, foyer.url, OWNER);
}, 120_000);

afterAll(async () => {
  await db?.end();
  await browser?.close();
  await foyer?.stop();
});

/** The newest run of `kind`, once it exists. */
async function runOf(kind: string): Promise<string> {
  for (let i = 0; i < 500; i++) {
    const { rows } = await db.query<{ id: string }>('select id from job_runs where kind = $1 order by created_at desc limit 1', [kind]);
    if (rows[0]) return rows[0].id;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no ${kind} job`);
}

/**
 * Holds the job between two steps once `done` customers are through, until `release` is called;
 * the page keeps showing where it was.
 */
async function holdAt(runId: string, done: number) {
  const hold = new pg.Client({ connectionString: databaseUrl });
  await hold.connect();
  for (;;) {
    const { rows } = await db.query<{ done: number | null }>(`select (progress->>'done')::int as done from job_runs where id = $1`, [runId]);
    if ((rows[0]?.done ?? 0) >= done) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  await hold.query('begin');
  await hold.query('select 1 from job_runs where id = $1 for update', [runId]);
  return async () => {
    await hold.query('rollback');
    await hold.end();
  };
}

describe('bulk actions and exports of a whole segment, as jobs', () => {
  it('tags every customer of a 20,000-customer view, showing the progress, then what it did', async () => {
    await page.goto(`${foyer.url}/customers?language=nl`);
    await expect.poll(() => page.getByTestId('customer-total').textContent()).toMatch(/1,000\+/);
    await page.getByRole('checkbox', { name: /Select all .* on this page/i }).check();
    const bar = page.getByTestId('bulk-bar');
    await bar.getByRole('button', { name: /Select all 1,000\+ matching/ }).click();
    await bar.getByRole('button', { name: 'Add tags…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add tags' });
    await dialog.getByText(tagName, { exact: true }).click();
    await dialog.getByRole('button', { name: /Add 1 tag/ }).click();

    const release = await holdAt(await runOf('customers.bulk'), 5000);
    const progress = page.getByTestId('job-progress');
    await expect.poll(() => progress.getByTestId('job-progress-text').textContent(), { timeout: 20_000 }).toMatch(/^\d+% · [\d,]+ of 20,000/);
    const bar1 = progress.getByRole('progressbar');
    expect(Number(await bar1.getAttribute('aria-valuenow'))).toBeGreaterThan(0);
    expect(await bar1.getAttribute('aria-valuetext')).toMatch(/of 20,000/);
    await snap(page, 'segment-bulk-progress-1440', { fullPage: false });
    await page.setViewportSize({ width: 1024, height: 800 });
    await snap(page, 'segment-bulk-progress-1024', { fullPage: false });
    await release();

    const outcome = page.getByTestId('job-outcome');
    await expect.poll(() => outcome.textContent(), { timeout: 60_000 }).toMatch(/Added “Autumn offer” to 20,000 customers/);
    await snap(page, 'segment-bulk-done-1024', { fullPage: false });
    await page.setViewportSize({ width: 1440, height: 900 });
    await snap(page, 'segment-bulk-done-1440', { fullPage: false });
    const { rows } = await db.query<{ n: number }>(`select count(*)::int as n from customer_tags ct join tags t on t.id = ct.tag_id where t.name = $1`, [
      tagName,
    ]);
    expect(rows[0]!.n).toBe(N);
  }, 180_000);

  it('exports the view as a job and offers the file when it is done', async () => {
    await page.getByRole('button', { name: 'Dismiss: Adding “Autumn offer” to every customer matching this view' }).click();
    await page.getByTestId('export-view').click();
    const release = await holdAt(await runOf('customers.export'), 3000);
    const progress = page.getByTestId('job-progress');
    await expect.poll(() => progress.getByTestId('job-progress-text').textContent(), { timeout: 20_000 }).toMatch(/^\d+% · [\d,]+ of 20,000/);
    await snap(page, 'segment-export-progress-1440', { fullPage: false });
    await page.setViewportSize({ width: 1024, height: 800 });
    await snap(page, 'segment-export-progress-1024', { fullPage: false });
    await release();

    const link = page.getByTestId('job-outcome-link');
    await expect.poll(() => page.getByTestId('job-outcome').textContent(), { timeout: 60_000 }).toMatch(/20,000 customers exported/);
    await snap(page, 'segment-export-done-1024', { fullPage: false });
    await page.setViewportSize({ width: 1440, height: 900 });
    await snap(page, 'segment-export-done-1440', { fullPage: false });

    const href = await link.getAttribute('href');
    expect(href).toMatch(/^\/api\/customers\/exports\/[0-9a-f-]{36}\/file$/);
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toMatch(/^customers-\d{4}-\d{2}-\d{2}\.csv$/);
    const res = await page.request.get(`${foyer.url}${href}`);
    const [header, ...rows] = parseCsv(await res.text());
    expect(header!.slice(0, 4)).toEqual(['id', 'customer_number', 'first_name', 'last_name']);
    expect(rows).toHaveLength(N);
    const tags = header!.indexOf('tags');
    expect(tags).toBeGreaterThan(0);
    expect(rows.every((r) => r[tags] === tagName)).toBe(true);
  }, 180_000);
});
