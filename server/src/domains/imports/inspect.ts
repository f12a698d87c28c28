import { Readable } from 'node:stream';
import type { ImportMappingParsed } from '@foyer/schema/validation';
import type { FieldDefinition } from '../custom-fields/customer-repository.ts';
import { suggestMapping, type ImportFormat } from './mapping.ts';
import {
  decodeHead,
  detectDelimiter,
  detectEncoding,
  ImportFileError,
  readRecords,
  SNIFF_BYTES,
  type Delimiter,
  type Encoding,
  type FileRecord,
} from './reader.ts';

/** A source of the file's bytes that can be read again from the start (a file on disk, the stored upload). */
export type FileSource = () => AsyncIterable<Buffer> | Iterable<Buffer> | Readable;

export type Inspection = {
  encoding: Encoding;
  delimiter: Delimiter;
  format: ImportFormat | null;
  headers: string[];
  sample: FileRecord[];
  suggested: ImportMappingParsed;
};

/** The first bytes of the file. */
export async function headOf(source: FileSource): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of source()) {
    parts.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size >= SNIFF_BYTES) break;
  }
  return Buffer.concat(parts).subarray(0, SNIFF_BYTES);
}

/** Checks a header row: names present, none twice. */
export function checkHeaders(headers: string[]): void {
  const seen = new Map<string, number>();
  headers.forEach((h, i) => {
    if (!h) return;
    const key = h.toLowerCase();
    if (seen.has(key))
      throw new ImportFileError(
        'duplicate_header',
        `Line 1: columns ${seen.get(key)! + 1} and ${i + 1} are both called "${h}": rename one and upload again`,
        1,
      );
    seen.set(key, i);
  });
  if (headers.every((h) => !h)) throw new ImportFileError('empty', 'The first line has no column names: the file needs a header row', 1);
}

/**
 * Detects the encoding (unless given), the delimiter and the export the file comes from, reads
 * the header and the first `sampleRows` rows, and suggests a mapping.
 */
export async function inspectFile(
  source: FileSource,
  options: { encoding?: Encoding; delimiter?: Delimiter; sampleRows?: number; customFields: FieldDefinition[] },
): Promise<Inspection> {
  const head = await headOf(source);
  if (head.length === 0) throw new ImportFileError('empty', 'This file is empty');
  const encoding = options.encoding ?? detectEncoding(head);
  const delimiter = options.delimiter ?? detectDelimiter(decodeHead(head, encoding));
  let headers: string[] = [];
  const sample: FileRecord[] = [];
  for await (const record of readRecords(source(), { encoding, delimiter }, (h) => (headers = h))) {
    sample.push(record);
    if (sample.length >= (options.sampleRows ?? 20)) break;
  }
  checkHeaders(headers);
  if (sample.length === 0) throw new ImportFileError('only_header', 'This file has a header row but no customers below it');
  const { mapping, format } = suggestMapping(
    headers,
    sample.map((r) => r.values),
    options.customFields,
  );
  return { encoding, delimiter, format, headers, sample, suggested: mapping };
}
