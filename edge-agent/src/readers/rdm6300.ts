import { normalizeCredential } from '@foyer/schema';
import type { FrameParser, ParseResult } from './frame-parser.ts';

const STX = 0x02;
const ETX = 0x03;
/** STX + 10 hex data + 2 hex checksum + ETX. */
export const RDM6300_FRAME_LENGTH = 14;

/** A byte past the end (undefined) is not a hex digit. */
const isHexDigit = (b: number | undefined) => b !== undefined && ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66));
// Only called inside a frame whose length was checked.
const hexPair = (bytes: Uint8Array, at: number) => parseInt(String.fromCharCode(bytes[at]!, bytes[at + 1]!), 16);

/**
 * Reads one frame starting at `frame[0] === STX`: the 10 hex characters of the EM4100 id when the
 * frame is well formed and its checksum (XOR of the 5 data bytes) matches, otherwise null.
 */
export function decodeRdm6300Frame(frame: Uint8Array): string | null {
  if (frame.length !== RDM6300_FRAME_LENGTH || frame[0] !== STX || frame[13] !== ETX) return null;
  for (let i = 1; i <= 12; i++) if (!isHexDigit(frame[i])) return null;
  let xor = 0;
  for (let i = 1; i <= 9; i += 2) xor ^= hexPair(frame, i);
  if (xor !== hexPair(frame, 11)) return null;
  return String.fromCharCode(...frame.subarray(1, 11));
}

/** Builds a valid frame for an id of 10 hex characters (tests, simulation). */
export function encodeRdm6300Frame(id: string): Uint8Array {
  const hex = id.toUpperCase();
  let xor = 0;
  for (let i = 0; i < 10; i += 2) xor ^= parseInt(hex.slice(i, i + 2), 16);
  const text = hex + xor.toString(16).toUpperCase().padStart(2, '0');
  return Uint8Array.from([STX, ...Buffer.from(text, 'ascii'), ETX]);
}

/**
 * RDM6300/EM4100 at 9600 8N1. Bytes before an STX are line noise and skipped. A frame that fails
 * its checks is counted, and scanning resumes right after its STX, so that a real frame starting
 * inside the broken one (a byte lost on the wire shifts everything) is still found.
 */
export class Rdm6300Parser implements FrameParser {
  private pending = new Uint8Array(0);

  push(chunk: Uint8Array): ParseResult {
    const result: ParseResult = { credentials: [], badFrames: 0 };
    const bytes = concat(this.pending, chunk);
    let at = 0;
    while (at < bytes.length) {
      if (bytes[at] !== STX) {
        at++;
        continue;
      }
      if (bytes.length - at < RDM6300_FRAME_LENGTH) {
        // Wait for the rest unless the partial frame is already provably broken.
        if (partialFrameIsPlausible(bytes.subarray(at))) break;
        result.badFrames++;
        at++;
        continue;
      }
      const id = decodeRdm6300Frame(bytes.subarray(at, at + RDM6300_FRAME_LENGTH));
      if (id === null) {
        result.badFrames++;
        at++;
      } else {
        result.credentials.push({ kind: 'rfid', normalized: normalizeCredential('rfid', id) });
        at += RDM6300_FRAME_LENGTH;
      }
    }
    this.pending = bytes.slice(at);
    return result;
  }
}

/** A frame's beginning can still become valid: only hex digits after the STX so far. */
function partialFrameIsPlausible(partial: Uint8Array): boolean {
  for (let i = 1; i < partial.length; i++) if (!isHexDigit(partial[i])) return false;
  return true;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
