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

  /**
   * A member's role, activity or name changed: their sockets on this node go. The client reconnects,
   * and the handshake admits it again (or not, when deactivated) with what they may do now.
   */
  userChanged({ userId }: { userId: string }) {
    for (const socket of this.staff?.sockets.values() ?? []) if (socket.data.auth.user.id === userId) socket.disconnect(true);
  }

  /** A custom role of the organization was edited or deleted: its holders' sockets reconnect with its new permissions. */
  rolesChanged(orgId: string) {
    for (const socket of this.staff?.sockets.values() ?? [])
      if (socket.data.auth.organization.id === orgId && socket.data.auth.user.customRole) socket.disconnect(true);
  }

  /** A session ended: the sockets on this node that were admitted with it are disconnected. */
  ended({ sessionHash }: { sessionHash: string }) {
    for (const socket of this.staff?.sockets.values() ?? []) if (socket.data.sessionHash === sessionHash) socket.disconnect(true);
  }
}
