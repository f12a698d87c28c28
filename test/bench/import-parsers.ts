/**
 * Which streaming CSV parser the import uses, measured: papaparse against csv-parse (through the
 * import's reader, with its line numbers and unescaping) on the same generated Google-Contacts-style
 * file (each twice: the first run warms the JIT). One JSON line. BENCH_ROWS (200,000).
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse';
import Papa from 'papaparse';
import { readRecords } from '@foyer/server/domains/imports/reader.ts';
import { writeGoogleContacts } from './import-data.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 200_000);
const dir = await mkdtemp(join(tmpdir(), 'foyer-parsers-'));
const file = join(dir, 'contacts.csv');
const generated = await writeGoogleContacts(file, ROWS);

async function papa(): Promise<number> {
  let n = 0;
  await new Promise<void>((resolve, reject) => {
    Papa.parse(createReadStream(file, 'utf8') as unknown as File, { step: () => void n++, complete: () => resolve(), error: reject, skipEmptyLines: true });
  });
  return n - 1;
}
/** csv-parse with what an import needs: line numbers (info), ragged rows, any line ending. */
async function csvParse(): Promise<number> {
  let n = 0;
  const options = { info: true, relax_column_count: true, record_delimiter: ['\r\n', '\n', '\r'] };
  for await (const record of createReadStream(file).pipe(parse(options))) if (record) n++;
  return n - 1;
}
/** The import's reader (papaparse, decoding, line count, unescaping). */
async function reader(): Promise<number> {
  let n = 0;
  for await (const record of readRecords(createReadStream(file), { encoding: 'utf8', delimiter: ',' }, () => {})) if (record) n++;
  return n;
}

const result: Record<string, number> = { rows: ROWS, mb: Math.round(generated.bytes / 1e5) / 10 };
for (const [name, run] of [
  ['papaparse', papa],
  ['csvParse', csvParse],
  ['reader', reader],
  ['papaparse2', papa],
  ['csvParse2', csvParse],
  ['reader2', reader],
] as const) {
  const t = performance.now();
  const n = await run();
  if (n !== ROWS) throw new Error(`${name} read ${n} rows of ${ROWS}`);
  result[`${name}RowsPerSecond`] = Math.round(ROWS / ((performance.now() - t) / 1000));
}
await rm(dir, { recursive: true });
console.log(JSON.stringify(result));
