import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { customers } from '@foyer/schema/tables';
import {
  COUNT_CAP,
  normalizePhone,
  parseRange,
  toSystemId,
  type CustomerListItem,
  type CustomerQuery,
  type FieldIssue,
  type SortKey,
} from '@foyer/schema/validation';
import type { DbOrTx } from '../db/connect.ts';
import { invalid } from '../lib/errors.ts';
import type { FieldDefinition } from './customer-fields.ts';
import { loadTagsOf } from './customer-tags.ts';

const cents = (n: number) => n / 100;
const iso = (d: Date | null) => d?.toISOString() ?? null;

export const photoUrl = (id: string, version: number | null) =>
  version === null ? null : `/api/customers/${toSystemId(id)}/photo?v=${version}`;

/** List rows (L1) for these customers, in the order of `ids`: one query for the rows, one for tags. */
export async function loadCustomerListItems(db: DbOrTx, orgId: string, ids: string[]): Promise<CustomerListItem[]> {
  if (ids.length === 0) return [];
  const [rows, tagMap] = await Promise.all([
    db.select().from(customers).where(and(eq(customers.orgId, orgId), inArray(customers.id, ids))),
    loadTagsOf(db, orgId, ids),
  ]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const r = byId.get(id);
    if (!r) return [];
    return [
      {
        id: toSystemId(r.id),
        customerNumber: r.customerNumber,
        firstName: r.firstName,
        lastName: r.lastName,
        primaryEmail: r.primaryEmail,
        primaryPhone: r.primaryPhone,
        photoUrl: photoUrl(r.id, r.photoVersion),
        status: r.status,
        lifecycleStage: r.lifecycleStage,
        clv: cents(r.clvCents),
        totalSpent: cents(r.totalSpentCents),
        lastOrderAt: iso(r.lastOrderAt),
        lastActiveAt: iso(r.lastActiveAt),
        createdAt: r.createdAt.toISOString(),
        tags: tagMap.get(id) ?? [],
      },
    ];
  });
}

/** The column each sort key orders by; every one has an (org_id, column, id) index. */
const sortColumns: Record<Exclude<SortKey, 'relevance'>, SQL> = {
  name: sql`c.sort_name`,
  email: sql`c.primary_email`,
  phone: sql`c.primary_phone`,
  lifecycle: sql`c.lifecycle_stage`,
  clv: sql`c.clv_cents`,
  lastOrder: sql`c.last_order_at`,
  totalSpent: sql`c.total_spent_cents`,
  created: sql`c.created_at`,
};

const uuidArray = (ids: string[]) => sql`${`{${ids.join(',')}}`}::uuid[]`;
const textArray = (values: string[]) => sql`${`{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`}::text[]`;

/**
 * L4: the ways one search box can name a customer, each a branch that an index serves, with a
 * score; a customer found by several keeps its best. Exact identifiers outrank everything.
 */
function searchBranches(orgId: string, q: string, country: string): SQL {
  const lower = q.toLowerCase();
  const branches: SQL[] = [
    sql`select id as customer_id, 2.0::float8 as score from customers
        where org_id = ${orgId} and (customer_number = ${q} or external_id = ${q})`,
    sql`select customer_id, 1.2::float8 from custom_field_values where org_id = ${orgId} and lower(value_text) = ${lower}`,
  ];
  const phones = phoneCandidates(q, country);
  if (phones.length)
    branches.push(
      sql`select customer_id, 1.5::float8 from customer_phones where org_id = ${orgId} and e164 = any(${textArray(phones)})`,
    );
  // An email fragment: has an @, or a dot and no spaces ("lovelace@", "@acme.com", "ada.love").
  if (lower.length >= 3 && !/\s/.test(lower) && /[@.]/.test(lower))
    branches.push(
      sql`select customer_id, 1.0::float8 from customer_emails
          where org_id = ${orgId} and lower(address) like ${`%${lower.replace(/[\\%_]/g, '\\$&')}%`}`,
    );
  // Names: word similarity tolerates typos and fragments ("smi", "jonh smith"); GIN trigram index.
  if (/\p{L}/u.test(lower) && !lower.includes('@'))
    branches.push(
      sql`select id, word_similarity(${lower}, name_search)::float8 from customers
          where org_id = ${orgId} and ${lower} <% name_search`,
    );
  return sql.join(branches, sql` union all `);
}

/** A phone typed any way: read in the org's country, and as international without its "+". */
function phoneCandidates(q: string, country: string): string[] {
  const digits = q.replace(/\D/g, '');
  if (digits.length < 6 || /[^\d\s+().-]/.test(q)) return [];
  const candidates = [normalizePhone(q, country)?.e164, normalizePhone(`+${digits}`, country)?.e164];
  return [...new Set(candidates.filter((p): p is string => !!p))];
}

/** L2: one SQL condition per filter given; they combine with AND. */
function filterConditions(query: CustomerQuery, fields: FieldDefinition[]): SQL[] {
  const where: SQL[] = [];
  const q = query;
  if (q.tags?.length)
    where.push(
      q.tagMode === 'all'
        ? sql`(select count(*) from customer_tags ct where ct.customer_id = c.id and ct.tag_id = any(${uuidArray(q.tags)})) = ${new Set(q.tags).size}`
        : sql`exists (select 1 from customer_tags ct where ct.customer_id = c.id and ct.tag_id = any(${uuidArray(q.tags)}))`,
    );
  if (q.lifecycle?.length) where.push(sql`c.lifecycle_stage::text = any(${textArray(q.lifecycle)})`);
  if (q.source?.length) where.push(sql`c.source = any(${textArray(q.source)})`);
  if (q.language?.length) where.push(sql`c.language = any(${textArray(q.language)})`);
  if (q.consent) where.push(sql`c.marketing_consent = ${q.consent === 'yes'}`);
  if (q.status) where.push(sql`c.status = ${q.status}`);
  if (q.company) where.push(sql`exists (select 1 from customer_companies cc where cc.customer_id = c.id and cc.company_id = ${q.company})`);
  if (q.city) where.push(sql`exists (select 1 from customer_addresses a where a.customer_id = c.id and lower(a.city) = ${q.city.toLowerCase()})`);
  if (q.country) where.push(sql`exists (select 1 from customer_addresses a where a.customer_id = c.id and a.country = ${q.country})`);
  // Date ranges are whole days, both ends included.
  if (q.createdFrom) where.push(sql`c.created_at >= ${q.createdFrom}::date`);
  if (q.createdTo) where.push(sql`c.created_at < ${q.createdTo}::date + 1`);
  if (q.activeFrom) where.push(sql`c.last_active_at >= ${q.activeFrom}::date`);
  if (q.activeTo) where.push(sql`c.last_active_at < ${q.activeTo}::date + 1`);
  where.push(...customFieldConditions(q.custom, fields));
  return where;
}

/** `cf.<key>=value`: equality for text, choice and yes/no; equality or `min..max` for numbers and dates. */
function customFieldConditions(custom: Record<string, string>, fields: FieldDefinition[]): SQL[] {
  const byKey = new Map(fields.map((f) => [f.key, f]));
  const issues: FieldIssue[] = [];
  const where: SQL[] = [];
  for (const [key, value] of Object.entries(custom)) {
    const def = byKey.get(key);
    const field = `cf.${key}`;
    if (!def) {
      issues.push({ field, message: `No custom field "${key}". Defined: ${[...byKey.keys()].join(', ') || 'none'}` });
      continue;
    }
    const match = (cond: SQL) => sql`exists (select 1 from custom_field_values v where v.customer_id = c.id and v.field_id = ${def.id} and ${cond})`;
    if (def.type === 'number' || def.type === 'date') {
      const { eq: exact, min, max } = parseRange(value);
      const column = def.type === 'number' ? sql`v.value_number` : sql`v.value_date`;
      const parse = (v: string) => (def.type === 'number' ? (Number.isFinite(Number(v)) ? Number(v) : null) : /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : null);
      const bounds = [exact, min, max].filter((v) => v !== undefined).map((v) => parse(v!));
      if (bounds.some((b) => b === null)) {
        issues.push({ field, message: `${def.label} is filtered by a ${def.type === 'number' ? 'number' : 'date (YYYY-MM-DD)'} or a range min..max` });
        continue;
      }
      const cast = (v: string) => (def.type === 'number' ? sql`${Number(v)}::float8` : sql`${v}::date`);
      if (exact !== undefined) where.push(match(sql`${column} = ${cast(exact)}`));
      else where.push(match(sql.join([min && sql`${column} >= ${cast(min)}`, max && sql`${column} <= ${cast(max)}`].filter((x): x is SQL => !!x), sql` and `)));
    } else if (def.type === 'boolean') {
      if (!['yes', 'no', 'true', 'false'].includes(value)) issues.push({ field, message: `${def.label} is filtered by yes or no` });
      else where.push(match(sql`v.value_bool = ${value === 'yes' || value === 'true'}`));
    } else where.push(match(sql`lower(v.value_text) = ${value.toLowerCase()}`));
  }
  if (issues.length) throw invalid('Some filters are not valid', issues);
  return where;
}

type ListContext = { fields: FieldDefinition[]; country: string };

/** The FROM and WHERE of a list query: customers matching its search and filters, in `c` (and scores in `m`). */
function matching(orgId: string, query: CustomerQuery, ctx: ListContext) {
  const search = query.q ? searchBranches(orgId, query.q, ctx.country) : null;
  const where = sql.join([sql`c.org_id = ${orgId}`, ...filterConditions(query, ctx.fields)], sql` and `);
  const from = search
    ? sql`(select customer_id, max(score) as score from (${search}) s group by customer_id) m join customers c on c.id = m.customer_id`
    : sql`customers c`;
  return { from, where, searching: !!search };
}

/** `select c.id …` of every customer a query matches, for set-based bulk actions and export (L5). */
export function matchingIdsSql(orgId: string, query: CustomerQuery, ctx: ListContext): SQL {
  const { from, where } = matching(orgId, query, ctx);
  return sql`select c.id from ${from} where ${where}`;
}

/**
 * One page of the list for a query: the ids in order, and the count (exact up to COUNT_CAP; past
 * it, capped, so that a broad filter on a million customers never counts a million rows).
 */
export async function findCustomerPage(
  db: DbOrTx,
  orgId: string,
  query: CustomerQuery,
  ctx: ListContext,
): Promise<{ ids: string[]; total: number; totalCapped: boolean }> {
  const { from, where, searching } = matching(orgId, query, ctx);
  const [key, desc] = sortOf(query, searching);
  const direction = desc ? sql`desc` : sql`asc`;
  const order =
    key === 'relevance'
      ? sql`m.score desc, c.sort_name asc, c.id asc`
      : sql`${sortColumns[key]} ${direction}, c.id ${direction}`;

  const offset = (query.page - 1) * query.pageSize;
  const pageSql = sql`select c.id from ${from} where ${where} order by ${order} limit ${query.pageSize} offset ${offset}`;
  const countSql = sql`select count(*)::int as n from (select 1 from ${from} where ${where} limit ${COUNT_CAP + 1}) t`;
  const run = (on: DbOrTx) => Promise.all([on.execute<{ id: string }>(pageSql), on.execute<{ n: number }>(countSql)]);
  // A long name has enough trigrams that a looser threshold still only finds near-misses: it lets
  // a swapped pair of letters ("Lovleace") through. Short fragments keep the connection's 0.5.
  const [page, count] = longNameSearch(query.q)
    ? await db.transaction(async (tx) => {
        await tx.execute(sql`set local pg_trgm.word_similarity_threshold = 0.35`);
        return run(tx);
      })
    : await run(db);
  const n = count.rows[0]!.n;
  return { ids: page.rows.map((r) => r.id), total: Math.min(n, COUNT_CAP), totalCapped: n > COUNT_CAP };
}

const longNameSearch = (q: string | undefined) => !!q && q.replace(/[^\p{L}]/gu, '').length >= 7;

/** The sort key and direction: as asked, else best match first for a search, else newest first. */
function sortOf(query: CustomerQuery, searching: boolean): [SortKey, boolean] {
  if (!query.sort) return searching ? ['relevance', true] : ['created', true];
  const desc = query.sort.startsWith('-');
  const key = query.sort.replace(/^-/, '') as SortKey;
  if (key === 'relevance' && !searching) return ['created', true];
  return [key, desc];
}
