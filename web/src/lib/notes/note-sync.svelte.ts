import * as Y from 'yjs';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness';
import type { NoteBytes } from '@foyer/schema/realtime';
import type { StaffSocket } from '$lib/state/staff-socket.svelte';

/**
 * - `connecting`: the first sync is under way.
 * - `saving`: local edits are on their way; `saved`: the server stored every one of them.
 * - `offline`: no connection; edits stay in this tab's copy and merge when it comes back.
 * - `refused`: the server would not open the note (removed customer, signed out).
 */
export type NoteStatus = 'connecting' | 'saving' | 'saved' | 'offline' | 'refused';

/** What comes from the server (or is being dropped) is never sent back. */
const REMOTE = Symbol('remote');
const ACK_TIMEOUT_MS = 10_000;

const bytes = (b: NoteBytes) => (b instanceof Uint8Array ? b : new Uint8Array(b));

/** A stable color per colleague (their caret and avatar), from their user id. */
const COLORS = ['#0f766e', '#b45309', '#7c3aed', '#be185d', '#1d4ed8', '#15803d', '#c2410c', '#0e7490'];
export function colorFor(userId: string): string {
  let h = 0;
  for (const ch of userId) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return COLORS[h % COLORS.length]!;
}

/**
 * One customer's notes in this tab: a Y.Doc kept in sync with the server over the staff socket,
 * and the awareness (names, carets) of the colleagues editing it. Every local update is sent and
 * counted until acknowledged. While offline the doc keeps taking edits; after a (re)connect the
 * note is opened again with this copy's state vector, the server answers with what the copy
 * lacks and its own state vector, and the copy sends exactly what the server lacks: whatever was
 * unacknowledged or typed offline, once, so both sides merge.
 */
export class NoteSync {
  readonly doc = new Y.Doc();
  readonly awareness = new Awareness(this.doc);
  status = $state<NoteStatus>('connecting');
  /** True once the first sync brought the stored note (the editor waits for it: content is never seeded here). */
  loaded = $state(false);
  #unacked = 0;
  #open = false;
  #destroyed = false;
  #offs: (() => void)[] = [];

  constructor(
    private readonly socket: StaffSocket,
    readonly customerId: string,
  ) {}

  start() {
    const on = <E extends 'connect' | 'disconnect' | 'note:update' | 'note:awareness'>(event: E, listener: (...args: never[]) => void) => {
      (this.socket.on as (e: string, l: (...args: never[]) => void) => void)(event, listener);
      this.#offs.push(() => (this.socket.off as (e: string, l: (...args: never[]) => void) => void)(event, listener));
    };
    on('connect', () => void this.#sync());
    on('disconnect', () => this.#offline());
    on('note:update', ({ customerId, update }: { customerId: string; update: NoteBytes }) => {
      if (customerId === this.customerId && this.#open) Y.applyUpdate(this.doc, bytes(update), REMOTE);
    });
    on('note:awareness', ({ customerId, update }: { customerId: string; update: NoteBytes }) => {
      if (customerId === this.customerId && this.#open) applyAwarenessUpdate(this.awareness, bytes(update), REMOTE);
    });

    const onUpdate = (update: Uint8Array, origin: unknown) => {
      if (origin === REMOTE) return;
      if (this.#open && this.socket.connected) this.#send(update);
      else this.status = this.socket.connected ? 'saving' : 'offline';
    };
    this.doc.on('update', onUpdate);
    this.#offs.push(() => this.doc.off('update', onUpdate));

    const onAwareness = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
      if (!this.#open || !this.socket.connected) return;
      if (origin === REMOTE) {
        // A colleague just arrived: tell them where we are (the server keeps no awareness).
        if (added.some((id) => id !== this.doc.clientID)) this.#sendAwareness([this.doc.clientID]);
        return;
      }
      this.#sendAwareness([...added, ...updated, ...removed]);
    };
    this.awareness.on('update', onAwareness);
    this.#offs.push(() => this.awareness.off('update', onAwareness));

    if (this.socket.connected) void this.#sync();
    else this.status = 'connecting';
  }

  #sendAwareness(clients: number[]) {
    this.socket.emit('note:awareness', { customerId: this.customerId, update: encodeAwarenessUpdate(this.awareness, clients) });
  }

  /** (Re)opens the note: takes what the server has that this copy lacks, sends what the server lacks. */
  async #sync() {
    this.#open = false;
    this.#unacked = 0;
    if (!this.loaded) this.status = 'connecting';
    try {
      const reply = await this.socket
        .timeout(ACK_TIMEOUT_MS)
        .emitWithAck('note:open', { customerId: this.customerId, stateVector: Y.encodeStateVector(this.doc) });
      if (this.#destroyed) return;
      if ('error' in reply) {
        this.status = 'refused';
        return;
      }
      Y.applyUpdate(this.doc, bytes(reply.update), REMOTE);
      this.#open = true;
      this.loaded = true;
      const missing = Y.encodeStateAsUpdate(this.doc, bytes(reply.stateVector));
      // An update with nothing in it is two bytes (no structs, no deletions).
      if (missing.byteLength > 2) this.#send(missing);
      else this.status = 'saved';
      // Announce ourselves again. When we dropped off, the server told the others our state was
      // gone with our clock + 1: only a higher clock brings our caret back, and each set raises it.
      const local = this.awareness.getLocalState();
      this.awareness.setLocalState(local);
      this.awareness.setLocalState(local);
    } catch {
      // No answer in time: the socket reconnects (or is already back) and syncs again.
      if (!this.#destroyed && this.socket.connected) setTimeout(() => this.socket.connected && void this.#sync(), 2000);
    }
  }

  #send(update: Uint8Array) {
    this.#unacked += 1;
    this.status = 'saving';
    this.socket
      .timeout(ACK_TIMEOUT_MS)
      .emitWithAck('note:update', { customerId: this.customerId, update })
      .then((reply) => {
        if ('error' in reply) throw new Error(reply.error);
        this.#unacked = Math.max(0, this.#unacked - 1);
        if (!this.#unacked && this.#open) this.status = 'saved';
      })
      .catch(() => {
        // Not stored (or no answer): sync again, which sends whatever the server still lacks.
        if (this.#destroyed) return;
        if (this.socket.connected && this.#open) void this.#sync();
      });
  }

  #offline() {
    this.#open = false;
    this.status = 'offline';
    // Colleagues' carets would freeze where they were: drop them until we are back.
    const others = [...this.awareness.getStates().keys()].filter((id) => id !== this.doc.clientID);
    removeAwarenessStates(this.awareness, others, REMOTE);
  }

  destroy() {
    this.#destroyed = true;
    if (this.socket.connected) {
      removeAwarenessStates(this.awareness, [this.doc.clientID], 'local');
      this.socket.emit('note:close', this.customerId);
    }
    for (const off of this.#offs) off();
    this.awareness.destroy();
    this.doc.destroy();
  }
}
