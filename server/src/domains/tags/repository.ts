import { and, eq, sql } from 'drizzle-orm';
import { customerTags, tags } from '@foyer/schema/tables';
import { BUILTIN_TAGS } from '@foyer/schema/validation';
import type { DbOrTx } from '../../platform/db/connect.ts';

export type TagRow = { id: string; name: string; color: string; builtin: boolean; customerCount: number };

/**
 * T1: gives every organization (or just `orgId`) the built-in tags it lacks, in one statement.
 * `on conflict do nothing` without a target covers the (org_id, lower(name)) index: an
 * organization that already has a tag of a built-in's name, in any case, keeps its own.
 */
export async function ensureBuiltinTags(db: DbOrTx, orgId?: string) {
  const builtins = sql.join(
    BUILTIN_TAGS.map((t) => sql`(${t.name}, ${t.color})`),
    sql`, `,
  );
  await db.execute(sql`
    insert into tags (org_id, name, color, builtin)
    select o.id, b.name, b.color, true
    from organizations o cross join (values ${builtins}) as b(name, color)
    ${orgId ? sql`where o.id = ${orgId}` : sql``}
    on conflict do nothing`);
}

/** The organization's tags (or one of them) with how many customers carry each, by one grouped count. */
function selectTags(db: DbOrTx, orgId: string, id?: string) {
  const counts = db
    .select({ tagId: customerTags.tagId, n: sql<number>`count(*)::int`.as('n') })
    .from(customerTags)
    .where(and(eq(customerTags.orgId, orgId), id ? eq(customerTags.tagId, id) : undefined))
    .groupBy(customerTags.tagId)
    .as('counts');
  return db
    .select({
      id: tags.id,
      name: tags.name,
      color: tags.color,
      builtin: tags.builtin,
      customerCount: sql<number>`coalesce(${counts.n}, 0)`.mapWith(Number),
    })
    .from(tags)
    .leftJoin(counts, eq(counts.tagId, tags.id))
    .where(and(eq(tags.orgId, orgId), id ? eq(tags.id, id) : undefined));
}

/** Built-in tags first, in the order T1 names them, then the organization's own by name. */
export async function listTags(db: DbOrTx, orgId: string): Promise<TagRow[]> {
  const builtinOrder = `{${BUILTIN_TAGS.map((t) => `"${t.name}"`).join(',')}}`;
  return selectTags(db, orgId).orderBy(sql`${tags.builtin} desc`, sql`array_position(${builtinOrder}::text[], ${tags.name})`, sql`lower(${tags.name})`);
}

export async function findTag(db: DbOrTx, orgId: string, id: string): Promise<TagRow | undefined> {
  const [row] = await selectTags(db, orgId, id);
  return row;
}

export async function insertTag(db: DbOrTx, orgId: string, values: { name: string; color: string }): Promise<string> {
  const [row] = await db
    .insert(tags)
    .values({ orgId, ...values })
    .returning({ id: tags.id });
  return row!.id;
}

export async function updateTag(db: DbOrTx, orgId: string, id: string, values: { name?: string; color?: string }) {
  await db
    .update(tags)
    .set(values)
    .where(and(eq(tags.orgId, orgId), eq(tags.id, id)));
}

/** Customers lose the tag with it (foreign key cascade). */
export async function deleteTag(db: DbOrTx, orgId: string, id: string) {
  await db.delete(tags).where(and(eq(tags.orgId, orgId), eq(tags.id, id)));
}
