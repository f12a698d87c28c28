import { parseCustomerQuery, type FieldIssue, type SegmentSchema } from '@foyer/schema/validation';
import type { z } from 'zod';
import type { Db } from '../../platform/db/connect.ts';
import { invalid, notFound } from '../../platform/errors.ts';
import { loadFieldDefinitions } from '../custom-fields/customer-repository.ts';
import * as repo from './repository.ts';
import { nameConflict, type DirectoryActor } from '../customers/directory-audit.ts';

export type Segment = z.infer<typeof SegmentSchema>;

const toSegmentDto = (s: repo.SegmentRow): Segment => ({ ...s, createdAt: s.createdAt.toISOString() });

/** Paging belongs to one look at the list, not to the filter a segment keeps. */
const PAGING = new Set(['page', 'pageSize']);

/** The query string as staff wrote it (their encoding kept), without a leading "?" or paging. */
export function withoutPaging(query: string): string {
  return query
    .replace(/^\?/, '')
    .split('&')
    .filter((pair) => pair !== '' && ![...new URLSearchParams(pair).keys()].some((key) => PAGING.has(key)))
    .join('&');
}

/** L6: named list filters that staff reuse. */
export class SegmentService {
  constructor(private readonly db: Db) {}

  async list(orgId: string): Promise<{ items: Segment[] }> {
    return { items: (await repo.listSegments(this.db, orgId)).map(toSegmentDto) };
  }

  /**
   * Refuses a query the customer list would refuse, so that a saved segment always opens: its
   * parameters, values and sort, and the custom fields it filters on. (A custom field's value,
   * e.g. a range on a number field, is checked when the list runs the segment.)
   */
  async create(actor: DirectoryActor, input: { name: string; query: string }): Promise<Segment> {
    const query = withoutPaging(input.query);
    const parsed = parseCustomerQuery(new URLSearchParams(query));
    if (!parsed.ok) throw invalid(`The query is not a valid list query: ${parsed.issues.map((i) => i.field).join(', ')}`, parsed.issues);
    const defined = new Set((await loadFieldDefinitions(this.db, actor.orgId)).map((f) => f.key));
    const unknown: FieldIssue[] = Object.keys(parsed.query.custom)
      .filter((key) => !defined.has(key))
      .map((key) => ({ field: `cf.${key}`, message: `No custom field "${key}". Defined: ${[...defined].join(', ') || 'none'}` }));
    if (unknown.length) throw invalid('The query filters on custom fields that do not exist', unknown);
    try {
      return toSegmentDto(await repo.insertSegment(this.db, actor.orgId, { name: input.name, query, createdBy: actor.userId }));
    } catch (error) {
      throw nameConflict(error, 'segments_org_name_idx', 'segment', input.name);
    }
  }

  async delete(orgId: string, id: string): Promise<void> {
    if (!(await repo.deleteSegment(this.db, orgId, id))) throw notFound('Segment');
  }
}
