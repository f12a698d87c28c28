import { Readable } from 'node:stream';
import Papa from 'papaparse';
import iconv from 'iconv-lite';

/**
 * I1: reads the CSV files other tools write, streaming (a file is never held whole).
 *
 * Why papaparse: measured on the same generated 200,000-row, 22-column Google-Contacts-style
 * file here (`pnpm bench:import-parsers`, a loaded 2-core machine), papaparse's Node stream read
 * 220–260k rows/s and csv-parse 80–110k (70k with the options an import needs: `info` for line
 * numbers, relaxed column counts, any line ending). csv-parse's line numbers were the reason to
 * consider it, but they count a quoted CRLF as two lines, so we count lines ourselves either way.
 */
export const ENCODINGS = ['utf8', 'utf16le', 'utf16be', 'windows1252'] as const;
export type Encoding = (typeof ENCODINGS)[number];
export const DELIMITERS = [',', ';', '\t'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

/** Bytes looked at to decide the encoding and the delimiter. */
export const SNIFF_BYTES = 64 * 1024;

export class ImportFileError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

/**
 * The encoding of a file from its first bytes: a BOM says UTF-8 or UTF-16; without one, UTF-16
 * shows as a zero byte in every other place, UTF-8 decodes strictly, and anything else is taken
 * for Windows-1252 (what Outlook and Excel on Windows write). NUL bytes otherwise: not text.
 */
export function detectEncoding(head: Buffer): Encoding {
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf8';
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return 'utf16le';
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return 'utf16be';
  const sample = head.subarray(0, Math.min(head.length, 4096));
  let zeroEven = 0;
  let zeroOdd = 0;
  for (let i = 0; i < sample.length; i++) if (sample[i] === 0) i % 2 ? zeroOdd++ : zeroEven++;
  const half = sample.length / 2;
  if (zeroOdd > half * 0.3 && zeroEven === 0) return 'utf16le';
  if (zeroEven > half * 0.3 && zeroOdd === 0) return 'utf16be';
  if (zeroEven + zeroOdd > 0) throw new ImportFileError('not_text', 'This file is not text (it holds binary data): export a CSV file and try again');
  // A multi-byte character cut at the end of the sample is not an error.
  let end = head.length;
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const b = head[end - back]!;
    if ((b & 0xc0) === 0xc0) {
      end -= back;
      break;
    }
    if ((b & 0x80) === 0) break;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, end));
    return 'utf8';
  } catch {
    return 'windows1252';
  }
}

/** The text of the file's first bytes in its encoding, without a BOM. */
export function decodeHead(head: Buffer, encoding: Encoding): string {
  return iconv.decode(head, encoding === 'utf16be' ? 'utf16-be' : encoding, { stripBOM: true });
}

/** Comma, semicolon or tab: the one the header line holds most of, outside quotes (Excel in Germany writes `;`). */
export function detectDelimiter(text: string): Delimiter {
  const counts = new Map<Delimiter, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && counts.has(ch as Delimiter)) counts.set(ch as Delimiter, counts.get(ch as Delimiter)! + 1);
  }
  let best: Delimiter = ',';
  for (const [d, n] of counts) if (n > counts.get(best)!) best = d;
  return best;
}

/** What other tools put before a value that would start a spreadsheet formula (Twenty: a zero-width joiner; Excel users: an apostrophe). */
const ESCAPED_FORMULA = /^(?:\u200d|')(?=[=+\-@])/;
export const unescapeValue = (v: string) => (v.length > 1 && (v.charCodeAt(0) === 0x200d || v.charCodeAt(0) === 39) ? v.replace(ESCAPED_FORMULA, '') : v);

export type FileRecord = {
  /** The line of the file the record starts on (the header is line 1). */
  line: number;
  values: string[];
};

export type ReadOptions = { encoding: Encoding; delimiter: Delimiter };

/**
 * The file's records after the header, one at a time, with the line each starts on. Blank lines
 * (and lines of delimiters only) are skipped, quoted fields may hold delimiters, quotes ("") and
 * line breaks; values are unescaped. The first record, the header, goes to `onHeader`.
 */
export async function* readRecords(
  source: AsyncIterable<Buffer> | Iterable<Buffer> | Readable,
  options: ReadOptions,
  onHeader: (names: string[]) => void,
): AsyncGenerator<FileRecord> {
  const input = source instanceof Readable ? source : Readable.from(source);
  const decoded = input.pipe(iconv.decodeStream(options.encoding === 'utf16be' ? 'utf16-be' : options.encoding, { stripBOM: true }));
  // Blank lines are kept (and skipped below) so that the line count stays right.
  const parser = decoded.pipe(Papa.parse(Papa.NODE_STREAM_INPUT, { delimiter: options.delimiter, skipEmptyLines: false }));
  input.on('error', (err) => parser.destroy(err));
  decoded.on('error', (err) => parser.destroy(err));
  let header = true;
  let nextLine = 1;
  for await (const record of parser as AsyncIterable<string[]>) {
    const line = nextLine;
    let breaks = 0;
    let empty = true;
    for (const v of record) {
      if (v !== '') empty = false;
      for (let i = 0; i < v.length; i++) {
        const c = v.charCodeAt(i);
        if (c === 10 || (c === 13 && v.charCodeAt(i + 1) !== 10)) breaks++;
      }
    }
    nextLine = line + breaks + 1;
    // A blank line, or a line of delimiters only (",,,,", what spreadsheets leave below the data).
    if (empty) continue;
    if (header) {
      header = false;
      onHeader(record.map((h) => unescapeValue(h.trim())));
      continue;
    }
    for (let i = 0; i < record.length; i++) record[i] = unescapeValue(record[i]!);
    yield { line, values: record };
  }
  if (header) throw new ImportFileError('empty', 'This file is empty: it has no header row');
}
