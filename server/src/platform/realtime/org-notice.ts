import type { StaffServerToClient } from '@foyer/schema/realtime';
import type { Permission } from '@foyer/schema/validation';
import { can } from '../permissions.ts';
import type { StaffNamespace } from './io.ts';

type NoticeEvent = 'bookings:changed' | 'enquiries:changed';

/**
 * Tells this node's staff sockets of an organization that something they may be looking at
 * changed (the day's bookings, the enquiries inbox), for those whose role may see it. Called from
 * a local outbox subscriber, which runs on every node: each node tells its own sockets, so staff
 * on any node hear of a change made through any other.
 */
export class OrgNotice {
  #staff: StaffNamespace | undefined;

  attach(staff: StaffNamespace) {
    this.#staff = staff;
  }

  send<E extends NoticeEvent>(orgId: string, permission: Permission, event: E, ...args: Parameters<StaffServerToClient[E]>) {
    const staff = this.#staff;
    const ids = staff?.adapter.rooms.get(`org:${orgId}`);
    if (!staff || !ids?.size) return;
    for (const id of ids) {
      const socket = staff.sockets.get(id);
      if (socket?.connected && can(socket.data.auth.user, permission)) socket.emit(event, ...args);
    }
  }
}
