import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { MAX_NOTE_AWARENESS_BYTES, MAX_NOTE_UPDATE_BYTES } from '@foyer/schema/validation';
import type { Logger } from '../../platform/logger.ts';
import { applyAll, docFrom, isYjsUpdate, watchMentions } from './note-doc.ts';
import type { NoteService } from './service.ts';
import type { NotificationService } from './notifications-service.ts';
import type { StaffNamespace, StaffSocket } from '../../platform/realtime/io.ts';
import { reachesOtherNodes } from '../../platform/realtime/local-fanout.ts';
import { onPermitted } from '../../platform/permissions.ts';

export type NotesDeps = { notes: NoteService; notifications: NotificationService };

/** An update this node stored, as it tells the other nodes. */
export type NoteApplied = { customerId: string; update: Uint8Array };

/** One document this node has open for at least one of its sockets. */
type CachedDoc = {
  /** Everything this node has seen of the document: what tells a new mention from a known one. */
  doc: Y.Doc;
  customer: { id: string; name: string };
  orgId: string;
  sockets: Set<string>;
  unwatch: () => void;
};

/** What one socket has open: the awareness clients it announced there (removed when it leaves). */
type OpenNote = { awareness: Map<number, number> };

/** The origin of an editor's update applied to the cache: collects the mentions it inserts. */
class EditorWrite {
  readonly mentions: string[] = [];
}

const roomOf = (customerId: string) => `note:${customerId}`;

/** socket.io gives Buffer in Node, ArrayBuffer from browsers: either becomes a Uint8Array; anything else null. */
const bytesOf = (value: unknown): Uint8Array | null => (value instanceof Uint8Array ? value : value instanceof ArrayBuffer ? new Uint8Array(value) : null);

/**
 * N1/P2: customers' notes as Yjs documents over the /staff socket. `note:open` admits a socket to
 * a document of its own organization and answers with what it lacks; `note:update` is stored
 * (committed) before it is acknowledged and passed to the other editors; awareness (names and
 * carets) is relayed, never stored, and withdrawn for a socket that leaves. Several nodes: rooms
 * cross nodes through the adapter, every open reads PostgreSQL, and each node's mention cache
 * hears the others' updates by `serverSideEmit`.
 */
export function attachNotes(staff: StaffNamespace, deps: NotesDeps, logger: Logger) {
  const log = logger.child({ ns: 'notes' });
  const docs = new Map<string, CachedDoc>();
  const opened = new WeakMap<StaffSocket, Map<string, OpenNote>>();

  const cachedDoc = (customerId: string, customer: CachedDoc['customer'], orgId: string) => {
    let entry = docs.get(customerId);
    if (!entry) {
      const doc = new Y.Doc();
      const unwatch = watchMentions(
        doc,
        (origin) => origin instanceof EditorWrite,
        (ids, origin) => (origin as EditorWrite).mentions.push(...ids),
      );
      entry = { doc, customer, orgId, sockets: new Set(), unwatch };
      docs.set(customerId, entry);
    }
    return entry;
  };

  const release = (customerId: string, socket: StaffSocket) => {
    const entry = docs.get(customerId);
    if (!entry) return;
    entry.sockets.delete(socket.id);
    if (entry.sockets.size) return;
    entry.unwatch();
    entry.doc.destroy();
    docs.delete(customerId);
  };

  /** Tells the others in the room that this socket's carets are gone (awareness state null). */
  const withdrawAwareness = (socket: StaffSocket, customerId: string, open: OpenNote) => {
    if (!open.awareness.size) return;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, open.awareness.size);
    for (const [clientId, clock] of open.awareness) {
      encoding.writeVarUint(encoder, clientId);
      encoding.writeVarUint(encoder, clock + 1);
      encoding.writeVarString(encoder, 'null');
    }
    staff
      .to(roomOf(customerId))
      .except(socket.id)
      .emit('note:awareness', { customerId, update: encoding.toUint8Array(encoder) });
  };

  const leave = (socket: StaffSocket, customerId: string) => {
    const open = opened.get(socket)?.get(customerId);
    if (!open) return;
    opened.get(socket)!.delete(customerId);
    void socket.leave(roomOf(customerId));
    withdrawAwareness(socket, customerId, open);
    release(customerId, socket);
  };

  const notifyMentions = async (entry: CachedDoc, actor: { id: string; name: string }, ids: string[]) => {
    const sent = await deps.notifications.mentioned(entry.orgId, actor, entry.customer, ids);
    for (const { userId, notification } of sent) staff.to(`user:${userId}`).emit('notification', notification);
  };

  // Another node stored an update: keep this node's copy complete (for telling new mentions from known ones).
  staff.on('note:applied', (info) => {
    const entry = docs.get(info?.customerId);
    const update = bytesOf(info?.update);
    if (!entry || !update) return;
    try {
      Y.applyUpdate(entry.doc, update, 'remote');
    } catch (err) {
      log.warn({ err, customerId: info.customerId }, 'an update from another node did not apply');
    }
  });

  staff.on('connection', (socket) => {
    const { user, organization } = socket.data.auth;
    const notes = new Map<string, OpenNote>();
    opened.set(socket, notes);
    // Mentions reach every tab of the user, on whichever node it is connected.
    void socket.join(`user:${user.id}`);

    /** A message that breaks the rules is dropped and logged; the connection stays. */
    const drop = (event: string, reason: string, extra: Record<string, unknown> = {}) => {
      log.warn({ event, reason, userId: user.id, socketId: socket.id, ...extra }, 'note message dropped');
      return { error: reason };
    };

    onPermitted(socket, 'note:open', 'notes.view', async (info, ack) => {
      if (typeof ack !== 'function') return void drop('note:open', 'no_ack');
      try {
        const customerId = info?.customerId;
        const stateVector = bytesOf(info?.stateVector);
        if (!stateVector || stateVector.byteLength > MAX_NOTE_AWARENESS_BYTES) return ack(drop('note:open', 'bad_state_vector'));
        try {
          Y.decodeStateVector(stateVector);
        } catch {
          return ack(drop('note:open', 'bad_state_vector'));
        }
        // Another organization's customer and no customer at all answer alike: nothing leaks.
        const customer = await deps.notes.customerFor(organization.id, customerId);
        if (!customer) return ack({ error: 'not_found' });
        if (!socket.connected) return;
        const entry = cachedDoc(customerId, customer, organization.id);
        entry.sockets.add(socket.id);
        if (!notes.has(customerId)) notes.set(customerId, { awareness: new Map() });
        // Join before reading: whatever is stored after the read reaches this socket as a broadcast.
        await socket.join(roomOf(customerId));
        const stored = await deps.notes.load(organization.id, customer.id);
        const updates = stored.updates.map((u) => u.update);
        applyAll(entry.doc, stored.snapshot, updates, 'load');
        // The answer comes from what is stored, not from the cache (which may hold an update still being committed).
        const doc = docFrom(stored.snapshot, updates);
        ack({ update: Y.encodeStateAsUpdate(doc, stateVector), stateVector: Y.encodeStateVector(doc) });
        doc.destroy();
      } catch (err) {
        log.error({ err, userId: user.id }, 'note:open failed');
        ack({ error: 'unavailable' });
      }
    });

    onPermitted(socket, 'note:update', 'notes.write', async (info, ack) => {
      const reply = typeof ack === 'function' ? ack : () => {};
      const customerId = info?.customerId;
      const entry = typeof customerId === 'string' && notes.has(customerId) ? docs.get(customerId) : undefined;
      if (!entry) return reply(drop('note:update', 'not_open'));
      const update = bytesOf(info?.update);
      if (!update) return reply(drop('note:update', 'not_bytes', { customerId }));
      if (update.byteLength > MAX_NOTE_UPDATE_BYTES) return reply(drop('note:update', 'too_large', { customerId, bytes: update.byteLength }));
      if (!isYjsUpdate(update)) return reply(drop('note:update', 'malformed', { customerId }));
      const write = new EditorWrite();
      try {
        // Into this node's copy first, synchronously: a mention is new if the copy lacked it when the update came.
        Y.applyUpdate(entry.doc, update, write);
      } catch (err) {
        return reply(drop('note:update', 'malformed', { customerId, err }));
      }
      try {
        await deps.notes.append(organization.id, entry.customer.id, user.id, update);
      } catch (err) {
        log.error({ err, customerId }, 'a note update could not be stored');
        return reply({ error: 'not_stored' });
      }
      socket.to(roomOf(customerId)).emit('note:update', { customerId, update });
      if (reachesOtherNodes(staff)) staff.serverSideEmit('note:applied', { customerId, update });
      reply({ ok: true });
      if (write.mentions.length)
        void notifyMentions(entry, { id: user.id, name: user.name }, write.mentions).catch((err) =>
          log.error({ err, customerId }, 'mention notifications failed'),
        );
    });

    onPermitted(socket, 'note:awareness', 'notes.view', (info) => {
      const customerId = info?.customerId;
      const open = typeof customerId === 'string' ? notes.get(customerId) : undefined;
      if (!open) return void drop('note:awareness', 'not_open');
      const update = bytesOf(info?.update);
      if (!update || update.byteLength > MAX_NOTE_AWARENESS_BYTES) return void drop('note:awareness', 'bad_size', { customerId });
      const relayed = stampAwareness(update, { userId: user.id, name: user.name }, open.awareness);
      if (!relayed) return void drop('note:awareness', 'malformed', { customerId });
      socket.to(roomOf(customerId)).emit('note:awareness', { customerId, update: relayed });
    });

    onPermitted(socket, 'note:close', 'notes.view', (customerId) => {
      if (typeof customerId === 'string') leave(socket, customerId);
    });

    socket.on('disconnect', () => {
      for (const customerId of [...notes.keys()]) leave(socket, customerId);
    });
  });
}

/** At most this many awareness clients per socket and document (a tab has one). */
const MAX_AWARENESS_CLIENTS = 4;

/**
 * Reads a y-protocols awareness update and writes it again with the sender's real name and user
 * id in each state (a tab cannot show its caret under a colleague's name), noting the client ids
 * and clocks the socket announced. Null when it is not a well-formed awareness update.
 */
export function stampAwareness(update: Uint8Array, who: { userId: string; name: string }, seen: Map<number, number>): Uint8Array | null {
  try {
    const decoder = decoding.createDecoder(update);
    const count = decoding.readVarUint(decoder);
    if (count > MAX_AWARENESS_CLIENTS) return null;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, count);
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      const state: unknown = JSON.parse(decoding.readVarString(decoder));
      if (state !== null && (typeof state !== 'object' || Array.isArray(state))) return null;
      if (!seen.has(clientId) && seen.size >= MAX_AWARENESS_CLIENTS) return null;
      seen.set(clientId, clock);
      let stamped = state as Record<string, unknown> | null;
      if (stamped) {
        const userState = typeof stamped.user === 'object' && stamped.user ? (stamped.user as Record<string, unknown>) : {};
        const color = typeof userState.color === 'string' && /^#[0-9a-f]{6}$/i.test(userState.color) ? userState.color : '#6366f1';
        stamped = { ...stamped, user: { name: who.name, userId: who.userId, color } };
      }
      encoding.writeVarUint(encoder, clientId);
      encoding.writeVarUint(encoder, clock);
      encoding.writeVarString(encoder, JSON.stringify(stamped));
    }
    if (decoding.hasContent(decoder)) return null;
    return encoding.toUint8Array(encoder);
  } catch {
    return null;
  }
}
