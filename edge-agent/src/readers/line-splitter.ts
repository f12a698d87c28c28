import type { FrameParser, ParseResult, ReadCredential } from './frame-parser.ts';

/** Longest line a reader may send; anything longer is noise (or a scanner stuck in a loop). */
export const MAX_LINE_BYTES = 512;

const CR = 0x0d;
const LF = 0x0a;

export type SplitLines = { lines: Uint8Array[]; overlong: number };

/**
 * Cuts a byte stream into lines at CR, LF or CRLF, keeping an unfinished line for the next chunk.
 * Splitting bytes, not text, keeps a UTF-8 character that straddles two chunks whole. Empty lines
 * (the LF of a CRLF, a scanner's idle newline) are dropped; a line over MAX_LINE_BYTES is counted
 * and skipped up to its terminator, so a stream without newlines cannot grow memory.
 */
export class LineSplitter {
  private pending: number[] = [];
  private skippingOverlong = false;

  push(chunk: Uint8Array): SplitLines {
    const out: SplitLines = { lines: [], overlong: 0 };
    for (const byte of chunk) {
      if (byte === CR || byte === LF) {
        if (this.skippingOverlong) this.skippingOverlong = false;
        else if (this.pending.length > 0) out.lines.push(Uint8Array.from(this.pending));
        this.pending = [];
        continue;
      }
      if (this.skippingOverlong) continue;
      this.pending.push(byte);
      if (this.pending.length > MAX_LINE_BYTES) {
        out.overlong++;
        this.pending = [];
        this.skippingOverlong = true;
      }
    }
    return out;
  }
}

/** Reads one line: a credential, null for a bad frame, undefined for a line to ignore (blank). */
export type LineDecoder = (line: Uint8Array) => ReadCredential | null | undefined;

/** A FrameParser for line-based readers (Wiegand converters, scanners): split, then decode each line. */
export class LineFrameParser implements FrameParser {
  private readonly splitter = new LineSplitter();

  constructor(private readonly decode: LineDecoder) {}

  push(chunk: Uint8Array): ParseResult {
    const { lines, overlong } = this.splitter.push(chunk);
    const result: ParseResult = { credentials: [], badFrames: overlong };
    for (const line of lines) {
      const credential = this.decode(line);
      if (credential) result.credentials.push(credential);
      else if (credential === null) result.badFrames++;
    }
    return result;
  }
}
