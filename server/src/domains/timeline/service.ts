import type { Db } from '../../platform/db/connect.ts';
import { pageOfActivities } from './repository.ts';
import { customerIdOf } from '../doors/customer-access.ts';

/** A page of a long, growing list: no total (counting millions of rows per page is waste), only whether more follow. */
export type Page<T> = { items: T[]; page: number; pageSize: number; hasMore: boolean };

/** `rows` was fetched with one row more than `pageSize`: that row's presence is `hasMore`. */
export const pageFrom = <T>(rows: T[], page: number, pageSize: number): Page<T> => ({
  items: rows.slice(0, pageSize),
  page,
  pageSize,
  hasMore: rows.length > pageSize,
});

export type Activity = {
  id: number;
  category: string;
  type: string;
  source: string;
  occurredAt: string;
  data: Record<string, unknown>;
};

/** Ac1: one customer's timeline; door visits so far, each with its category, type, source and time. */
export class ActivityService {
  constructor(private readonly db: Db) {}

  async page(orgId: string, ref: string, page: number, pageSize: number): Promise<Page<Activity>> {
    const customerId = await customerIdOf(this.db, orgId, ref);
    const rows = await pageOfActivities(this.db, orgId, customerId, (page - 1) * pageSize, pageSize + 1);
    return pageFrom(
      rows.map((r) => ({ id: r.id, category: r.category, type: r.type, source: r.source, occurredAt: r.occurredAt.toISOString(), data: r.data })),
      page,
      pageSize,
    );
  }
}
