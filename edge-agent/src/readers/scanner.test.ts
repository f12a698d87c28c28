import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_LINE_BYTES } from './line-splitter.ts';
import { ScannerParser } from './scanner.ts';

describe('QR and barcode scanners in serial mode', () => {
  it('reads each line as-is (case kept), trimmed, across CR, LF and CRLF', () => {
    const result = new ScannerParser().push(Buffer.from('  wAlLeT-Token_1 \r\n4006381333931\r\rEAN\n'));
    expect(result.credentials.map((c) => c.normalized)).toEqual(['wAlLeT-Token_1', '4006381333931', 'EAN']);
    expect(result.badFrames).toBe(0);
  });

  it('keeps a UTF-8 character split across chunks whole', () => {
    const parser = new ScannerParser();
    const bytes = Buffer.from('Café-42\n');
    const read = [...bytes].flatMap((b) => parser.push(Uint8Array.of(b)).credentials);
    expect(read.map((c) => c.normalized)).toEqual(['Café-42']);
  });

  it('counts garbled lines (invalid UTF-8, control characters) and overlong lines, and drops them', () => {
    const parser = new ScannerParser();
    const result = parser.push(
      Buffer.concat([Buffer.from([0xc3, 0x28, 0x0a]), Buffer.from('a\x07b\n'), Buffer.alloc(MAX_LINE_BYTES + 10, 0x41), Buffer.from('\nok\n')]),
    );
    expect(result.credentials.map((c) => c.normalized)).toEqual(['ok']);
    expect(result.badFrames).toBe(3);
  });

  it('gives the same credentials however the stream is chunked, and never throws', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(300), { maxLength: 8 }), (data, cuts) => {
        const whole = new ScannerParser().push(data).credentials;
        const parser = new ScannerParser();
        const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
        let from = 0;
        const pieces = [...points, data.length].flatMap((p) => {
          const out = parser.push(data.subarray(from, p)).credentials;
          from = p;
          return out;
        });
        expect(pieces).toEqual(whole);
        for (const { normalized } of whole) expect(normalized).not.toMatch(/[\r\n]/);
      }),
      { numRuns: 500 },
    );
  });
});
