import * as Y from 'yjs';
import { CONTROL_CHARACTERS } from '@foyer/schema/validation';

/**
 * What the server knows about the shape of a note: Tiptap's Collaboration extension keeps the
 * ProseMirror document in the XML fragment `default`; a mention is an element `mention` with the
 * colleague's user id in its `id` attribute and their name in `label`.
 */
export const NOTE_FIELD = 'default';
const BLOCKS = new Set(['paragraph', 'heading', 'listItem', 'blockquote', 'codeBlock', 'horizontalRule']);

/** A document from a stored snapshot and the updates after it, applied in one transaction. */
export function docFrom(snapshot: Uint8Array | null, updates: Iterable<Uint8Array>): Y.Doc {
  const doc = new Y.Doc();
  applyAll(doc, snapshot, updates, 'load');
  return doc;
}

export function applyAll(doc: Y.Doc, snapshot: Uint8Array | null, updates: Iterable<Uint8Array>, origin: unknown) {
  Y.transact(
    doc,
    () => {
      if (snapshot) Y.applyUpdate(doc, snapshot);
      for (const update of updates) Y.applyUpdate(doc, update);
    },
    origin,
  );
}

/** True when the bytes are a Yjs (v1) update: decodable to the end, with structs or deletions. */
export function isYjsUpdate(bytes: Uint8Array): boolean {
  try {
    const { structs, ds } = Y.decodeUpdate(bytes);
    return structs.length > 0 || ds.clients.size > 0;
  } catch {
    return false;
  }
}

/** The note as plain text (one line per block, mentions as @Name): what search reads. */
export function plainTextOf(doc: Y.Doc): string {
  const out: string[] = [];
  const walk = (node: Y.XmlElement | Y.XmlText | Y.XmlFragment | Y.XmlHook) => {
    if (node instanceof Y.XmlText) {
      for (const op of node.toDelta() as { insert: unknown }[]) if (typeof op.insert === 'string') out.push(op.insert);
      return;
    }
    if (node instanceof Y.XmlElement) {
      if (node.nodeName === 'mention') {
        out.push(`@${String(node.getAttribute('label') ?? '')}`);
        return;
      }
      if (node.nodeName === 'hardBreak') out.push('\n');
    }
    if (node instanceof Y.XmlElement || node instanceof Y.XmlFragment) {
      for (const child of node.toArray()) walk(child);
      if (node instanceof Y.XmlElement && BLOCKS.has(node.nodeName) && out.at(-1) !== '\n') out.push('\n');
    }
  };
  walk(doc.getXmlFragment(NOTE_FIELD));
  // A pasted control character (a NUL cannot be stored in text) is not what anyone searches for.
  return out
    .join('')
    .replace(new RegExp(CONTROL_CHARACTERS.source, 'g'), '')
    .replace(/\n{2,}/g, '\n')
    .trim();
}

/** The user ids of mention elements in (and under) these newly inserted types. */
export function mentionsIn(types: Iterable<unknown>): string[] {
  const ids: string[] = [];
  const walk = (type: unknown) => {
    if (type instanceof Y.XmlElement) {
      if (type.nodeName === 'mention') {
        const id = type.getAttribute('id');
        if (typeof id === 'string') ids.push(id);
        return;
      }
      for (const child of type.toArray()) walk(child);
    }
  };
  for (const type of types) walk(type);
  return ids;
}

/**
 * Watches a document for mention elements that a transaction with an origin accepted by `track`
 * inserts. Yjs lists only structs new to the document in `changes.added`, so an update applied a
 * second time (a resend after a lost ack, a reload) reports nothing.
 */
export function watchMentions(doc: Y.Doc, track: (origin: unknown) => boolean, found: (userIds: string[], origin: unknown) => void) {
  const fragment = doc.getXmlFragment(NOTE_FIELD);
  const observer = (events: Y.YEvent<Y.AbstractType<unknown>>[], transaction: Y.Transaction) => {
    if (!track(transaction.origin)) return;
    const added: unknown[] = [];
    for (const event of events) for (const item of event.changes.added) if (item.content instanceof Y.ContentType) added.push(item.content.type);
    const ids = mentionsIn(added);
    if (ids.length) found(ids, transaction.origin);
  };
  fragment.observeDeep(observer);
  return () => fragment.unobserveDeep(observer);
}
