import type { StaffViewer } from '@foyer/schema/realtime';
import { systemIdPattern } from '@foyer/schema/validation';
import type { DbOrTx } from '../../platform/db/connect.ts';
import type { Logger } from '../../platform/logger.ts';
import { findCustomerIdByRef } from '../customers/repository.ts';
import type { StaffNamespace } from '../../platform/realtime/io.ts';
import { onPermitted } from '../../platform/permissions.ts';

/** A tab shows one profile at a time; a few more allow for quick switching before `close` arrives. */
const MAX_OPEN_PROFILES = 10;

/** The room of the /staff sockets that have a profile open (`profile:open`); `customerId` in 32 hex. Live timeline entries go there too. */
export const profileRoom = (orgId: string, customerId: string) => `profile:${orgId}:${customerId}`;
const roomOf = profileRoom;

/**
 * P1: staff presence on a profile. A staff socket says `profile:open` / `profile:close`; everyone
 * with that profile open hears who is looking (`profile:viewers`). The room's members are asked
 * through the adapter (`fetchSockets`), so colleagues on other nodes count too. Only profiles of
 * the staff member's own organization can be joined.
 */
export function attachProfileViewers(staff: StaffNamespace, db: DbOrTx, logger: Logger) {
  const log = logger.child({ ns: 'profile-viewers' });

  const publish = async (orgId: string, customerId: string) => {
    const room = roomOf(orgId, customerId);
    try {
      const sockets = await staff.in(room).fetchSockets();
      const viewers = new Map<string, StaffViewer>();
      for (const s of sockets) {
        const { id, name, avatarUrl } = s.data.auth.user;
        viewers.set(id, { userId: id, name, avatarUrl });
      }
      staff.to(room).emit('profile:viewers', { customerId, viewers: [...viewers.values()] });
    } catch (err) {
      log.warn({ err, customerId }, 'profile viewers not published');
    }
  };

  staff.on('connection', (socket) => {
    const { user, organization } = socket.data.auth;
    const open = new Set<string>();

    onPermitted(socket, 'profile:open', 'customers.view', async (customerId: unknown) => {
      if (typeof customerId !== 'string' || !systemIdPattern.test(customerId)) return void log.warn({ userId: user.id }, 'malformed profile:open dropped');
      if (open.has(customerId)) return void publish(organization.id, customerId);
      if (open.size >= MAX_OPEN_PROFILES) return void log.warn({ userId: user.id }, 'profile:open dropped: too many profiles open');
      try {
        if (!(await findCustomerIdByRef(db, organization.id, customerId))) {
          return void log.warn({ userId: user.id, customerId }, 'profile:open for a customer of another organization (or none) ignored');
        }
      } catch (err) {
        return void log.error({ err }, 'profile:open could not be checked');
      }
      if (!socket.connected) return;
      open.add(customerId);
      await socket.join(roomOf(organization.id, customerId));
      await publish(organization.id, customerId);
    });

    onPermitted(socket, 'profile:close', 'customers.view', async (customerId: unknown) => {
      if (typeof customerId !== 'string' || !open.delete(customerId)) return;
      await socket.leave(roomOf(organization.id, customerId));
      await publish(organization.id, customerId);
    });

    socket.on('disconnect', () => {
      for (const customerId of open) void publish(organization.id, customerId);
    });
  });
}
