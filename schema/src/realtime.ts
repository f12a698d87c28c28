/** socket.io event maps, typed once for the server and its clients. */
import type { z } from 'zod';
import type { DoorLogEntry, EdgeDoor, EdgeEntry, EdgeEvent } from './edge/wire.ts';
import type { StaffNotificationSchema } from './notes/wire.ts';
import type { JobProgressEvent } from './platform/jobs.ts';
import type { TimelineLiveEntry } from './timeline/wire.ts';
import type { CustomerFigures } from './orders/wire.ts';

export type { DoorLogEntry };

/** /staff: staff browsers, admitted by their session cookie. */
/** A colleague shown on a profile (P1): who, and the initials and color of their avatar. */
/** `avatarUrl`: the member's picture (null: their initials show). */
export type StaffViewer = { userId: string; name: string; avatarUrl?: string | null };

/** An in-app notification (N1 mentions), as the bell lists it. */
export type StaffNotification = z.infer<typeof StaffNotificationSchema>;

/** Yjs messages travel as bytes; browsers receive ArrayBuffer, Node Buffer: wrap in Uint8Array. */
export type NoteBytes = Uint8Array | ArrayBuffer;

export interface StaffServerToClient extends PresenceServerToClient, NotesServerToClient {
  /** Sent once after the handshake so a client knows who the server thinks it is. */
  welcome: (info: { userId: string; orgId: string }) => void;
  /** Da2: a decision or door alarm reported by an edge device, as the door log shows it. */
  'door:event': (event: DoorLogEntry) => void;
  'device:status': (info: { deviceId: string; online: boolean; lastSeenAt: string | null }) => void;
  /** A background job of the receiver's organization started, moved on, or ended (GET /api/jobs/{id} reads the same). */
  'job:progress': (job: JobProgressEvent) => void;
  /**
   * Ac1: an entry was written on the timeline of a customer whose profile the receiver has open
   * (`profile:open`), or an entry changed (a note's editing session went on: the same id again).
   */
  'timeline:entry': (info: TimelineLiveEntry) => void;
  /** A2: the figures (lifecycle, total spent …) of a customer whose profile the receiver has open changed. */
  'figures:changed': (info: { customerId: string; figures: CustomerFigures }) => void;
  /** C8: a booking of the organization was made, moved, cancelled, checked in or marked a no-show, or a guest came through a door (the day view reloads). */
  'bookings:changed': (info: { bookingId: string | null }) => void;
  /** C8: an enquiry arrived or was assigned or moved on (the inbox reloads). */
  'enquiries:changed': (info: { enquiryId: string }) => void;
}
export interface StaffClientToServer extends PresenceClientToServer, NotesClientToServer {}

/** A customer came online or went offline. */
export type PresenceChange = { customerId: string; online: boolean };

/** P1/C7: which customers are inside a live flow, and who is looking at which profile. */
export interface PresenceServerToClient {
  /** The organization's online customers, sent once on connect (and after a reconnect). */
  'presence:online': (info: { customerIds: string[] }) => void;
  /**
   * Customers came online or (after the grace period) went offline. Changes of one organization
   * within a few milliseconds travel together: one message per staff socket instead of one per
   * change keeps a busy evening's fan-out (hundreds of changes a second × every staff tab) cheap.
   */
  'presence:changes': (info: { changes: PresenceChange[] }) => void;
  /** Everyone who has this profile open now, the receiver included. */
  'profile:viewers': (info: { customerId: string; viewers: StaffViewer[] }) => void;
}
export interface PresenceClientToServer {
  /** Asks for the organization's online customers now (a page that starts listening after the connect). */
  'presence:sync': (ack: (info: { customerIds: string[] }) => void) => void;
  'profile:open': (customerId: string) => void;
  'profile:close': (customerId: string) => void;
}

/** N1/P2: a customer's notes as a Yjs document, synced over the staff socket. */
export interface NotesServerToClient {
  /** An update stored by the server (from another editor), to apply to the local copy. */
  'note:update': (info: { customerId: string; update: NoteBytes }) => void;
  /** y-protocols awareness (names and carets) of the other editors. */
  'note:awareness': (info: { customerId: string; update: NoteBytes }) => void;
  notification: (notification: StaffNotification) => void;
}
export interface NotesClientToServer {
  /** Join a document: the reply carries what the client lacks (from its state vector) and the server's state vector. */
  'note:open': (
    info: { customerId: string; stateVector: NoteBytes },
    ack: (reply: { update: NoteBytes; stateVector: NoteBytes } | { error: string }) => void,
  ) => void;
  /** The ack comes only after the update is committed to PostgreSQL. */
  'note:update': (info: { customerId: string; update: NoteBytes }, ack: (reply: { ok: true } | { error: string }) => void) => void;
  'note:awareness': (info: { customerId: string; update: NoteBytes }) => void;
  'note:close': (customerId: string) => void;
}

/**
 * /flow: the public booking flow, anonymous until the customer gives their details. Then the
 * page presents the flow token it was given and the server holds that customer's presence while
 * the socket lives. The flow hears nothing about other customers or staff.
 */
export interface FlowClientToServer {
  'flow:identify': (info: { token: string }, ack: (reply: { ok: true } | { error: string }) => void) => void;
  /** The booking is confirmed: the flow lets presence go a little later, even if the tab stays. */
  'flow:done': () => void;
}
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface FlowServerToClient {}

/**
 * /edge: door agents, admitted by `auth: { deviceId, secret }` in the handshake. A device hears
 * only about its own doors. After connecting it says `hello` with the permission version it
 * holds; the server answers with a snapshot when anything changed since (in chunks), then pushes
 * deltas as they happen. Decisions flow back as `events`, acknowledged by sequence number.
 */
export interface EdgeServerToClient {
  'snapshot:begin': (info: { version: number; doors: EdgeDoor[]; total: number }) => void;
  'snapshot:chunk': (info: { version: number; entries: EdgeEntry[] }) => void;
  'snapshot:end': (info: { version: number }) => void;
  /** Replace everything the device holds for these customers (an empty list revokes). */
  delta: (info: { version: number; customers: { customerId: string; entries: EdgeEntry[] }[]; doors?: EdgeDoor[] }) => void;
  /** Staff revoked this device: it is disconnected right after and refused from now on (EDGE_REFUSED.revoked). */
  revoked: () => void;
}

/**
 * Why the /edge handshake refused a device, as the `connect_error` message. Only a device that
 * proves its identity (the right secret) is told it was revoked; anyone else hears `unauthorized`.
 */
export const EDGE_REFUSED = { unauthorized: 'unauthorized', revoked: 'device_revoked', unavailable: 'unavailable' } as const;

export interface EdgeClientToServer {
  /**
   * `storedThrough`: the highest seq the server stored for this device without gaps, so that a
   * device whose state was wiped numbers its events after those instead of reusing them.
   */
  hello: (info: { version: number; agentVersion: string }, ack: (reply: { upToDate: boolean; version: number; storedThrough: number }) => void) => void;
  /** Stores each (device, seq) once; acks the highest seq stored so far without gaps. */
  events: (batch: EdgeEvent[], ack: (reply: { storedThrough: number } | { error: string }) => void) => void;
}
