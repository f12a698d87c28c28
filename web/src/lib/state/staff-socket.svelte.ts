import { io, type Socket } from 'socket.io-client';
import type { StaffClientToServer, StaffServerToClient } from '@foyer/schema/realtime';

export type StaffSocket = Socket<StaffServerToClient, StaffClientToServer>;

/**
 * - `idle`: nobody asked for the socket yet (and never on the server).
 * - `connecting`: the first handshake, or a reconnection after a drop, is under way.
 * - `live`: connected; events arrive as they happen.
 * - `refused`: the server turned the session away (signed out elsewhere): reload to sign in.
 */
export type StaffSocketStatus = 'idle' | 'connecting' | 'live' | 'reconnecting' | 'refused';

/** How long to wait before asking again after the server said it was unavailable. */
const RETRY_MS = 5000;

/**
 * The one socket.io connection of this tab to `/staff` (same origin; the session cookie goes with
 * the handshake). Created lazily in the browser by the first `on()`; shared by every feature that
 * listens (the door log, profiles, presence later), so a tab holds one connection, not one per page.
 */
class StaffConnection {
  status = $state<StaffSocketStatus>('idle');
  /** Counts successful connections: a change past 1 means the socket came back after a drop, and missed events may need fetching. */
  connections = $state(0);

  #socket: StaffSocket | null = null;
  #retry: ReturnType<typeof setTimeout> | undefined;
  /** When the server last dropped the socket: more than three drops in ten seconds slow the retries down. */
  #drops: number[] = [];

  /** The socket, created and connecting on first use; null on the server. */
  get socket(): StaffSocket | null {
    if (typeof window === 'undefined') return null;
    if (!this.#socket) this.#open();
    return this.#socket;
  }

  #open() {
    const socket: StaffSocket = io('/staff', { transports: ['websocket'], withCredentials: true });
    this.#socket = socket;
    this.status = 'connecting';
    socket.on('connect', () => {
      clearTimeout(this.#retry);
      this.status = 'live';
      this.connections += 1;
    });
    socket.on('disconnect', (reason) => {
      // The server closed it on purpose (signed out, role or account changed…): socket.io will not
      // retry. Ask again at once, so a new role applies now and an ended session shows as refused;
      // a server that keeps dropping it is asked again only every RETRY_MS.
      if (reason === 'io server disconnect') {
        const now = Date.now();
        this.#drops = [...this.#drops.filter((t) => now - t < 10_000), now];
        this.#retryLater(this.#drops.length <= 3 ? 200 : RETRY_MS);
      } else if (reason !== 'io client disconnect') this.status = 'reconnecting';
    });
    socket.on('connect_error', (error) => {
      // A refusal by the namespace's middleware is final for this handshake: socket.io does not
      // retry it by itself. An expired session stays refused; the server being busy is asked again.
      if (error.message === 'unauthenticated') this.status = 'refused';
      else if (!socket.active) this.#retryLater();
      else this.status = this.connections ? 'reconnecting' : 'connecting';
    });
  }

  #retryLater(delay = RETRY_MS) {
    this.status = this.connections ? 'reconnecting' : 'connecting';
    clearTimeout(this.#retry);
    this.#retry = setTimeout(() => this.#socket?.connect(), delay);
  }

  /**
   * Listens to one server event, connecting if need be; returns what stops listening. Use it in an
   * `$effect` so the listener goes with the component: `$effect(() => staffSocket.on('door:event', add))`.
   */
  on<E extends keyof StaffServerToClient>(event: E, listener: StaffServerToClient[E]): () => void {
    const socket = this.socket;
    if (!socket) return () => {};
    // socket.io's typed `on` cannot follow a generic event name: the map guarantees the pairing.
    (socket.on as (e: string, l: (...args: unknown[]) => void) => void)(event, listener as (...args: unknown[]) => void);
    return () => (socket.off as (e: string, l: (...args: unknown[]) => void) => void)(event, listener as (...args: unknown[]) => void);
  }

  /** Closes the connection (signing out): the next `on()` opens a new one with the new cookie. */
  close() {
    clearTimeout(this.#retry);
    this.#socket?.removeAllListeners();
    this.#socket?.disconnect();
    this.#socket = null;
    this.status = 'idle';
    this.connections = 0;
  }
}

export const staffSocket = new StaffConnection();

/** The connection's state in words, for the live indicator (never color alone). */
export const staffSocketLabels: Record<StaffSocketStatus, string> = {
  idle: 'Not connected',
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  refused: 'Not live: sign in again',
};
