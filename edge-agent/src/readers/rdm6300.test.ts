import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeRdm6300Frame, encodeRdm6300Frame, Rdm6300Parser, RDM6300_FRAME_LENGTH } from './rdm6300.ts';

const bytes = (...parts: (Uint8Array | string | number[])[]) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p, 'latin1')] : [...p])));

// A real frame as an RDM6300 sends it for card 0x62E3086CED: 62^E3^08^6C^ED = 08.
const CARD_FRAME = bytes([0x02], '62E3086CED08', [0x03]);

describe('RDM6300 frames', () => {
  it('reads a frame with a good checksum', () => {
    expect(decodeRdm6300Frame(CARD_FRAME)).toBe('62E3086CED');
    expect(new Rdm6300Parser().push(CARD_FRAME)).toEqual({ credentials: [{ kind: 'rfid', normalized: '62E3086CED' }], badFrames: 0 });
  });

  it('accepts lowercase hex and normalizes it', () => {
    expect(new Rdm6300Parser().push(bytes([0x02], '62e3086ced08', [0x03])).credentials).toEqual([{ kind: 'rfid', normalized: '62E3086CED' }]);
  });

  it('counts and drops a frame with a bad checksum, a missing ETX or non-hex data', () => {
    const parser = new Rdm6300Parser();
    expect(parser.push(bytes([0x02], '62E3086CED09', [0x03]))).toEqual({ credentials: [], badFrames: 1 });
    expect(parser.push(bytes([0x02], '62E3086CED08', [0x04]))).toEqual({ credentials: [], badFrames: 1 });
    expect(parser.push(bytes([0x02], '62E3086CEG08', [0x03]))).toEqual({ credentials: [], badFrames: 1 });
  });

  it('joins a frame split across chunks, byte by byte', () => {
    const parser = new Rdm6300Parser();
    const read = [...CARD_FRAME].flatMap((b) => parser.push(Uint8Array.of(b)).credentials);
    expect(read.map((c) => c.normalized)).toEqual(['62E3086CED']);
  });

  it('reads joined frames (a held card repeats) and skips noise between them', () => {
    const result = new Rdm6300Parser().push(bytes(CARD_FRAME, [0xff, 0x00], CARD_FRAME, 'xx', encodeRdm6300Frame('0A001B2C3D')));
    expect(result.credentials.map((c) => c.normalized)).toEqual(['62E3086CED', '62E3086CED', '0A001B2C3D']);
    expect(result.badFrames).toBe(0);
  });

  it('finds a good frame that starts inside a truncated one', () => {
    // A frame cut short by a lost byte, then the repeat: the repeat must still be read.
    const truncated = CARD_FRAME.subarray(0, 9);
    const result = new Rdm6300Parser().push(bytes(truncated, CARD_FRAME));
    expect(result.credentials.map((c) => c.normalized)).toEqual(['62E3086CED']);
    expect(result.badFrames).toBe(1);
  });
});

describe('RDM6300 parser properties', () => {
  const cardId = fc.stringMatching(/^[0-9A-F]{10}$/);
  const chunked = (data: Uint8Array, cuts: number[]) => {
    const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
    const chunks: Uint8Array[] = [];
    let from = 0;
    for (const p of [...points, data.length]) {
      chunks.push(data.subarray(from, p));
      from = p;
    }
    return chunks;
  };

  it('never throws on random bytes, and only emits ids whose frame is in the input with a good checksum', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(), { maxLength: 10 }), (data, cuts) => {
        const parser = new Rdm6300Parser();
        const ids = chunked(data, cuts).flatMap((chunk) => parser.push(chunk).credentials.map((c) => c.normalized));
        const text = Buffer.from(data).toString('latin1');
        for (const id of ids) {
          const at = [...text.matchAll(/\x02([0-9A-Fa-f]{12})\x03/g)].find((m) => m[1]!.slice(0, 10).toUpperCase() === id);
          expect(at, `frame for ${id}`).toBeDefined();
          expect(decodeRdm6300Frame(data.subarray(at!.index, at!.index + RDM6300_FRAME_LENGTH))).not.toBeNull();
        }
      }),
      { numRuns: 500 },
    );
  });

  it('reads every valid frame however the stream is chunked and whatever noise lies between', () => {
    const noise = fc.uint8Array({ maxLength: 8 }).map((n) => n.map((b) => (b === 0x02 ? 0x20 : b)));
    fc.assert(
      fc.property(fc.array(fc.tuple(cardId, noise), { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { maxLength: 12 }), (cards, cuts) => {
        const stream = Buffer.concat(cards.flatMap(([id, n]) => [Buffer.from(n), Buffer.from(encodeRdm6300Frame(id))]));
        const parser = new Rdm6300Parser();
        const ids = chunked(stream, cuts).flatMap((chunk) => parser.push(chunk).credentials.map((c) => c.normalized));
        expect(ids).toEqual(cards.map(([id]) => id));
      }),
      { numRuns: 300 },
    );
  });

  it('never emits a credential from a frame whose checksum is wrong', () => {
    fc.assert(
      fc.property(cardId, fc.integer({ min: 1, max: 255 }), (id, flip) => {
        const frame = encodeRdm6300Frame(id);
        const checksum = parseInt(Buffer.from(frame.subarray(11, 13)).toString(), 16) ^ flip;
        frame.set(Buffer.from(checksum.toString(16).toUpperCase().padStart(2, '0')), 11);
        const result = new Rdm6300Parser().push(frame);
        expect(result.credentials).toEqual([]);
        expect(result.badFrames).toBe(1);
      }),
      { numRuns: 300 },
    );
  });
});
