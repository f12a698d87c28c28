import { io, type Socket } from 'socket.io-client';
import * as Y from 'yjs';
import type { StaffClientToServer, StaffServerToClient } from '@foyer/schema/realtime';
import { plainTextOf, NOTE_FIELD } from '@foyer/server/domains/notes/note-doc.ts';

export type StaffSocket = Socket<StaffServerToClient, StaffClientToServer>;

/** A /staff socket with this session cookie, resolved once the server said welcome. */
export function connectStaff(url: string, cookie: string | undefined, opts: { reconnection?: boolean } = {}): Promise<StaffSocket> {
  const socket: StaffSocket = io(`${url}/staff`, {
    transports: ['websocket'],
    reconnection: opts.reconnection ?? false,
    extraHeaders: cookie ? { cookie } : {},
  });
  return new Promise((resolve, reject) => {
    socket.once('welcome', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

const bytes = (b: Uint8Array | ArrayBuffer) => (b instanceof Uint8Array ? b : new Uint8Array(b));

/**
 * A staff editor in Node: a Y.Doc shaped like Tiptap's (fragment `default`, paragraphs of text
 * and mention elements) synced over a real socket, as the browser's editor does: open with its
 * state vector, apply what the server sends, send each local update and wait for its ack.
 */
export class NoteEditor {
  readonly doc = new Y.Doc();
  acked = 0;
  readonly failures: string[] = [];
  /** A label for the updates made next (e.g. the text typed), listed in `ackedLabels` once acknowledged. */
  label: string | undefined;
  readonly ackedLabels: string[] = [];
  /** Milliseconds from sending each update to its acknowledgement. */
  readonly ackMs: number[] = [];
  /** Called with each update from the server as it arrives. */
  onRemote: (update: Uint8Array) => void = () => {};
  #pending = new Set<Promise<unknown>>();

  constructor(
    readonly socket: StaffSocket,
    readonly customerId: string,
  ) {
    socket.on('note:update', ({ customerId: id, update }) => {
      if (id !== this.customerId) return;
      const u = bytes(update);
      Y.applyUpdate(this.doc, u, 'remote');
      this.onRemote(u);
    });
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === 'remote') return;
      this.send(update, this.label);
    });
  }

  static async connect(url: string, cookie: string | undefined, customerId: string) {
    const editor = new NoteEditor(await connectStaff(url, cookie), customerId);
    const reply = await editor.open();
    if ('error' in reply) throw new Error(`note:open refused: ${reply.error}`);
    return editor;
  }

  /** Opens (or re-opens) the document: applies what the server has, sends what it lacks. */
  async open() {
    const reply = await this.socket.emitWithAck('note:open', { customerId: this.customerId, stateVector: Y.encodeStateVector(this.doc) });
    if ('error' in reply) return reply;
    Y.applyUpdate(this.doc, bytes(reply.update), 'remote');
    const missing = Y.encodeStateAsUpdate(this.doc, bytes(reply.stateVector));
    if (missing.byteLength > 2) this.send(missing);
    return reply;
  }

  send(update: Uint8Array, label?: string) {
    const sent = performance.now();
    const p = this.socket
      .timeout(20_000)
      .emitWithAck('note:update', { customerId: this.customerId, update })
      .then((reply) => {
        if ('ok' in reply) {
          this.acked++;
          this.ackMs.push(performance.now() - sent);
          if (label !== undefined) this.ackedLabels.push(label);
        } else this.failures.push(reply.error);
      })
      .catch((e: Error) => this.failures.push(e.message))
      .finally(() => this.#pending.delete(p));
    this.#pending.add(p);
  }

  /** Waits until every update sent so far is acknowledged (or failed). */
  async settled() {
    while (this.#pending.size) await Promise.all([...this.#pending]);
  }

  #paragraph(): Y.XmlElement {
    const fragment = this.doc.getXmlFragment(NOTE_FIELD);
    const last = fragment.get(fragment.length - 1);
    if (last instanceof Y.XmlElement) return last;
    const paragraph = new Y.XmlElement('paragraph');
    fragment.push([paragraph]);
    return paragraph;
  }

  /** Types at the end of the last paragraph (one update per call). */
  type(text: string) {
    this.doc.transact(() => {
      const paragraph = this.#paragraph();
      const last = paragraph.get(paragraph.length - 1);
      if (last instanceof Y.XmlText) last.insert(last.length, text);
      else paragraph.push([new Y.XmlText(text)]);
    });
  }

  /** A new paragraph with this text; returns it, to type into later. */
  paragraph(text: string): Y.XmlElement {
    const paragraph = new Y.XmlElement('paragraph');
    this.doc.transact(() => {
      this.doc.getXmlFragment(NOTE_FIELD).push([paragraph]);
      paragraph.push([new Y.XmlText(text)]);
    });
    return paragraph;
  }

  /** Types at the end of this paragraph (one update per call). */
  typeInto(paragraph: Y.XmlElement, text: string) {
    const last = paragraph.get(paragraph.length - 1);
    if (last instanceof Y.XmlText) last.insert(last.length, text);
  }

  /** Inserts an @-mention of a colleague, as Tiptap's Mention node is stored. */
  mention(userId: string, label: string) {
    this.doc.transact(() => {
      const mention = new Y.XmlElement('mention');
      mention.setAttribute('id', userId);
      mention.setAttribute('label', label);
      this.#paragraph().push([mention]);
    });
  }

  get text() {
    return plainTextOf(this.doc);
  }

  close() {
    this.socket.close();
    this.doc.destroy();
  }
}

/** Polls until `check` holds (or fails after `ms`). */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 5000, what = 'condition') {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
