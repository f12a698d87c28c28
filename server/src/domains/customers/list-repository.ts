import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { customers } from '@foyer/schema/tables';
import {
  COUNT_CAP,
  normalizePhone,
  isRealDate,
  isUuid,
  lifecycleStages,
  parseRange,
  toSystemId,
  type CustomerListItem,
  type CustomerQuery,
  type FieldIssue,
  type SortKey,
} from '@foyer/schema/validation';
import { concurrently, isPool, prepared, type Db, type DbOrTx } from '../../platform/db/connect.ts';
import { invalid } from '../../platform/errors.ts';
import type { FieldDefinition } from '../custom-fields/customer-repository.ts';
import { tagsJsonOf } from '../tags/customer-repository.ts';

const cents = (n: number) => n / 100;
const iso = (d: Date | null) => d?.toISOString() ?? null;

export const photoUrl = (id: string, version: number | null) => (version === null ? null : `/api/customers/${toSystemId(id)}/photo?v=${version}`);

/** The list's columns of a customer and their tags (as JSON), by id; `any($2)` so that one statement serves any page. */
const listItemsSelect = (db: DbOrTx) =>
  db
    .select({
      id: customers.id,
      customerNumber: customers.customerNumber,
      firstName: customers.firstName,
      lastName: customers.lastName,
      primaryEmail: customers.primaryEmail,
      primaryPhone: customers.primaryPhone,
      photoVersion: customers.photoVersion,
      status: customers.status,
      lifecycleStage: customers.lifecycleStage,
      clvCents: customers.clvCents,
      totalSpentCents: customers.totalSpentCents,
      lastOrderAt: customers.lastOrderAt,
      lastActiveAt: customers.lastActiveAt,
      createdAt: customers.createdAt,
      // Spelled out: drizzle leaves the table off the columns of a one-table select.
      tags: tagsJsonOf(sql.raw('"customers"."id"')),
    })
    .from(customers);

const listItemsById = (db: Db) =>
  prepared(db, 'customer_list_items', (db, name) =>
    listItemsSelect(db)
      .where(and(eq(customers.orgId, sql.placeholder('orgId')), sql`${customers.id} = any(${sql.placeholder('ids')}::uuid[])`))
      .prepare(name),
  );

/** List rows (L1) for these customers, in the order of `ids`, with their tags: one statement. */
export async function loadCustomerListItems(db: DbOrTx, orgId: string, ids: string[]): Promise<CustomerListItem[]> {
  if (ids.length === 0) return [];
  const rows = isPool(db)
    ? await listItemsById(db).execute({ orgId, ids })
    : await listItemsSelect(db).where(and(eq(customers.orgId, orgId), inArray(customers.id, ids)));
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
        tags: r.tags,
      },
    ];
  });
}

/** The column each sort key orders by; every one has an (org_id, column, id) index. */
const sortColumns: Record<Exclude<SortKey, 'relevance'>, SQL> = {
  name: sql`(c.sort_name collate "C")`,
  email: sql`c.primary_email`,
  phone: sql`c.primary_phone`,
  lifecycle: sql`c.lifecycle_stage`,
  clv: sql`c.clv_cents`,
  lastOrder: sql`c.last_order_at`,
  totalSpent: sql`c.total_spent_cents`,
  created: sql`c.created_at`,
};

const uuidArray = (ids: string[]) => sql`${`{${ids.join(',')}}`}::uuid[]`;
const intArray = (values: number[]) => sql`${`{${values.join(',')}}`}::int[]`;
const textArray = (values: string[]) => sql`${`{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`}::text[]`;
const likePrefix = (s: string) => `${s.replace(/[\\%_]/g, '\\$&')}%`;

/**
 * L4: the ways one search box names a customer by an identifier, each a branch an index serves,
 * scored so that exact identifiers outrank everything: (customer_id, score) rows.
 */
function identifierMatches(orgId: string, q: string, country: string): SQL {
  const lower = q.toLowerCase();
  const branches: SQL[] = [
    sql`select id as customer_id, 2.0::float8 as score, (sort_name collate "C") as k from customers
        where org_id = ${orgId} and (customer_number = ${q} or external_id = ${q})`,
    sql`select customer_id, 1.2::float8, (value_text collate "C") from custom_field_values where org_id = ${orgId} and lower(value_text) = ${lower}`,
  ];
  const phones = phoneCandidates(q, country);
  if (phones.length)
    branches.push(sql`select customer_id, 1.5::float8, (e164 collate "C") from customer_phones where org_id = ${orgId} and e164 = any(${textArray(phones)})`);
  const email = emailFragmentMatch(orgId, lower);
  if (email) branches.push(email);
  return sql`select customer_id, max(score) as score, min(k) as k from (${sql.join(branches, sql` union all `)}) s group by customer_id`;
}

/**
 * An email fragment: has an @, or a dot and no spaces ("lovelace@", "lovelace87@gma", "@acme.com",
 * "ada.love"). Matched by bytes through two btrees on customer_emails: the end of the local part
 * (reversed) with the start of the domain, the exact domain, or the start of the address. A
 * fragment from the middle of a local part ("a.love") is not matched.
 */
function emailFragmentMatch(orgId: string, lower: string): SQL | null {
  if (lower.length < 3 || /\s/.test(lower) || !/[@.]/.test(lower)) return null;
  const select = sql`select customer_id, 1.0::float8, (lower(address) collate "C") from customer_emails where org_id = ${orgId} and`;
  // Ranges rather than LIKE: the same index condition without a filter that recomputes the
  // expression on every row of a common ending.
  const startsWith = (column: SQL, prefix: string) => sql`${column} >= ${prefix} and ${column} < ${`${prefix}\u{10FFFF}`}`;
  const reversedLocal = sql`(reverse(lower(split_part(address, '@', 1))) collate "C")`;
  const domain = sql`lower(split_part(address, '@', 2))`;
  const reversed = (s: string) => [...s].reverse().join('');
  const at = lower.indexOf('@');
  if (at >= 0) {
    const [local, rest] = [lower.slice(0, at), lower.slice(at + 1)];
    if (!local) return sql`${select} ${domain} = ${rest}`;
    return sql`${select} ${startsWith(reversedLocal, reversed(local))}${rest ? sql` and ${domain} like ${likePrefix(rest)}` : sql``}`;
  }
  return sql`${select} ((${startsWith(reversedLocal, reversed(lower))})
             or (${startsWith(sql`(lower(address) collate "C")`, lower)}) or ${domain} = ${lower})`;
}

/** A phone typed any way: read in the org's country, and as international without its "+". */
function phoneCandidates(q: string, country: string): string[] {
  const digits = q.replace(/\D/g, '');
  if (digits.length < 6 || /[^\d\s+().-]/.test(q)) return [];
  const candidates = [normalizePhone(q, country)?.e164, normalizePhone(`+${digits}`, country)?.e164];
  return [...new Set(candidates.filter((p): p is string => !!p))];
}

/** Whether a search may be a name: it has letters and is not an email. */
const nameLike = (q: string) => /\p{L}/u.test(q) && !q.includes('@');

/**
 * How names are matched. `prefix`: a last name ("last first") or a first name ("first last")
 * starts with the search, served in order by the C-collation indexes, so a common fragment like
 * "smi" costs one page, not every Smith. `fuzzy`: tried only when no name starts with the search;
 * each word of the search is matched to the organization's name words within a small edit
 * distance (customer_name_words, a few thousand rows), and the names those words spell are looked
 * up by prefix on the same indexes.
 */
type NameMode = { kind: 'prefix' } | { kind: 'fuzzy'; names: FuzzyName[] };
/** "word word" as the customer's name may start, and how many edits the search is from it. */
type FuzzyName = { name: string; edits: number };
const PREFIX: NameMode = { kind: 'prefix' };

const normalizedName = (q: string) => q.toLowerCase().trim().replace(/\s+/g, ' ');

/** Name branches: (id, score, key) rows, scored below every identifier. */
function nameMatches(orgId: string, q: string, mode: NameMode, filters: SQL): SQL[] {
  if (mode.kind === 'fuzzy') {
    if (!mode.names.length) return [];
    // Both orders a name is written in, each a range on its C-collation index (a pattern that is
    // not a constant cannot use one), per spelling; one row per customer, at its closest spelling.
    const spelled = (column: SQL) =>
      sql`select c.id, (c.sort_name collate "C") as k from customers c
          where c.org_id = ${orgId} and ${column} >= x.name and ${column} < (x.name || U&'\\+10FFFF') and ${filters}`;
    return [
      sql`select c.id, c.score, c.k from (
            select m.id, max(0.85 - 0.05 * x.edits)::float8 as score, min(m.k) as k
            from unnest(${textArray(mode.names.map((n) => n.name))}, ${intArray(mode.names.map((n) => n.edits))}) x(name, edits)
            cross join lateral (${spelled(sql`(c.sort_name collate "C")`)} union all ${spelled(sql`(c.name_search collate "C")`)}) m
            group by m.id) c where true`,
    ];
  }
  const prefix = likePrefix(normalizedName(q));
  return [
    sql`select c.id, 0.9::float8 as score, (c.sort_name collate "C") as k from customers c
        where c.org_id = ${orgId} and (c.sort_name collate "C") like ${prefix} and ${filters}`,
    sql`select c.id, 0.8::float8 as score, (c.name_search collate "C") as k from customers c
        where c.org_id = ${orgId} and (c.name_search collate "C") like ${prefix}
          and not coalesce((c.sort_name collate "C") like ${prefix}, false) and ${filters}`,
  ];
}

/** At most this many spellings of each searched word, and of whole names, are looked up. */
const WORD_CANDIDATES = 12;
const NAME_CANDIDATES = 100;

/**
 * The names a mistyped search may mean: for each of its (first three) words, the organization's
 * name words within 1 edit (3 to 6 letters) or 2 (7 or more), a swap of two neighbouring letters
 * counting as one, the closest first (then those with the same first letter and length); then
 * every combination, closest first. Words of 1 or 2 letters only match exactly or swapped; two
 * slips in the first two letters are not looked for.
 */
async function fuzzyNames(db: DbOrTx, orgId: string, q: string): Promise<FuzzyName[]> {
  const words = normalizedName(q)
    .split(' ')
    .filter((w) => /\p{L}/u.test(w))
    .slice(0, 3);
  if (!words.length) return [];
  const branches = words.map((word, i) => {
    const letters = [...word];
    const k = letters.length >= 7 ? 2 : letters.length >= 3 ? 1 : 0;
    // One of the first two letters stays in the first two places through any one slip there
    // (changed, dropped, doubled or swapped): a cheap test that spares most words the distance.
    const firstTwo = letters.slice(0, 2);
    const swaps = letters.slice(1).map((_, j) => {
      const swapped = [...letters];
      [swapped[j], swapped[j + 1]] = [swapped[j + 1]!, swapped[j]!];
      return swapped.join('');
    });
    return sql`(select ${i}::int as i, word,
                 case when word = any(${textArray(swaps)}) and word <> ${word} then 1 else levenshtein_less_equal(${word}, word, ${k}) end as edits
               from customer_name_words
               where org_id = ${orgId} and length(word) between ${letters.length - k} and ${letters.length + k}
                 and (left(word, 1) = any(${textArray(firstTwo)}) or substr(word, 2, 1) = any(${textArray(firstTwo)}))
                 and (word = any(${textArray(swaps)}) or levenshtein_less_equal(${word}, word, ${k}) <= ${k})
               order by edits, left(word, 1) <> ${letters[0]!}, abs(length(word) - ${letters.length}), word
               limit ${WORD_CANDIDATES})`;
  });
  const { rows } = await db.execute<{ i: number; word: string; edits: number }>(sql.join(branches, sql` union all `));
  let names: FuzzyName[] = [{ name: '', edits: 0 }];
  for (let i = 0; i < words.length; i++) {
    const options = rows.filter((r) => r.i === i);
    names = names.flatMap((n) => options.map((o) => ({ name: n.name ? `${n.name} ${o.word}` : o.word, edits: n.edits + o.edits })));
  }
  return names
    .filter((n) => n.edits > 0)
    .sort((a, b) => a.edits - b.edits)
    .slice(0, NAME_CANDIDATES);
}

/** L2: one SQL condition per filter given; they combine with AND. */
function filterConditions(query: CustomerQuery, fields: FieldDefinition[]): SQL[] {
  const where: SQL[] = [];
  const q = query;
  // customers.tag_ids mirrors customer_tags (a trigger keeps it), so this is a GIN lookup.
  if (q.tags?.length) where.push(q.tagMode === 'all' ? sql`c.tag_ids @> ${uuidArray(q.tags)}` : sql`c.tag_ids && ${uuidArray(q.tags)}`);
  // Compared as the enum, not as text: the planner then has the column's statistics (a text cast
  // was estimated at a few hundred rows whatever the stage, and a page was sorted from a bitmap).
  if (q.lifecycle?.length) where.push(sql`c.lifecycle_stage = any(${textArray(q.lifecycle)}::lifecycle_stage[])`);
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
      const parse = (v: string) => (def.type === 'number' ? (v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : null) : isRealDate(v) ? v : null);
      const bounds = [exact, min, max].filter((v) => v !== undefined).map((v) => parse(v!));
      // `..` alone is a range with neither end: no filter at all, so it is refused like a typo.
      if (bounds.length === 0 || bounds.some((b) => b === null)) {
        issues.push({ field, message: `${def.label} is filtered by a ${def.type === 'number' ? 'number' : 'date (YYYY-MM-DD)'} or a range min..max` });
        continue;
      }
      const cast = (v: string) => (def.type === 'number' ? sql`${Number(v)}::float8` : sql`${v}::date`);
      if (exact !== undefined) where.push(match(sql`${column} = ${cast(exact)}`));
      else
        where.push(
          match(
            sql.join(
              [min && sql`${column} >= ${cast(min)}`, max && sql`${column} <= ${cast(max)}`].filter((x): x is SQL => !!x),
              sql` and `,
            ),
          ),
        );
    } else if (def.type === 'boolean') {
      if (!['yes', 'no', 'true', 'false'].includes(value)) issues.push({ field, message: `${def.label} is filtered by yes or no` });
      else where.push(match(sql`v.value_bool = ${value === 'yes' || value === 'true'}`));
    } else where.push(match(sql`lower(v.value_text) = ${value.toLowerCase()}`));
  }
  if (issues.length) throw invalid('Some filters are not valid', issues);
  return where;
}

type ListContext = { fields: FieldDefinition[]; country: string };

/**
 * The customers a list query matches, as ranked rows `r(id, score, k)`: identifier hits, then
 * names. Without a search, every customer the filters keep.
 */
function matching(orgId: string, query: CustomerQuery, ctx: ListContext, mode: NameMode) {
  const conditions = filterConditions(query, ctx.fields);
  const filters = sql.join([sql`true`, ...conditions], sql` and `);
  if (!query.q) return { ranked: null, rankedBody: null, rankedTop: null, filters, ident: null };
  const ident = identifierMatches(orgId, query.q, ctx.country);
  const names = nameLike(query.q) ? nameMatches(orgId, query.q, mode, filters) : [];
  // Name hits leave out customers an identifier found (they rank higher there) instead of a
  // GROUP BY over every hit, so that each name branch keeps its index order.
  // Identifier hits are ordered by what they matched (the email address, …) after their score,
  // and read customers only to filter: "turcotte@" then costs an index-only scan of the emails,
  // not a visit to each of thousands of customers to sort them by name.
  // The identifier hits are found once (a materialized CTE), however many branches read them.
  const identified = conditions.length
    ? sql`select c.id, i.score, i.k from ident i join customers c on c.id = i.customer_id where c.org_id = ${orgId} and ${filters}`
    : sql`select i.customer_id as id, i.score, i.k from ident i`;
  const branches = [identified, ...names.map((branch) => sql`${branch} and c.id not in (select customer_id from ident)`)];
  const union = (parts: SQL[]) => sql`with ident as materialized (${ident}) ${sql.join(parts, sql` union all `)}`;
  const ranked = union(branches);
  /** The same rows without the WITH, for a statement that puts `ident` at its top once (pageFor). */
  const rankedBody = sql.join(branches, sql` union all `);
  /**
   * The best `n` of each branch, each in its own order (a name branch's score is one constant,
   * so its index order is its rank): a relevance page then reads a page's worth from each index
   * instead of every hit of a common fragment. Without the WITH: pageFor puts `ident` at the top of its statement.
   */
  const rankedTop = (n: number) =>
    sql.join(
      branches.map((b) => sql`(${b} order by score desc, k asc, id asc limit ${n})`),
      sql` union all `,
    );
  return { ranked, rankedBody, rankedTop, filters, ident };
}

/** `select id …` of every customer a query matches, for set-based bulk actions and export (L5). */
export async function matchingIdsSql(db: DbOrTx, orgId: string, query: CustomerQuery, ctx: ListContext): Promise<SQL> {
  const mode = await nameModeFor(db, orgId, query, ctx);
  const { ranked, filters } = matching(orgId, query, ctx, mode);
  return ranked ? sql`select id from (${ranked}) r` : sql`select c.id from customers c where c.org_id = ${orgId} and ${filters}`;
}

/** Prefix matching, unless the search names nobody that way and may be a mistyped name. */
async function nameModeFor(db: DbOrTx, orgId: string, query: CustomerQuery, ctx: ListContext): Promise<NameMode> {
  if (!query.q || !nameLike(query.q)) return PREFIX;
  const { ranked } = matching(orgId, query, ctx, PREFIX);
  const found = await db.execute(sql`select 1 from (${ranked}) r limit 1`);
  return found.rows.length ? PREFIX : { kind: 'fuzzy', names: await fuzzyNames(db, orgId, query.q) };
}

export type CustomerPageIds = { ids: string[]; total: number; totalCapped: boolean; nextCursor: string | null };

/**
 * One page of the list for a query: the ids in order, and the count (exact up to COUNT_CAP; past
 * it, capped, so that a broad filter on a million customers never counts a million rows).
 */
export async function findCustomerPage(db: DbOrTx, orgId: string, query: CustomerQuery, ctx: ListContext): Promise<CustomerPageIds> {
  const q = query.q;
  if (!q || !nameLike(q)) return pageFor(db, orgId, query, ctx, PREFIX);
  // For a name long enough to be typed whole, the spellings a typo may mean are looked up
  // alongside the prefix page, so that a mistyped name costs two round trips, not three. A short
  // fragment, typed on the way to a name, nearly always has prefix hits: it does not pay for them.
  const whole = q.replace(/[^\p{L}]/gu, '').length >= 6;
  const [first, early] = await concurrently(db, [
    () => pageFor(db, orgId, query, ctx, PREFIX),
    () => (whole ? fuzzyNames(db, orgId, q) : Promise.resolve(null)),
  ]);
  if (first.total > 0) return first;
  return pageFor(db, orgId, query, ctx, { kind: 'fuzzy', names: early ?? (await fuzzyNames(db, orgId, q)) });
}

async function pageFor(db: DbOrTx, orgId: string, query: CustomerQuery, ctx: ListContext, mode: NameMode): Promise<CustomerPageIds> {
  const { rankedBody: ranked, rankedTop, filters, ident } = matching(orgId, query, ctx, mode);
  const [key, desc] = sortOf(query, !!ranked);
  const direction = desc ? sql`desc` : sql`asc`;
  const offset = (query.page - 1) * query.pageSize;
  const limit = sql`limit ${query.pageSize} offset ${offset}`;
  if (query.after && ranked) throw invalid('A search is paged by page number', [{ field: 'after', message: 'after pages a list without a search (q)' }]);

  let pageSql: SQL;
  let countSql: SQL;
  if (!ranked) {
    const sortKey = key as Exclude<SortKey, 'relevance'>;
    const rows = sql`select c.id, ${sortColumns[sortKey]}::text as v from customers c where c.org_id = ${orgId} and ${filters}`;
    const cursor = query.after ? readCursor(query.after, query.sort ?? '') : null;
    pageSql = cursor
      ? keysetPage(rows, sortKey, desc, cursor, query.pageSize)
      : sql`${rows} order by ${sortColumns[sortKey]} ${direction}, c.id ${direction} ${limit}`;
    // After a cursor, the rows before it are the pages already walked, as many as the page number
    // says; only the rows after it are counted, up to the cap, along the same index as the page.
    countSql = cursor
      ? sql`select (${offset} + count(*))::int as n from (${keysetPage(rows, sortKey, desc, cursor, Math.max(1, COUNT_CAP + 1 - offset))}) t`
      : sql`select count(*)::int as n from (select 1 from customers c where c.org_id = ${orgId} and ${filters} limit ${COUNT_CAP + 1}) t`;
  } else {
    pageSql =
      key === 'relevance'
        ? sql`select id, null::text as v from (${rankedTop!(offset + query.pageSize)}) r order by score desc, k asc, id asc ${limit}`
        : sql`select c.id, null::text as v from (${ranked}) r join customers c on c.id = r.id
              order by ${sortColumns[key]} ${direction}, c.id ${direction} ${limit}`;
    countSql = sql`select count(*)::int as n from (select 1 from (${ranked}) r limit ${COUNT_CAP + 1}) t`;
  }

  // The page and its capped count in one statement (one round trip). The page's rows come out of
  // an ordered subquery, which json_agg keeps in that order.
  // A search's identifier hits are found once, for both.
  const { rows } = await db.execute<{ n: number; page: [string, string | null][] }>(
    sql`${ident ? sql`with ident as materialized (${ident}) ` : sql``}select (${countSql}) as n,
        coalesce((select json_agg(json_build_array(p.id, p.v)) from (${pageSql}) p), '[]'::json) as page`,
  );
  const { n, page } = rows[0]!;
  const last = page.at(-1);
  const nextCursor = !ranked && last && page.length === query.pageSize ? writeCursor(query.sort ?? '', last[1], last[0]) : null;
  return { ids: page.map(([id]) => id), total: Math.min(n, COUNT_CAP), totalCapped: n > COUNT_CAP, nextCursor };
}

/** Sort columns that may be null: PostgreSQL puts nulls last going up, first going down. */
const nullableSorts = new Set<SortKey>(['name', 'email', 'phone', 'lastOrder']);

type Cursor = { v: string | null; id: string };

const isInteger = (v: string) => /^-?\d{1,18}$/.test(v);
/** A timestamptz as PostgreSQL writes it (`2026-05-01 10:00:00.123+00`), with a real date and time. */
const isTimestamp = (v: string) => {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/.exec(v);
  return !!m && isRealDate(m[1]!) && Number(m[2]) < 24 && Number(m[3]) < 60 && Number(m[4]) < 60;
};
/** What a cursor's value may be for each sort: its column's type, as `::text` writes it. */
const cursorValueFits: Record<Exclude<SortKey, 'relevance'>, (v: string) => boolean> = {
  name: () => true,
  email: () => true,
  phone: () => true,
  lifecycle: (v) => (lifecycleStages as readonly string[]).includes(v),
  clv: isInteger,
  lastOrder: isTimestamp,
  totalSpent: isInteger,
  created: isTimestamp,
};

/**
 * `after`: where the previous page ended, so that the next page starts there through the sort's
 * index (a row comparison) instead of skipping every row before it; page 200 then costs what page
 * 1 does. It names the sort it was made for, and a cursor for another sort is refused.
 */
function writeCursor(sort: string, v: string | null, id: string): string {
  return Buffer.from(JSON.stringify([sort, v, id])).toString('base64url');
}

function readCursor(after: string, sort: string): Cursor {
  const refuse = (message: string) => invalid('Not a valid list query: after', [{ field: 'after', message }]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
  } catch {
    throw refuse('after is the nextCursor of a previous page');
  }
  if (!Array.isArray(parsed) || parsed.length !== 3 || typeof parsed[0] !== 'string' || !(parsed[1] === null || typeof parsed[1] === 'string'))
    throw refuse('after is the nextCursor of a previous page');
  const [cursorSort, v, id] = parsed as [string, string | null, unknown];
  if (!isUuid(id)) throw refuse('after is the nextCursor of a previous page');
  if (cursorSort !== sort) throw refuse('after belongs to another sort; start again from page 1');
  // The value is compared with the sort's column: one of another type (a forged cursor) would be
  // PostgreSQL's error, so it is checked here against what that column holds.
  const key = (sort.replace(/^-/, '') || 'created') as Exclude<SortKey, 'relevance'>;
  if (v !== null && !cursorValueFits[key]?.(v)) throw refuse('after is the nextCursor of a previous page');
  return { v, id };
}

/**
 * The page after `cursor` in (sort column, id) order. Rows with a value continue by a row
 * comparison; where the column may be null, the nulls (last going up, first going down) follow or
 * precede in id order as a second branch. UNION ALL runs its branches in order, so the first
 * `size` rows of the union are the page.
 */
function keysetPage(rows: SQL, key: Exclude<SortKey, 'relevance'>, desc: boolean, cursor: Cursor, size: number): SQL {
  const column = sortColumns[key];
  const nullable = nullableSorts.has(key);
  const id = sql`${cursor.id}::uuid`;
  const branch = (where: SQL, order: SQL) => sql`(${rows} and ${where} order by ${order} limit ${size})`;
  const valuesUp = sql`${column} asc, c.id asc`;
  const valuesDown = sql`${column} desc, c.id desc`;
  let branches: SQL[];
  if (!desc)
    branches =
      cursor.v === null
        ? [branch(sql`${column} is null and c.id > ${id}`, sql`c.id asc`)]
        : [branch(sql`(${column}, c.id) > (${cursor.v}, ${id})`, valuesUp), ...(nullable ? [branch(sql`${column} is null`, sql`c.id asc`)] : [])];
  else
    branches =
      cursor.v === null
        ? [branch(sql`${column} is null and c.id < ${id}`, sql`c.id desc`), branch(sql`${column} is not null`, valuesDown)]
        : [branch(sql`(${column}, c.id) < (${cursor.v}, ${id})`, valuesDown)];
  return sql`select id, v from (${sql.join(branches, sql` union all `)}) p limit ${size}`;
}

/** ORDER BY for a list's `sort` parameter outside a search (export keeps the list's order). */
export function orderOf(sort: string | undefined): SQL {
  const [key, desc] = sortOf({ sort } as CustomerQuery, false);
  const direction = desc ? sql`desc` : sql`asc`;
  return sql`${sortColumns[key as Exclude<SortKey, 'relevance'>]} ${direction}, c.id ${direction}`;
}

/** The sort key and direction: as asked, else best match first for a search, else newest first. */
function sortOf(query: CustomerQuery, searching: boolean): [SortKey, boolean] {
  if (!query.sort) return searching ? ['relevance', true] : ['created', true];
  const desc = query.sort.startsWith('-');
  const key = query.sort.replace(/^-/, '') as SortKey;
  if (key === 'relevance' && !searching) return ['created', true];
  return [key, desc];
}
