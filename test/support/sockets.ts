import { io, type Socket } from 'socket.io-client';
import type { FlowClientToServer, FlowServerToClient, PresenceChange, StaffClientToServer, StaffServerToClient } from '@foyer/schema/realtime';

export type StaffClient = Socket<StaffServerToClient, StaffClientToServer> & {
  /** The `presence:online` snapshot the server sends right after connecting (listened to before it can arrive). */
  firstOnline: Promise<{ customerIds: string[] }>;
};
export type FlowClient = Socket<FlowServerToClient, FlowClientToServer>;

/** A staff socket with this session cookie, resolved once the server welcomed it (or refused it). */
export function connectStaff(baseUrl: string, cookie: string | undefined): Promise<StaffClient> {
  const socket = io(`${baseUrl}/staff`, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: cookie ? { cookie } : {},
  }) as StaffClient;
  socket.firstOnline = new Promise((resolve) => socket.once('presence:online', resolve));
  return new Promise((resolve, reject) => {
    socket.once('welcome', () => resolve(socket));
    socket.once('connect_error', (error) => reject(error));
  });
}

/** An anonymous /flow socket, connected (from `localAddress` when given: one "visitor" per loopback address). */
export function connectFlow(baseUrl: string, localAddress?: string): Promise<FlowClient> {
  const socket: FlowClient = io(`${baseUrl}/flow`, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...(localAddress && { localAddress }),
  } as Parameters<typeof io>[1]);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => reject(error));
  });
}

export const identify = (flow: FlowClient, token: string) =>
  new Promise<{ ok: true } | { error: string }>((resolve) => flow.emit('flow:identify', { token }, resolve));

/** Everything a socket hears of one event, in order, with when it arrived. */
export function record<T>(socket: Socket, event: string): { items: { at: number; value: T }[]; values: () => T[] } {
  const items: { at: number; value: T }[] = [];
  socket.on(event, (value: T) => items.push({ at: Date.now(), value }));
  return { items, values: () => items.map((i) => i.value) };
}

/** Every presence change a staff socket hears, one item per customer (a message may carry several). */
export function recordPresence(socket: StaffClient) {
  const items: { at: number; value: PresenceChange }[] = [];
  socket.on('presence:changes', ({ changes }) => items.push(...changes.map((value) => ({ at: Date.now(), value }))));
  return { items, values: () => items.map((i) => i.value) };
}

/** Polls until `check` returns something truthy, or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => T | undefined | false | null, timeoutMs = 2000, what = 'condition'): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Like waitFor, for a check that has to ask something (the database) each time. */
export async function until<T>(check: () => Promise<T | undefined | false | null>, timeoutMs = 2000, what = 'condition'): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
