import type { StaffNamespace } from '../../platform/realtime/io.ts';

/**
 * This node's /staff sockets as the auth domain's local subscriber reaches them. Services (and with
 * them the subscribers) are built before the sockets are attached, so the namespace plugs in later;
 * an event before that finds no sockets here, which is right.
 */
export class StaffSessions {
  private staff: StaffNamespace | undefined;

  attach(staff: StaffNamespace) {
    this.staff = staff;
    return () => {
      this.staff = undefined;
    };
  }

  /** A session ended: the sockets on this node that were admitted with it are disconnected. */
  ended({ sessionHash }: { sessionHash: string }) {
    for (const socket of this.staff?.sockets.values() ?? []) if (socket.data.sessionHash === sessionHash) socket.disconnect(true);
  }
}
