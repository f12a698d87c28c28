import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Import, ImportMapping, ImportPreview, ImportUploadResult, JobRun } from '@foyer/schema/validation';
import type { ApiClient } from '../support/client.ts';
import { parseCsv } from '../support/csv.ts';
import { startTestFoyer, type TestFoyer } from '../support/foyer.ts';
import { until } from '../support/sockets.ts';

/**
 * I1 through the API: upload, the suggested mapping, preview, the job, matching and duplicates,
 * row errors and their CSV, the timeline, undo; and each kind of bad input.
 */
let foyer: TestFoyer;
let owner: ApiClient & { orgId: string };

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`../../server/src/domains/imports/fixtures/${name}`, import.meta.url)));
const q = async <T extends object = any>(text: string, params: unknown[] = []) => (await foyer.database.pool.query<T>(text, params)).rows;

async function upload(client: ApiClient, file: Uint8Array | string, fileName = 'contacts.csv') {
  return client.post<ImportUploadResult>(
    `/api/imports/customers?fileName=${encodeURIComponent(fileName)}`,
    typeof file === 'string' ? file : new Uint8Array(file),
    {
      'content-type': 'text/csv',
    },
  );
}

async function runToEnd(client: ApiClient, id: string, dryRun = false) {
  const res = await client.post<JobRun>(`/api/imports/${id}/run`, { dryRun });
  expect(res.status).toBe(202);
  return until(
    async () => {
      const run = (await client.get<JobRun>(`/api/jobs/${res.body.id}`)).body;
      return run.finishedAt ? run : undefined;
    },
    60_000,
    'the import job',
  );
}

beforeAll(async () => {
  foyer = await startTestFoyer();
  owner = await foyer.signIn();
  // An existing customer the Google file's Ada matches by email (in another case).
  const created = await owner.post('/api/customers', { firstName: 'Augusta', emails: ['ADA@example.com'], customerNumber: 'ADA-0001' });
  expect(created.status).toBe(201);
}, 120_000);
afterAll(async () => {
  await foyer?.close();
});

describe('importing a Google Contacts export', () => {
  let upload1: ImportUploadResult;

  it('uploads, recognises the export and suggests a mapping', async () => {
    const res = await upload(owner, fixture('google-contacts.csv'), 'google.csv');
    expect(res.status).toBe(201);
    upload1 = res.body;
    expect(upload1.import).toMatchObject({ fileName: 'google.csv', encoding: 'utf8', delimiter: ',', format: 'google', status: 'uploaded' });
    expect(upload1.suggested.columns.find((c) => c.header === 'E-mail 1 - Value')).toMatchObject({ target: 'email' });
    expect(upload1.sample[0]![0]).toBe('Ada');
  });

  it('refuses a mapping that names a field twice, naming the column', async () => {
    const mapping = structuredClone(upload1.suggested) as ImportMapping;
    mapping.columns.find((c) => c.header === 'Nickname')!.target = 'firstName';
    const res = await owner.request('PUT', `/api/imports/${upload1.import.id}/settings`, { mapping });
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0]).toMatchObject({
      field: expect.stringMatching(/^mapping\.columns\.\d+\.target$/),
      message: expect.stringMatching(/"Nickname" and "First Name" are both mapped to First name/),
    });
  });

  it('previews the first rows: the match, the row errors, nothing written', async () => {
    const mapping = structuredClone(upload1.suggested) as ImportMapping;
    mapping.onMatch = 'fill';
    expect((await owner.request('PUT', `/api/imports/${upload1.import.id}/settings`, { mapping })).status).toBe(200);
    const before = await q('select count(*)::int as n from customers where org_id = $1', [owner.orgId]);
    const res = await owner.post<ImportPreview>(`/api/imports/${upload1.import.id}/preview`);
    expect(res.status).toBe(200);
    expect(res.body.rows.map((r) => [r.line, r.outcome])).toEqual([
      [2, 'match'],
      [5, 'error'],
      [6, 'new'],
      [8, 'error'],
    ]);
    expect(res.body.rows[0]!.match).toEqual({ customerNumber: 'ADA-0001', name: 'Augusta' });
    expect(res.body.rows[1]!.errors[0]).toEqual({ line: 5, column: 'Phone 1 - Value', reason: '"06 12 34 56 78" is not a phone number that exists in GB' });
    expect(await q('select count(*)::int as n from customers where org_id = $1', [owner.orgId])).toEqual(before);
  });

  it('a dry run counts the whole file without writing', async () => {
    const run = await runToEnd(owner, upload1.import.id, true);
    expect(run).toMatchObject({ status: 'succeeded', result: { dryRun: true, counts: { rows: 4, created: 1, matched: 1, updated: 1, failed: 2 } } });
    expect((await owner.get<Import>(`/api/imports/${upload1.import.id}`)).body.status).toBe('uploaded');
  });

  it('runs: creates, fills the match, records the errors; the timeline says imported', async () => {
    const run = await runToEnd(owner, upload1.import.id);
    expect(run).toMatchObject({ status: 'succeeded', result: { counts: { rows: 4, created: 1, matched: 1, updated: 1, failed: 2, duplicates: 0 } } });
    const imp = (await owner.get<Import>(`/api/imports/${upload1.import.id}`)).body;
    expect(imp).toMatchObject({ status: 'done', counts: { created: 1, updated: 1, failed: 2 } });
    const [augusta] = await q(`select first_name, last_name, date_of_birth::text as dob, company_name from customers where customer_number = 'ADA-0001'`);
    // Filled: what was empty, never the first name she had.
    expect(augusta).toEqual({ first_name: 'Augusta', last_name: 'Lovelace', dob: '1815-12-10', company_name: 'Analytical Engines' });
    const emails = await q(
      `select address from customer_emails e join customers c on c.id = e.customer_id where c.customer_number = 'ADA-0001' order by position`,
    );
    expect(emails.map((e) => e.address)).toEqual(['ADA@example.com', 'ada.l@work.example.org']);
    const [grace] = await q(`select id, source, primary_phone from customers where org_id = $1 and last_name = 'Hopper'`, [owner.orgId]);
    expect(grace).toMatchObject({ source: 'import', primary_phone: '+12125550199' });
    await foyer.outbox.settle();
    const timeline = await owner.get(`/api/customers/${grace.id.replaceAll('-', '')}/activities`);
    expect(timeline.body.items).toEqual([expect.objectContaining({ type: 'profile_created', source: 'import' })]);
  });

  it('downloads the failed rows with their line and reasons', async () => {
    const res = await owner.get(`/api/imports/${upload1.import.id}/errors.csv`);
    expect(res.status).toBe(200);
    const [header, ...rows] = parseCsv(res.text.replace(/^\ufeff/, ''));
    expect(header!.slice(-2)).toEqual(['Line', 'Reason']);
    expect(rows.map((r) => [r[0], r.at(-2)])).toEqual([
      ['Zoë', '5'],
      ['Nobody', '8'],
    ]);
    expect(rows[1]!.at(-1)).toMatch(/^Phone 1 - Value: "not a phone" is not a phone number that exists in GB; A customer needs/);
  });

  it('undo removes the customers it created and puts back what it filled', async () => {
    const res = await owner.post<Import>(`/api/imports/${upload1.import.id}/undo`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'undone', undo: { removed: 1, reverted: 1 } });
    expect(await q(`select 1 from customers where org_id = $1 and last_name = 'Hopper'`, [owner.orgId])).toHaveLength(0);
    const [augusta] = await q(`select last_name, date_of_birth, primary_email from customers where customer_number = 'ADA-0001'`);
    expect(augusta).toEqual({ last_name: null, date_of_birth: null, primary_email: 'ADA@example.com' });
    expect(await q(`select address from customer_emails where address = 'ada.l@work.example.org'`)).toHaveLength(0);
    expect((await owner.post(`/api/imports/${upload1.import.id}/undo`)).status).toBe(409);
  });
});

describe('matching and repeats', () => {
  it('overwrite replaces mapped fields; rows repeating each other in the file become one customer; conflicting emails are a row error', async () => {
    await owner.post('/api/customers', { firstName: 'Old', lastName: 'Name', emails: ['match@example.com'] });
    await owner.post('/api/customers', { firstName: 'Other', lastName: 'Person', emails: ['other@example.com'] });
    await owner.post('/api/customers', { firstName: 'Third', lastName: 'Person', emails: ['third@example.com'] });
    const csv = [
      'First Name,Last Name,Email,Email 2,Phone,Tags',
      'New,Name,match@example.com,,,',
      'Rita,Repeat,rita@example.com,,+44 7911 123456,Regulars',
      'Rita,,RITA@example.com,rita2@example.com,,',
      'Both,Sides,third@example.com,other@example.com,,',
    ].join('\n');
    const up = await upload(owner, csv);
    expect(up.status).toBe(201);
    const mapping = { ...up.body.suggested, onMatch: 'overwrite' as const };
    expect(mapping.columns.map((c) => c.target)).toEqual(['firstName', 'lastName', 'email', 'email', 'phone', 'tags']);
    expect((await owner.request('PUT', `/api/imports/${up.body.import.id}/settings`, { mapping })).status).toBe(200);
    const run = await runToEnd(owner, up.body.import.id);
    expect(run.result).toMatchObject({ counts: { rows: 4, created: 1, matched: 1, updated: 1, duplicates: 1, failed: 1 } });
    expect(await q(`select first_name from customers c join customer_emails e on e.customer_id = c.id where e.address = 'match@example.com'`)).toEqual([
      { first_name: 'New' },
    ]);
    const rita = await q(
      `select c.id, array_agg(e.address order by e.position) as emails from customers c join customer_emails e on e.customer_id = c.id
                            where c.org_id = $1 and c.first_name = 'Rita' group by c.id`,
      [owner.orgId],
    );
    expect(rita).toEqual([{ id: expect.any(String), emails: ['rita@example.com', 'rita2@example.com'] }]);
    // A tag the organization did not have is created; the list's tag filter (tag_ids) and customer_tags agree.
    const [tagged] = await q(
      `select c.tag_ids, array_agg(ct.tag_id) as linked, g.id from customers c join customer_tags ct on ct.customer_id = c.id join tags g on g.id = ct.tag_id
        where c.id = $1 and g.name = 'Regulars' group by c.tag_ids, g.id`,
      [rita[0].id],
    );
    expect(tagged).toEqual({ tag_ids: [tagged.id], linked: [tagged.id], id: expect.any(String) });
    const errors = await q(`select line, "column", reason from customer_import_errors where import_id = $1`, [up.body.import.id]);
    expect(errors).toEqual([
      {
        line: 5,
        column: 'Email',
        reason: expect.stringMatching(/the email third@example.com belongs to customer C\d+ and the email other@example.com to customer C\d+/),
      },
    ]);
  });
});

describe('bad input', () => {
  it.each([
    ['not text', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0, 0x08, 0, 0, 0]), 'not_text', /not text/],
    ['empty', '', 'empty', /empty/],
    ['only a header', 'First Name,Email\r\n', 'only_header', /header row but no customers/],
    ['duplicate header names', 'Email,Name,EMAIL\nx@y.z,A,b@c.d\n', 'duplicate_header', /Line 1: columns 1 and 3 are both called "EMAIL"/],
  ])('%s: 400 with a message', async (_what, file, code, message) => {
    const res = await upload(owner, file);
    expect(res.status).toBe(400);
    expect((res.body as unknown as { error: unknown }).error).toMatchObject({ code, message: expect.stringMatching(message) });
  });

  it('over the upload limit: 413 naming the limit and the CLI', async () => {
    const res = await owner.post('/api/imports/customers', 'x', { 'content-type': 'text/csv', 'content-length': String(300 * 1024 * 1024) }).catch(() => null);
    // Refused from the declared length, before a byte is stored.
    expect(res?.status ?? 413).toBe(413);
    expect(await q(`select 1 from customer_imports where bytes = 0 and org_id = $1`, [owner.orgId])).toHaveLength(0);
  });

  it('impossible dates and unparsable phones are row errors with line and column', async () => {
    const up = await upload(owner, 'First Name;Last Name;Birthday;Phone\nAnn;Lee;31.02.1990;\nBo;Ray;;12\n');
    expect(up.body.import.delimiter).toBe(';');
    const preview = await owner.request('PUT', `/api/imports/${up.body.import.id}/settings`, { mapping: up.body.suggested });
    expect(preview.status).toBe(200);
    const rows = (await owner.post<ImportPreview>(`/api/imports/${up.body.import.id}/preview`)).body.rows;
    expect(rows.map((r) => r.errors)).toEqual([
      [{ line: 2, column: 'Birthday', reason: '31.02.1990 is not a date that exists' }],
      [{ line: 3, column: 'Phone', reason: '"12" is not a phone number that exists in GB' }],
    ]);
  });

  it('staff (not managers) may not import', async () => {
    const staff = await foyer.signIn({ role: 'staff', orgId: owner.orgId });
    expect((await upload(staff, 'Email\na@b.c\n')).status).toBe(403);
  });

  it('another organization’s import is a 404', async () => {
    const up = await upload(owner, 'Email\na@b.c\n');
    const other = await foyer.signIn();
    expect((await other.get(`/api/imports/${up.body.import.id}`)).status).toBe(404);
  });
});
