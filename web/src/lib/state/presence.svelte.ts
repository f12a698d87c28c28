import { SvelteSet } from 'svelte/reactivity';
import type { StaffViewer } from '@foyer/schema/realtime';
import { staffSocket } from './staff-socket.svelte';

/**
 * C7: which customers of the organization are inside a live booking flow, kept up to date over the
 * tab's one staff socket. Components read `isOnline(id)` and keep it live with
 * `$effect(() => customerPresence.watch())`; the listeners stay while any component watches.
 */
class CustomerPresenceState {
  #online = new SvelteSet<string>();
  #watchers = 0;
  #stop: (() => void) | undefined;

  isOnline(customerId: string): boolean {
    return this.#online.has(customerId);
  }

  /** Starts listening (if nobody else is); returns what stops this watcher. */
  watch(): () => void {
    if (this.#watchers++ === 0) this.#start();
    return () => {
      if (--this.#watchers === 0) {
        this.#stop?.();
        this.#stop = undefined;
      }
    };
  }

  #replace(customerIds: string[]) {
    this.#online.clear();
    for (const id of customerIds) this.#online.add(id);
  }

  #start() {
    const socket = staffSocket.socket;
    if (!socket) return;
    // The server sends the list on every connect; a page that starts listening later asks for it.
    const sync = () => socket.emit('presence:sync', ({ customerIds }) => this.#replace(customerIds));
    const offs = [
      staffSocket.on('presence:online', ({ customerIds }) => this.#replace(customerIds)),
      staffSocket.on('presence:changes', ({ changes }) => {
        for (const { customerId, online } of changes) {
          if (online) this.#online.add(customerId);
          else this.#online.delete(customerId);
        }
      }),
    ];
    if (socket.connected) sync();
    this.#stop = () => offs.forEach((off) => off());
  }
}

export const customerPresence = new CustomerPresenceState();

/**
 * P1: the colleagues who have one profile open. `$effect(() => viewers.open(customerId))` says the
 * profile is open for as long as the component shows it (and again after a reconnect).
 */
export class ProfileViewersState {
  viewers = $state<StaffViewer[]>([]);

  open(customerId: string): () => void {
    const socket = staffSocket.socket;
    if (!socket) return () => {};
    const announce = () => socket.emit('profile:open', customerId);
    const off = staffSocket.on('profile:viewers', (info) => {
      if (info.customerId === customerId) this.viewers = info.viewers;
    });
    socket.on('connect', announce);
    if (socket.connected) announce();
    return () => {
      off();
      socket.off('connect', announce);
      if (socket.connected) socket.emit('profile:close', customerId);
      this.viewers = [];
    };
  }
}

/** A stable hue per user, so a colleague keeps one avatar color across pages and tabs. */
export function viewerHue(userId: string): number {
  let h = 0;
  for (const ch of userId) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return h % 360;
}
