import { normalizeCredential } from '@foyer/schema';
import type { ReadCredential } from './frame-parser.ts';
import { LineFrameParser } from './line-splitter.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });
// Control characters other than tab mean a garbled line, not a code someone printed.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;

/**
 * QR and barcode scanners in serial (USB-CDC or UART) mode send each code as a line. The text is
 * the credential as-is (wallet tokens are case-sensitive): only trimmed, as the server does. Scanners
 * cannot tell a wallet QR from a printed barcode, and both hash alike, so every line is a `qr`.
 */
export function decodeScannerLine(line: Uint8Array): ReadCredential | null | undefined {
  let text: string;
  try {
    text = utf8.decode(line);
  } catch {
    return null;
  }
  if (CONTROL.test(text)) return null;
  const normalized = normalizeCredential('qr', text);
  return normalized ? { kind: 'qr', normalized } : undefined;
}

export class ScannerParser extends LineFrameParser {
  constructor() {
    super(decodeScannerLine);
  }
}
