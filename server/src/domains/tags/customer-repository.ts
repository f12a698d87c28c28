import { and, asc, eq, inArray, sql, type Column, type SQL } from 'drizzle-orm';
import { customerTags, organizations, tags } from '@foyer/schema/tables';
import type { DbOrTx } from '../../platform/db/connect.ts';
import { MAX_TAGS_PER_CUSTOMER } from '@foyer/schema/validation';
import { AppError, invalid } from '../../platform/errors.ts';

export type TagRef = { id: string; name: string; color: string };

export const tagsWord = (n: number) => (n === 1 ? '1 tag' : `${n} tags`);

/**
 * The tags of the customer whose id is `customerId` (a column of the query it goes in), built-in
 * first then by name, as a JSON array of TagRef: a column of a customer query, so that a profile
 * or a page of the list is one statement. Scoped by the customer row the query already scoped.
 */
export const tagsJsonOf = (customerId: SQL | Column) =>
  sql<TagRef[]>`coalesce((select json_agg(json_build_object('id', t.id, 'name', t.name, 'color', t.color) order by t.builtin desc, t.name)
                          from customer_tags ct join tags t on t.id = ct.tag_id where ct.customer_id = ${customerId}), '[]'::json)`;

/** Each customer's tags, built-in first then by name. */
export async function loadTagsOf(db: DbOrTx, orgId: string, customerIds: string[]): Promise<Map<string, TagRef[]>> {
  const map = new Map<string, TagRef[]>();
  if (customerIds.length === 0) return map;
  const rows = await db
    .select({ customerId: customerTags.customerId, id: tags.id, name: tags.name, color: tags.color })
    .from(customerTags)
    .innerJoin(tags, eq(tags.id, customerTags.tagId))
    .where(and(eq(customerTags.orgId, orgId), inArray(customerTags.customerId, customerIds)))
    .orderBy(sql`${tags.builtin} desc`, asc(tags.name));
  for (const { customerId, ...tag } of rows) map.set(customerId, [...(map.get(customerId) ?? []), tag]);
  return map;
}

/** The organization's cap on tags per customer, or without one MAX_TAGS_PER_CUSTOMER. */
export async function tagCap(db: DbOrTx, orgId: string): Promise<number> {
  const [org] = await db.select({ cap: organizations.maxTagsPerCustomer }).from(organizations).where(eq(organizations.id, orgId));
  return org?.cap ?? MAX_TAGS_PER_CUSTOMER;
}

/** Refuses tag ids that are not this organization's, naming the field. */
export async function assertOwnTags(db: DbOrTx, orgId: string, tagIds: string[], field = 'tags') {
  if (tagIds.length === 0) return;
  const found = await db
    .select({ id: tags.id })
    .from(tags)
    .where(and(eq(tags.orgId, orgId), inArray(tags.id, tagIds)));
  const known = new Set(found.map((t) => t.id));
  const unknown = tagIds.findIndex((id) => !known.has(id));
  if (unknown >= 0) throw invalid('Unknown tag', [{ field: `${field}.${unknown}`, message: `No tag with id ${tagIds[unknown]}` }]);
}

/** T1: sets a customer's tags, refusing more than the organization's cap. */
export async function setCustomerTags(tx: DbOrTx, orgId: string, customerId: string, tagIds: string[]) {
  const wanted = [...new Set(tagIds)];
  await assertOwnTags(tx, orgId, wanted);
  const cap = await tagCap(tx, orgId);
  // Past the cap only additions are refused: a customer tagged before the cap was lowered can
  // still lose tags, or keep the ones they have.
  const have = (await loadTagsOf(tx, orgId, [customerId])).get(customerId)?.map((t) => t.id) ?? [];
  const adds = wanted.some((id) => !have.includes(id));
  if (wanted.length > cap && adds)
    throw new AppError(400, 'tag_cap', `A customer can have at most ${tagsWord(cap)}`, [{ field: 'tags', message: `At most ${tagsWord(cap)} per customer` }]);
  const mine = and(eq(customerTags.orgId, orgId), eq(customerTags.customerId, customerId));
  await tx.delete(customerTags).where(wanted.length ? and(mine, sql`${customerTags.tagId} <> all(${`{${wanted.join(',')}}`}::uuid[])`) : mine);
  if (wanted.length)
    await tx
      .insert(customerTags)
      .values(wanted.map((tagId) => ({ orgId, customerId, tagId })))
      .onConflictDoNothing();
}
