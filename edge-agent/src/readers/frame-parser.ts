import type { CredentialKind } from '@foyer/schema';

/** A credential as a reader read it, already in the canonical form the server hashes. */
export type ReadCredential = { kind: CredentialKind; normalized: string };

/** What one chunk of bytes yielded: whole credentials, and frames that failed their checks. */
export type ParseResult = { credentials: ReadCredential[]; badFrames: number };

/**
 * A byte-stream parser for one reader protocol. Serial ports hand over bytes in arbitrary chunks
 * (half a frame, three frames and a bit), so parsers keep what they have not finished between
 * calls. They never throw: a reader's garbage must not take the agent down.
 */
export interface FrameParser {
  push(chunk: Uint8Array): ParseResult;
}

export const readerProtocols = ['rdm6300', 'wiegand', 'scanner'] as const;
export type ReaderProtocol = (typeof readerProtocols)[number];
