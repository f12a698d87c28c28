/** socket.io event maps, typed once for the server and its clients. */
import type { EdgeDoor, EdgeEntry, EdgeEvent } from './validation/edge.ts';

/** /staff: staff browsers, admitted by their session cookie. */
export interface StaffServerToClient {
  /** Sent once after the handshake so a client knows who the server thinks it is. */
  welcome: (info: { userId: string; orgId: string }) => void;
  /** Da2: a decision or door alarm reported by an edge device, as the door log shows it. */
  'door:event': (event: DoorLogEntry) => void;
}
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface StaffClientToServer {}

export type DoorLogEntry = {
  id: number;
  at: string;
  deviceId: string;
  deviceName: string;
  doorId: string;
  doorName: string;
  kind: 'access' | 'door';
  result: EdgeEvent['result'];
  reason: string;
  credentialMasked: string | null;
  customer: { id: string; customerNumber: string; name: string } | null;
};

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
}

export interface EdgeClientToServer {
  hello: (info: { version: number; agentVersion: string }, ack: (reply: { upToDate: boolean; version: number }) => void) => void;
  /** Stores each (device, seq) once; acks the highest seq stored so far without gaps. */
  events: (batch: EdgeEvent[], ack: (reply: { storedThrough: number } | { error: string }) => void) => void;
}
