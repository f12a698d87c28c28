import type { FrameParser, ReaderProtocol } from './frame-parser.ts';
import { Rdm6300Parser } from './rdm6300.ts';
import { ScannerParser } from './scanner.ts';
import { WiegandParser } from './wiegand.ts';

export function createParser(protocol: ReaderProtocol): FrameParser {
  switch (protocol) {
    case 'rdm6300':
      return new Rdm6300Parser();
    case 'wiegand':
      return new WiegandParser();
    case 'scanner':
      return new ScannerParser();
  }
}
