import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeWiegandHex, encodeWiegandHex, WiegandParser } from './wiegand.ts';

const lines = (...text: string[]) => Buffer.from(text.join(''), 'latin1');

describe('Wiegand over a serial converter', () => {
  it('decodes 26-bit frames with both parity bits checked', () => {
    // Facility 12, card 3456: data 0x0C0D80; first 12 data bits 000011000000 (2 ones: even parity 0),
    // last 12 110110000000 (4 ones: odd parity 1) → 0 000011000000 110110000000 1 = 0x0181B01.
    expect(encodeWiegandHex(26, 12, 3456)).toBe('0181B01');
    expect(decodeWiegandHex('0181B01')).toEqual({ bits: 26, facility: 12, card: 3456 });
    expect(decodeWiegandHex('0181b01')).toEqual({ bits: 26, facility: 12, card: 3456 });
  });

  it('decodes 34-bit frames', () => {
    const hex = encodeWiegandHex(34, 4660, 65535);
    expect(hex).toHaveLength(9);
    expect(decodeWiegandHex(hex)).toEqual({ bits: 34, facility: 4660, card: 65535 });
  });

  it('rejects a wrong leading or trailing parity bit, and frames wider than their bit count', () => {
    expect(decodeWiegandHex('2181B01')).toBeNull(); // even parity bit flipped
    expect(decodeWiegandHex('0181B00')).toBeNull(); // odd parity bit flipped
    expect(decodeWiegandHex('4181B01')).toBeNull(); // a 27th bit
    expect(decodeWiegandHex('181B01')).toBeNull(); // 6 digits: no such frame
    expect(decodeWiegandHex('0181B0Z')).toBeNull();
  });

  it('turns lines into W26/W34 credentials, across chunks, with CR, LF or CRLF', () => {
    const parser = new WiegandParser();
    const stream = lines('0181B01\r\n', encodeWiegandHex(34, 1, 2), '\n', 'nonsense\r', '0181B00\n');
    const first = parser.push(stream.subarray(0, 4));
    const rest = parser.push(stream.subarray(4));
    expect([...first.credentials, ...rest.credentials].map((c) => c.normalized)).toEqual(['W26:12:3456', 'W34:1:2']);
    expect(first.badFrames + rest.badFrames).toBe(2);
  });

  it('never throws on random bytes and only emits credentials that re-encode to a line it was given', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (data) => {
        const text = Buffer.from(data).toString('latin1');
        for (const { normalized } of new WiegandParser().push(data).credentials) {
          const [, bits, facility, card] = /^W(26|34):(\d+):(\d+)$/.exec(normalized)!;
          const hex = encodeWiegandHex(Number(bits) as 26 | 34, Number(facility), Number(card));
          expect(text.toUpperCase()).toContain(hex);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('rejects every single-bit corruption of a valid frame', () => {
    fc.assert(
      fc.property(fc.constantFrom(26 as const, 34 as const), fc.nat(0xffff), fc.nat(0xffff), fc.nat(33), (bits, facility, card, flip) => {
        const f = bits === 26 ? facility & 0xff : facility;
        const value = BigInt(`0x${encodeWiegandHex(bits, f, card)}`) ^ (1n << BigInt(flip % bits));
        const hex = value.toString(16).padStart(bits === 26 ? 7 : 9, '0');
        expect(decodeWiegandHex(hex)).toBeNull();
      }),
      { numRuns: 300 },
    );
  });
});
