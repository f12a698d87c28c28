import { TimelineEntrySchema, toSystemId, type TimelineEntry, type TimelinePage } from '@foyer/schema/validation';
import type { Db, DbOrTx } from '../../platform/db/connect.ts';
import type { Logger } from '../../platform/logger.ts';
import { emitToLocalRoom } from '../../platform/realtime/local-fanout.ts';
import type { StaffNamespace } from '../../platform/realtime/io.ts';
import { profileRoom } from '../presence/profile-viewers.ts';
import { activityById, fromRow, pageOfActivities, type ActivityRow } from './repository.ts';
import { customerIdOf } from '../doors/customer-access.ts';

/** Ac1: one customer's timeline, each entry one kind of the TimelineEntry union. */
export class ActivityService {
  /** This node's /staff namespace, once the realtime layer is attached (live entries go to its sockets). */
  #staff: StaffNamespace | undefined;

  constructor(
    private readonly db: Db,
    private readonly logger?: Logger,
  ) {}

  /** A page, newest first; it was fetched with one row more than `pageSize`: that row's presence is `hasMore` (no total: counting a long timeline per page is waste). */
  async page(orgId: string, ref: string, page: number, pageSize: number): Promise<TimelinePage> {
    const customerId = await customerIdOf(this.db, orgId, ref);
    const rows = await pageOfActivities(this.db, orgId, customerId, (page - 1) * pageSize, pageSize + 1);
    return { items: this.typed(rows.slice(0, pageSize)), page, pageSize, hasMore: rows.length > pageSize };
  }

  async entry(db: DbOrTx, orgId: string, id: number): Promise<TimelineEntry | undefined> {
    const row = await activityById(db, orgId, id);
    return row && this.typed([row])[0];
  }

  attach(staff: StaffNamespace) {
    this.#staff = staff;
  }

  /**
   * Sends the entry to the staff of this node who have the customer's profile open (every node
   * runs this for every entry: see the timeline.live subscriber). Nothing is read when nobody here
   * has that profile open.
   */
  async push(orgId: string, customerId: string, entryId: number) {
    const staff = this.#staff;
    const room = profileRoom(orgId, toSystemId(customerId));
    if (!staff?.adapter.rooms.get(room)?.size) return;
    const entry = await this.entry(this.db, orgId, entryId);
    if (entry) emitToLocalRoom(staff, room, 'timeline:entry', { customerId: toSystemId(customerId), entry });
  }

  /**
   * Rows as entries of the union. Rows are checked when written, so a row that does not parse is
   * a bug (or a kind this server does not know yet, mid-deploy): it is logged and left out rather
   * than failing the customer's whole timeline.
   */
  private typed(rows: ActivityRow[]): TimelineEntry[] {
    return rows.flatMap((r) => {
      const parsed = TimelineEntrySchema.safeParse(fromRow(r));
      if (parsed.success) return [parsed.data];
      this.logger?.warn({ activityId: r.id, type: r.type, issues: parsed.error.issues.slice(0, 3) }, 'timeline entry does not fit its kind; left out');
      return [];
    });
  }
}
