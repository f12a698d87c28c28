import type { MarketingListSchema } from '@foyer/schema/validation';
import type { z } from 'zod';
import type { Db } from '../../platform/db/connect.ts';
import { notFound } from '../../platform/errors.ts';
import { nameConflict } from '../customers/directory-audit.ts';
import * as repo from './repository.ts';

export type MarketingList = z.infer<typeof MarketingListSchema>;

const toListDto = (l: repo.MarketingListRow): MarketingList => ({ ...l, createdAt: l.createdAt.toISOString() });

/** L5: marketing lists, which bulk actions add customers to. */
export class MarketingListService {
  constructor(private readonly db: Db) {}

  async list(orgId: string): Promise<{ items: MarketingList[] }> {
    return { items: (await repo.listMarketingLists(this.db, orgId)).map(toListDto) };
  }

  async create(orgId: string, name: string): Promise<MarketingList> {
    try {
      return toListDto(await repo.insertMarketingList(this.db, orgId, name));
    } catch (error) {
      throw nameConflict(error, 'marketing_lists_org_name_idx', 'list', name);
    }
  }

  /** The list and its memberships go; the customers stay. */
  async delete(orgId: string, id: string): Promise<void> {
    if (!(await repo.deleteMarketingList(this.db, orgId, id))) throw notFound('List');
  }
}
