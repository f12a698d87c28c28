import type { StaffNotification } from '@foyer/schema/realtime';
import { isUuid, toSystemId } from '@foyer/schema/validation';
import type { Db } from '../../platform/db/connect.ts';
import * as repo from './repository.ts';

const toWire = (row: repo.NotificationRow): StaffNotification => ({
  id: row.id,
  kind: 'mention',
  body: row.body,
  customerId: row.customerId && toSystemId(row.customerId),
  actor: row.actorUserId ? { userId: row.actorUserId, name: row.actorName ?? 'A colleague' } : null,
  createdAt: row.createdAt.toISOString(),
  readAt: row.readAt?.toISOString() ?? null,
});

/** N1: in-app notifications (the bell), created when a colleague @-mentions someone in a note. */
export class NotificationService {
  constructor(private readonly db: Db) {}

  async list(orgId: string, userId: string, limit = 30) {
    const [rows, unread] = await Promise.all([repo.listNotifications(this.db, orgId, userId, limit), repo.countUnread(this.db, orgId, userId)]);
    return { items: rows.map(toWire), unread };
  }

  async markRead(orgId: string, userId: string, ids?: string[]) {
    await repo.markRead(this.db, orgId, userId, ids);
    return { unread: await repo.countUnread(this.db, orgId, userId) };
  }

  /**
   * One notification per colleague newly mentioned by `actor` in a customer's notes. Mentions of
   * oneself and of ids that are not staff of the organization (a forged mention) are ignored.
   */
  async mentioned(
    orgId: string,
    actor: { id: string; name: string },
    customer: { id: string; name: string },
    userIds: string[],
  ): Promise<{ userId: string; notification: StaffNotification }[]> {
    // A forged id that is not even a UUID is dropped alone: PostgreSQL would refuse the whole lookup.
    const wanted = [...new Set(userIds)].filter((id) => id !== actor.id && isUuid(id));
    const staff = await repo.staffInOrg(this.db, orgId, wanted);
    const rows = await repo.insertNotifications(
      this.db,
      staff.map((s) => ({
        orgId,
        userId: s.id,
        kind: 'mention',
        customerId: customer.id,
        actorUserId: actor.id,
        body: `${actor.name} mentioned you in the notes on ${customer.name}`,
      })),
    );
    return rows.map((row) => ({ userId: row.userId, notification: toWire({ ...row, actorName: actor.name }) }));
  }
}
