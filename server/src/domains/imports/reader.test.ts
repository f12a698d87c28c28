import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ImportMappingParsed } from '@foyer/schema/validation';
import type { FieldDefinition } from '../custom-fields/customer-repository.ts';
import { inspectFile } from './inspect.ts';
import { parseDate, RowConverter, type ImportedCustomer } from './mapping.ts';
import { detectDelimiter, detectEncoding, ImportFileError, readRecords } from './reader.ts';

const fixture = (name: string) => fileURLToPath(new URL(`fixtures/${name}`, import.meta.url));
const bytes = (b: Buffer | string) => () => [Buffer.isBuffer(b) ? b : Buffer.from(b)];

const revenue: FieldDefinition = {
  id: '00000000-0000-4000-8000-000000000001',
  orgId: '00000000-0000-4000-8000-000000000002',
  key: 'umsatz',
  label: 'Umsatz',
  type: 'number',
  options: null,
  position: 0,
  createdAt: new Date(),
} as FieldDefinition;

/** Reads a fixture as an import would: detect, suggest, convert every row. */
async function importOf(name: string, customFields: FieldDefinition[] = [], edit?: (m: ImportMappingParsed) => void, country = 'GB') {
  const source = () => createReadStream(fixture(name));
  const inspection = await inspectFile(source, { customFields });
  edit?.(inspection.suggested);
  const targets = Object.fromEntries(
    inspection.suggested.columns.filter((c) => c.target).map((c) => [c.header, c.target + (c.address ? `#${c.address}` : '')]),
  );
  const converter = new RowConverter(inspection.suggested, country, customFields, inspection.delimiter === ';');
  const rows: Array<{ line: number; customer?: ImportedCustomer; errors?: { line: number; column: string | null; reason: string }[] }> = [];
  for await (const r of readRecords(source(), inspection, () => {})) {
    const result = converter.convert(r.line, r.values);
    rows.push(result.ok ? { line: r.line, customer: result.customer } : { line: r.line, errors: result.errors });
  }
  return { ...inspection, targets, rows };
}

describe('reading files', () => {
  it('detects encodings from the BOM, strict UTF-8 and Windows-1252', () => {
    expect(detectEncoding(Buffer.from('\ufeffa,b', 'utf8'))).toBe('utf8');
    expect(detectEncoding(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b', 'utf16le')]))).toBe('utf16le');
    expect(detectEncoding(Buffer.from([0xfe, 0xff, 0, 0x61]))).toBe('utf16be');
    expect(detectEncoding(Buffer.from('Zoë,Müller', 'utf8'))).toBe('utf8');
    expect(detectEncoding(Buffer.from('Zo\xeb,M\xfcller', 'latin1'))).toBe('windows1252');
    expect(() => detectEncoding(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00, 0x00, 0x00]))).toThrow(/not text/);
  });

  it('detects comma, semicolon and tab from the header outside quotes', () => {
    expect(detectDelimiter('a,b,c\n1;2;3')).toBe(',');
    expect(detectDelimiter('"a,b";c;d\n')).toBe(';');
    expect(detectDelimiter('a\tb\tc,d\n')).toBe('\t');
  });

  it('gives each record the line it starts on, across quoted line breaks, and blank lines (one kind of line ending per file: papaparse detects it)', async () => {
    const lines: Array<[number, string[]]> = [];
    const text = 'a,b\r\n1,"x\r\ny"\r\n\r\n,\r\n2,"say ""hi"""\r\n3,\u200d=SUM(A1)\r\n4,\'+44 20\r\n';
    for await (const r of readRecords(bytes(text)(), { encoding: 'utf8', delimiter: ',' }, () => {})) lines.push([r.line, r.values]);
    expect(lines).toEqual([
      [2, ['1', 'x\r\ny']],
      [6, ['2', 'say "hi"']],
      [7, ['3', '=SUM(A1)']],
      [8, ['4', '+44 20']],
    ]);
  });

  it('refuses empty files, header-only files and duplicate column names, naming the line', async () => {
    const inspect = (text: string | Buffer) => inspectFile(bytes(text), { customFields: [] });
    await expect(inspect('')).rejects.toThrow(/empty/);
    await expect(inspect('\r\n\r\n')).rejects.toThrow(/empty/);
    await expect(inspect('First Name,Email\r\n')).rejects.toThrow(/header row but no customers/);
    await expect(inspect('Email,Name,email\r\nx@y.z,A,b@c.d\r\n')).rejects.toThrow('Line 1: columns 1 and 3 are both called "email"');
    await expect(inspect(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]))).rejects.toBeInstanceOf(ImportFileError);
  });

  it('reads dates in the file’s format and refuses dates that do not exist', () => {
    expect(parseDate('31/12/1980', 'DD/MM/YYYY')).toBe('1980-12-31');
    expect(parseDate('12/31/1980', 'MM/DD/YYYY')).toBe('1980-12-31');
    expect(parseDate('3/4/85', 'MM/DD/YYYY')).toBe('1985-03-04');
    expect(parseDate('0/0/00', 'MM/DD/YYYY')).toBeNull();
    expect(parseDate('--06-01', 'YYYY-MM-DD')).toBeNull();
    expect(String(parseDate('1990-02-31', 'YYYY-MM-DD'))).toMatch(/1990-02-31 is not a date that exists/);
    expect(String(parseDate('31/02/1990', 'DD/MM/YYYY'))).toMatch(/not a date that exists/);
  });
});

describe('the exports of other tools', () => {
  it('Google Contacts: " ::: " values, labels as tags, birthdays without a year, quoted notes over two lines', async () => {
    const g = await importOf('google-contacts.csv');
    expect([g.encoding, g.delimiter, g.format]).toEqual(['utf8', ',', 'google']);
    expect(g.targets).toMatchObject({
      'First Name': 'firstName',
      'Last Name': 'lastName',
      'E-mail 1 - Value': 'email',
      'E-mail 2 - Value': 'email',
      'Phone 1 - Value': 'phone',
      'Address 1 - Street': 'address.line1#1',
      'Address 1 - Postal Code': 'address.postalCode#1',
      'Organization Name': 'companyName',
      Birthday: 'dateOfBirth',
      Labels: 'tags',
    });
    expect(g.targets['E-mail 1 - Label']).toBeUndefined();
    const [ada, zoe, grace, nobody] = g.rows;
    expect(ada!.line).toBe(2);
    expect(ada!.customer).toMatchObject({
      firstName: 'Ada',
      lastName: 'Lovelace',
      emails: ['ada@example.com', 'ada.l@work.example.org'],
      phones: [{ e164: '+447911123456' }],
      dateOfBirth: '1815-12-10',
      companyName: 'Analytical Engines',
      tags: ['VIP'],
      addresses: [{ line1: "12 St James's Square", city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' }],
    });
    // Ada's quoted note and address span lines 2–4, so Zoë is on line 5; her French mobile is not a British number.
    expect(zoe).toMatchObject({
      line: 5,
      errors: [{ line: 5, column: 'Phone 1 - Value', reason: '"06 12 34 56 78" is not a phone number that exists in GB' }],
    });
    expect(grace!.customer!.phones.map((p) => p.e164)).toEqual(['+12125550199', '+16502530000']);
    expect(nobody).toMatchObject({ line: 8 }); // after a blank line
    expect(nobody!.errors!.map((e) => e.reason)).toEqual(['"not a phone" is not a phone number that exists in GB', expect.stringMatching(/A customer needs/)]);
  });

  it('Google Contacts with the French phone read in France', async () => {
    const g = await importOf('google-contacts.csv', [], (m) => {
      m.columns.find((c) => c.header === 'Phone 1 - Value')!.country = 'FR';
    });
    expect(g.rows[1]!.customer).toMatchObject({ firstName: 'Zoë', lastName: 'Dubois', phones: [{ e164: '+33612345678' }], dateOfBirth: null });
  });

  it('Outlook classic: Windows-1252, home and business addresses, categories, 0/0/00, US dates', async () => {
    const o = await importOf('outlook-classic.csv');
    expect([o.encoding, o.format, o.suggested.dateFormat]).toEqual(['windows1252', 'outlook', 'MM/DD/YYYY']);
    expect(o.targets).toMatchObject({
      'E-mail Address': 'email',
      'E-mail 2 Address': 'email',
      'Mobile Phone': 'phone',
      'Home City': 'address.city#1',
      'Business City': 'address.city#2',
      Company: 'companyName',
    });
    expect(o.targets['E-mail Type']).toBeUndefined();
    expect(o.targets['E-mail Display Name']).toBeUndefined();
    expect(o.rows[0]!.customer).toMatchObject({
      firstName: 'Jürgen',
      lastName: 'Müller',
      companyName: 'Café Größe GmbH',
      dateOfBirth: '1985-03-14',
      tags: ['VIP', 'Regulars'],
      phones: [{ e164: '+497111234567' }, { e164: '+4915123456789' }],
      addresses: [{ purpose: 'billing', line1: 'Königstraße 1', city: 'Stuttgart', country: 'DE' }],
    });
    expect(o.rows[1]!.customer).toMatchObject({ firstName: 'Renée', dateOfBirth: null, emails: ['renee@example.fr', 'rlefevre@work.example.fr'] });
  });

  it('Outlook.com: BOM, an address repeated in another case counts once', async () => {
    const o = await importOf('outlook-com.csv');
    expect([o.encoding, o.format]).toEqual(['utf8', 'outlook.com']);
    expect(o.rows[0]!.customer).toMatchObject({
      firstName: 'Tim',
      emails: ['tim@example.org'],
      dateOfBirth: '1955-07-08',
      phones: [{ e164: '+447911123456' }],
    });
  });

  it('HubSpot: Record ID as external id, language, a row error naming its column', async () => {
    const h = await importOf('hubspot.csv');
    expect(h.format).toBe('hubspot');
    expect(h.targets).toMatchObject({
      'Record ID': 'externalId',
      Email: 'email',
      'Phone Number': 'phone',
      'Mobile Phone Number': 'phone',
      'Preferred language': 'language',
      'Date of birth': 'dateOfBirth',
    });
    expect(h.rows[0]!.customer).toMatchObject({ externalId: '51', language: 'en', dateOfBirth: '1939-11-07', addresses: [{ region: 'MA', country: 'US' }] });
    expect(h.rows[2]).toMatchObject({ line: 4, errors: [{ line: 4, column: 'Email', reason: 'Not a valid email address' }] });
  });

  it('Mailchimp: opt-in time as consent, quoted tags, a birthday without a year', async () => {
    const m = await importOf('mailchimp.csv');
    expect(m.format).toBe('mailchimp');
    expect(m.targets).toMatchObject({ 'Email Address': 'email', OPTIN_TIME: 'consentAt', TAGS: 'tags', LEID: 'externalId' });
    expect(m.rows[0]!.customer).toMatchObject({
      firstName: 'Radia',
      consent: { given: true, at: '2022-01-10T08:15:00.000Z' },
      tags: ['Newsletter', 'VIP'],
      dateOfBirth: null,
    });
  });

  it('Twenty: BOM, zero-width joiners taken off, JSON lists, the phone’s country column', async () => {
    const t = await importOf('twenty.csv');
    expect(t.format).toBe('twenty');
    expect(t.targets).toMatchObject({
      'Name / First Name': 'firstName',
      'Emails / Primary Email': 'email',
      'Emails / Additional Emails': 'email',
      'Phones / Primary Phone Country Code': 'phoneCountry',
      Id: 'externalId',
    });
    expect(t.rows[0]!.customer).toMatchObject({
      firstName: 'Margaret',
      emails: ['margaret@example.com', 'mh@apollo.example.com'],
      phones: [{ e164: '+33612345678' }],
    });
    expect(t.rows[1]).toMatchObject({ errors: [{ column: 'Emails / Primary Email', reason: 'Not a valid email address' }] });
  });

  it('German Excel: semicolons, Windows-1252, DD.MM.YYYY, decimal commas, an apostrophe before +', async () => {
    const x = await importOf('excel-de.csv', [revenue], undefined, 'DE');
    expect([x.encoding, x.delimiter, x.suggested.dateFormat]).toEqual(['windows1252', ';', 'DD.MM.YYYY']);
    expect(x.targets).toMatchObject({
      Vorname: 'firstName',
      Nachname: 'lastName',
      'E-Mail': 'email',
      Telefon: 'phone',
      Geburtsdatum: 'dateOfBirth',
      Umsatz: 'custom.umsatz',
      Kundennummer: 'customerNumber',
    });
    expect(x.rows).toHaveLength(2);
    expect(x.rows[0]!.customer).toMatchObject({
      firstName: 'Jürgen',
      lastName: 'Groß',
      dateOfBirth: '1980-12-31',
      customerNumber: 'K-10001',
      custom: { umsatz: { number: 1234.5 } },
    });
    expect(x.rows[1]).toMatchObject({ line: 3, errors: [{ line: 3, column: 'Geburtsdatum', reason: '30.02.1975 is not a date that exists' }] });
  });

  it('Excel Unicode text: UTF-16 LE, tabs', async () => {
    const u = await importOf('excel-unicode.txt');
    expect([u.encoding, u.delimiter]).toEqual(['utf16le', '\t']);
    expect(u.rows[0]!.customer).toMatchObject({ firstName: 'Søren', lastName: 'Kierkegaard', emails: ['soren@example.dk'] });
  });
});
