import { normalizeCredential, wiegandCredential } from '@foyer/schema';
import type { ReadCredential } from './frame-parser.ts';
import { LineFrameParser } from './line-splitter.ts';

export type WiegandBits = 26 | 34;

/** A converter prints the raw bits as hex: 26 bits fit 7 digits, 34 bits fit 9. */
const bitsByHexLength: Record<number, WiegandBits> = { 7: 26, 9: 34 };

/**
 * Decodes one Wiegand frame from its raw bits, most significant first:
 * even parity bit · facility (8 bits for 26, 16 for 34) · card number (16 bits) · odd parity bit.
 * The leading parity bit makes the first half (itself and the bits it covers) even, the trailing
 * one the second half odd. Returns null when the hex is malformed, too wide, or a parity fails.
 */
export function decodeWiegandHex(hex: string): { bits: WiegandBits; facility: number; card: number } | null {
  const bits = bitsByHexLength[hex.length];
  if (!bits || !/^[0-9a-fA-F]+$/.test(hex)) return null;
  const value = BigInt(`0x${hex}`);
  if (value >> BigInt(bits) !== 0n) return null;
  const bit = (i: number) => Number((value >> BigInt(bits - 1 - i)) & 1n); // i = 0 is the first bit sent
  const half = bits / 2;
  let firstHalfOnes = 0;
  let secondHalfOnes = 0;
  for (let i = 0; i < half; i++) firstHalfOnes += bit(i);
  for (let i = half; i < bits; i++) secondHalfOnes += bit(i);
  if (firstHalfOnes % 2 !== 0 || secondHalfOnes % 2 !== 1) return null;
  const data = (value >> 1n) & ((1n << BigInt(bits - 2)) - 1n);
  return { bits, facility: Number(data >> 16n), card: Number(data & 0xffffn) };
}

/** The hex line a converter would print for these numbers, with correct parity (tests, simulation). */
export function encodeWiegandHex(bits: WiegandBits, facility: number, card: number): string {
  const data = (BigInt(facility) << 16n) | BigInt(card);
  const half = bits / 2;
  const ones = (v: bigint) =>
    v
      .toString(2)
      .split('')
      .filter((c) => c === '1').length;
  const dataBits = BigInt(bits - 2);
  const firstData = data >> (dataBits - BigInt(half - 1));
  const secondData = data & ((1n << BigInt(half - 1)) - 1n);
  const even = BigInt(ones(firstData) % 2);
  const odd = BigInt(1 - (ones(secondData) % 2));
  const value = (even << BigInt(bits - 1)) | (data << 1n) | odd;
  return value
    .toString(16)
    .toUpperCase()
    .padStart(bits === 26 ? 7 : 9, '0');
}

/** Wiegand 26/34 readers behind a Wiegand-to-serial converter that prints one hex line per read. */
export function decodeWiegandLine(line: Uint8Array): ReadCredential | null {
  const decoded = decodeWiegandHex(Buffer.from(line).toString('latin1').trim());
  if (!decoded) return null;
  return { kind: 'rfid', normalized: normalizeCredential('rfid', wiegandCredential(decoded.bits, decoded.facility, decoded.card)) };
}

export class WiegandParser extends LineFrameParser {
  constructor() {
    super(decodeWiegandLine);
  }
}
