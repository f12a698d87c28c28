import * as Y from 'yjs';
import { customerDisplayName, fromSystemId, systemIdPattern, toSystemId, type NoteSearchHit } from '@foyer/schema/validation';
import type { Db } from '../../platform/db/connect.ts';
import type { Logger } from '../../platform/logger.ts';
import { docFrom, plainTextOf } from './note-doc.ts';
import * as repo from './repository.ts';
import { writeEvent, type Tx } from '../../platform/outbox.ts';
import { findCustomerIdByRef } from '../customers/repository.ts';

/** Past this many updates after the snapshot, the log is folded into a new snapshot. */
export const COMPACT_AFTER = 200;
/** The search text follows the document this long after the last edit (not on every keystroke). */
const PROJECT_AFTER_MS = 1000;
/** One statement carries at most this many updates of one document. */
const MAX_BATCH = 200;
/** Commits of one document under way at once (the pool has 10 connections for everything). */
const MAX_IN_FLIGHT = 3;

type Waiting = { update: Uint8Array; userId: string; resolve: () => void; reject: (error: unknown) => void };
type Queue = { waiting: Waiting[]; inFlight: number; orgId: string };

/**
 * N1/P2: customers' shared notes as stored Yjs documents. Every update is committed to PostgreSQL
 * before `append` resolves; updates of one document that arrive while its commits are under way
 * go together in the next one (group commit), so many editors cost few round trips. Long logs are
 * folded into a snapshot, and the plain-text projection follows edits a second behind.
 */
export class NoteService {
  readonly #queues = new Map<string, Queue>();
  /** Updates stored after the snapshot, as far as this process knows (other nodes append too: recounted after compaction). */
  readonly #tail = new Map<string, number>();
  readonly #compacting = new Set<string>();
  readonly #projectTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Who appended to each note on this node since its text was last projected (note.edited names them). */
  readonly #editors = new Map<string, Set<string>>();
  #closed = false;

  constructor(
    private readonly db: Db,
    private readonly logger?: Logger,
  ) {}

  /** The customer (by system id or customer number) if they are this organization's and not erased; else undefined, whatever the reason. */
  async customerFor(orgId: string, ref: unknown) {
    if (typeof ref !== 'string') return undefined;
    // A ref is the system id or the customer number, as on every customer route (C3).
    const id = systemIdPattern.test(ref) ? fromSystemId(ref) : await findCustomerIdByRef(this.db, orgId, ref);
    if (!id) return undefined;
    const row = await repo.findNoteCustomer(this.db, orgId, id);
    if (!row || row.erasedAt) return undefined;
    return { id: row.id, name: customerDisplayName({ ...row, primaryEmail: null }) };
  }

  /** The stored document (the note's row, for its snapshot and search text, is created on first open). */
  async load(orgId: string, customerId: string): Promise<repo.StoredNote> {
    await repo.ensureNote(this.db, orgId, customerId);
    const stored = await repo.loadNote(this.db, customerId);
    if (!this.#tail.has(customerId)) this.#tail.set(customerId, stored.updates.length);
    return stored;
  }

  /** Resolves once the update is committed. */
  append(orgId: string, customerId: string, userId: string, update: Uint8Array): Promise<void> {
    let queue = this.#queues.get(customerId);
    if (!queue) this.#queues.set(customerId, (queue = { waiting: [], inFlight: 0, orgId }));
    const done = new Promise<void>((resolve, reject) => queue.waiting.push({ update, userId, resolve, reject }));
    let editors = this.#editors.get(customerId);
    if (!editors) this.#editors.set(customerId, (editors = new Set()));
    editors.add(userId);
    this.#pump(customerId, queue);
    return done;
  }

  /**
   * Starts commits while fewer than MAX_IN_FLIGHT of this note's are under way, each taking
   * everything waiting. Yjs updates commute, so commits finishing out of order are harmless;
   * PostgreSQL flushes concurrent commits together.
   */
  #pump(customerId: string, queue: Queue) {
    while (queue.waiting.length && queue.inFlight < MAX_IN_FLIGHT) {
      const batch = queue.waiting.splice(0, MAX_BATCH);
      queue.inFlight += 1;
      repo
        .appendUpdates(this.db, queue.orgId, customerId, batch)
        .then((ids) => {
          if (ids.length !== batch.length) throw new Error('not every update was stored');
          for (const w of batch) w.resolve();
          this.#afterAppend(customerId, batch.length);
        })
        .catch((error) => {
          for (const w of batch) w.reject(error);
        })
        .finally(() => {
          queue.inFlight -= 1;
          if (queue.waiting.length) this.#pump(customerId, queue);
          else if (!queue.inFlight) this.#queues.delete(customerId);
        });
    }
  }

  #afterAppend(customerId: string, count: number) {
    const tail = (this.#tail.get(customerId) ?? 0) + count;
    this.#tail.set(customerId, tail);
    if (tail > COMPACT_AFTER) void this.compact(customerId).catch((err) => this.logger?.error({ err, customerId }, 'note compaction failed'));
    else this.#scheduleProjection(customerId);
  }

  /**
   * Folds the note's log into its snapshot: loads a Y.Doc from snapshot and tail and re-encodes it
   * (never Y.mergeUpdates over thousands of updates); appends carry on meanwhile.
   */
  async compact(customerId: string): Promise<number> {
    if (this.#compacting.has(customerId)) return 0;
    this.#compacting.add(customerId);
    try {
      const folded = await repo.compactNote(
        this.db,
        customerId,
        ({ snapshot, updates }) => {
          const doc = docFrom(
            snapshot,
            updates.map((u) => u.update),
          );
          const result = { snapshot: Y.encodeStateAsUpdate(doc), plainText: plainTextOf(doc) };
          doc.destroy();
          return result;
        },
        this.#textChanged,
      );
      this.#tail.set(customerId, await repo.countUpdates(this.db, customerId));
      this.logger?.debug({ customerId, folded }, 'note compacted');
      return folded;
    } finally {
      this.#compacting.delete(customerId);
    }
  }

  #scheduleProjection(customerId: string) {
    if (this.#closed || this.#projectTimers.has(customerId)) return;
    const timer = setTimeout(() => {
      this.#projectTimers.delete(customerId);
      void this.project(customerId).catch((err) => this.logger?.error({ err, customerId }, 'note text projection failed'));
    }, PROJECT_AFTER_MS);
    timer.unref?.();
    this.#projectTimers.set(customerId, timer);
  }

  /** Rewrites the note's search text from what is stored (not from a cache another node may be ahead of). */
  async project(customerId: string) {
    const textOf = (stored: repo.StoredNote) => {
      const doc = docFrom(
        stored.snapshot,
        stored.updates.map((u) => u.update),
      );
      const text = plainTextOf(doc);
      doc.destroy();
      return text;
    };
    await repo.setPlainText(this.db, customerId, textOf, this.#textChanged);
  }

  /**
   * Ac1: the note's text changed (a second after typing stopped, or at a compaction): said on
   * the outbox once per projection, never per keystroke; the timeline makes one entry of a
   * session's worth. The editors are those who appended on this node since the last change.
   */
  #textChanged = async (tx: Tx, change: repo.TextChange) => {
    const editors = this.#editors.get(change.customerId);
    this.#editors.delete(change.customerId);
    await writeEvent(tx, {
      orgId: change.orgId,
      name: 'note.edited',
      payload: { customerId: change.customerId, editorIds: [...(editors ?? [])], wasEmpty: change.before.trim() === '' },
    });
  };

  /** Writes every pending projection now (shutdown, tests). */
  async flushProjections() {
    const ids = [...this.#projectTimers.keys()];
    for (const id of ids) clearTimeout(this.#projectTimers.get(id));
    this.#projectTimers.clear();
    await Promise.all(ids.map((id) => this.project(id)));
  }

  close() {
    this.#closed = true;
    this.#editors.clear();
    for (const timer of this.#projectTimers.values()) clearTimeout(timer);
    this.#projectTimers.clear();
  }

  /** N1 in quick-find: notes containing `q`, with the text around the first match. */
  async search(orgId: string, q: string, limit = 8): Promise<{ items: NoteSearchHit[] }> {
    const text = q.trim();
    const rows = await repo.searchNotes(this.db, orgId, text, limit);
    return {
      items: rows.map((r) => ({
        customerId: toSystemId(r.customerId),
        customerNumber: r.customerNumber,
        name: customerDisplayName({ ...r, primaryEmail: null }),
        snippet: snippet(r.plainText, text),
        updatedAt: r.updatedAt.toISOString(),
      })),
    };
  }

  staff(orgId: string) {
    return repo.listStaff(this.db, orgId);
  }
}

/** About 120 characters around the first match, on one line, with ellipses where cut. */
export function snippet(text: string, q: string, width = 120): string {
  const flat = text.replace(/\s+/g, ' ');
  const at = flat.toLowerCase().indexOf(q.toLowerCase());
  if (at < 0) return flat.slice(0, width);
  const start = Math.max(0, at - Math.floor((width - q.length) / 2));
  const end = Math.min(flat.length, start + width);
  return `${start > 0 ? '…' : ''}${flat.slice(start, end).trim()}${end < flat.length ? '…' : ''}`;
}
