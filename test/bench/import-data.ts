import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/**
 * A Google-Contacts-style export for the import bench and the parser measurement: Google's
 * header names (22 columns), several emails per row (the second often joined with " ::: " in one
 * cell, as Google writes it), two phones, an address, a birthday, labels; quoted fields with
 * commas, quotes and line breaks in the notes. Deterministic for a given seed.
 */
export const GOOGLE_HEADER = [
  'First Name',
  'Middle Name',
  'Last Name',
  'Nickname',
  'Birthday',
  'Notes',
  'Labels',
  'E-mail 1 - Label',
  'E-mail 1 - Value',
  'E-mail 2 - Label',
  'E-mail 2 - Value',
  'Phone 1 - Label',
  'Phone 1 - Value',
  'Phone 2 - Label',
  'Phone 2 - Value',
  'Address 1 - Label',
  'Address 1 - Street',
  'Address 1 - City',
  'Address 1 - Postal Code',
  'Address 1 - Country',
  'Organization Name',
  'Organization Title',
];

const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Margaret', 'Ken', 'Radia', 'Tim', 'Sophie', 'Jean', 'Lena', 'Jürgen', 'Zoë', 'Chloé'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Hamilton', 'Thompson', 'Perlman', 'Berners-Lee', 'Müller', "O'Brien", 'Dubois'];
const CITIES = ['London', 'Paris', 'Berlin', 'Manchester', 'Lyon'];

const csvCell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

export type GeneratedFile = { rows: number; bytes: number; errorRows: number; matchingRows: number; duplicateRows: number };

export async function writeGoogleContacts(
  path: string,
  rows: number,
  options: { existingEmails?: string[]; errorRate?: number; matchRate?: number; duplicateRate?: number } = {},
): Promise<GeneratedFile> {
  const { existingEmails = [], errorRate = 0.02, matchRate = 0.05, duplicateRate = 0.01 } = options;
  const out = createWriteStream(path);
  let bytes = 0;
  let buffer = GOOGLE_HEADER.map(csvCell).join(',') + '\r\n';
  const counts = { errorRows: 0, matchingRows: 0, duplicateRows: 0 };
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (let i = 0; i < rows; i++) {
    const r = random();
    const first = FIRST[i % FIRST.length]!;
    const last = LAST[(i >> 4) % LAST.length]!;
    let email1 = `${first.toLowerCase()}.${i}@example.com`.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    const second = i % 3 === 0 ? ` ::: ${first[0]!.toLowerCase()}${i}@work.example.org` : '';
    let birthday = `19${50 + (i % 50)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
    const firstName = first;
    let lastName = last;
    if (r < errorRate) {
      counts.errorRows++;
      // Half impossible dates, half rows with too little to be a customer (C4).
      if (i % 2) birthday = '1990-02-31';
      else {
        lastName = '';
        email1 = '';
      }
    } else if (r < errorRate + matchRate && existingEmails.length) {
      counts.matchingRows++;
      email1 = existingEmails[i % existingEmails.length]!;
    } else if (r < errorRate + matchRate + duplicateRate && i > 10) {
      counts.duplicateRows++;
      email1 = `${FIRST[(i - 7) % FIRST.length]!.toLowerCase()}.${i - 7}@example.com`.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    }
    const emailValue = email1 ? email1 + second : '';
    const phone1 = `+44 7911 ${String(100000 + (i % 900000))}`;
    const phone2 = i % 2 ? `020 7946 ${String(i % 10000).padStart(4, '0')}` : '';
    const notes = i % 10 === 0 ? `Prefers the window table, "quiet" please,\nallergic to nuts` : '';
    const row = [
      firstName,
      '',
      lastName,
      '',
      birthday,
      notes,
      '* myContacts ::: VIP',
      '* Home',
      emailValue,
      '',
      '',
      'Mobile',
      phone1,
      phone2 ? 'Work' : '',
      phone2,
      'Home',
      `${1 + (i % 200)} High Street, Flat ${i % 9}`,
      CITIES[i % CITIES.length]!,
      `SW1A ${i % 9}AA`,
      'GB',
      i % 4 === 0 ? 'Acme, Ltd' : '',
      i % 4 === 0 ? 'Chef' : '',
    ];
    buffer += row.map(csvCell).join(',') + '\r\n';
    if (buffer.length > 1 << 20) {
      bytes += Buffer.byteLength(buffer);
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  bytes += Buffer.byteLength(buffer);
  out.end(buffer);
  await once(out, 'finish');
  return { rows, bytes, ...counts };
}
