import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { ImportCounts, ImportMappingParsed, ImportRowError, MatchAction } from '@foyer/schema/validation';
import type { ImportedCustomer, RowResult } from './mapping.ts';

/**
 * I1: writes one batch of converted rows, set-based: matches them against the organization's
 * customers (customer number, external id, any email, case-insensitive), merges rows of the batch
 * that are the same person, COPYs what is to be written into a staging table and creates or
 * updates with a few statements. All inside the caller's transaction (the job's step), so a
 * batch is written whole or not at all.
 */

export type BatchRow = { line: number; values: string[]; result: RowResult };
export type RowOutcome = {
  line: number;
  outcome: 'new' | 'match' | 'duplicate' | 'error';
  customer: ImportedCustomer | null;
  matchId: string | null;
  errors: ImportRowError[];
};
export type FailedRow = { line: number; values: string[]; error: ImportRowError };

const SEP = '\x1f';

/** A row of COPY's text format: tabs between, \N for null, backslash escapes. */
function copyLine(cells: Array<string | number | boolean | null | undefined>): string {
  let out = '';
  for (let i = 0; i < cells.length; i++) {
    const v = cells[i];
    if (i) out += '\t';
    if (v === null || v === undefined) out += '\\N';
    else {
      const s = String(v);
      out += /[\\\t\n\r]/.test(s) ? s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : s;
    }
  }
  return out + '\n';
}

/** Fills what `into` lacks from `from` (a later row of the file about the same person). */
function mergeInto(into: ImportedCustomer, from: ImportedCustomer): void {
  for (const key of ['firstName', 'lastName', 'customerNumber', 'externalId', 'language', 'dateOfBirth', 'companyName', 'consent'] as const)
    if (into[key] === null && from[key] !== null) (into as Record<string, unknown>)[key] = from[key];
  const emails = new Set(into.emails.map((e) => e.toLowerCase()));
  for (const e of from.emails) if (!emails.has(e.toLowerCase())) into.emails.push(e);
  const phones = new Set(into.phones.map((p) => p.e164));
  for (const p of from.phones) if (!phones.has(p.e164)) into.phones.push(p);
  if (!into.addresses.length) into.addresses = from.addresses;
  into.tags = [...new Set([...into.tags, ...from.tags])];
  into.custom = { ...from.custom, ...into.custom };
}

const keysOf = (c: ImportedCustomer) => [
  ...c.emails.map((e) => `e:${e.toLowerCase()}`),
  ...(c.customerNumber ? [`n:${c.customerNumber}`] : []),
  ...(c.externalId ? [`x:${c.externalId}`] : []),
];

type Group = { line: number; customer: ImportedCustomer; lines: number[]; values: string[] };

/** The client under a drizzle transaction (COPY needs it). */
export type Client = pg.PoolClient | pg.Client;

export type BatchContext = {
  orgId: string;
  importId: string;
  mapping: ImportMappingParsed;
  /** The header, for naming columns in conflicts. */
  columnOf: (target: string) => string | null;
  /** Write nothing (preview, dry run); `seenKeys` then stands in for what earlier batches would have written. */
  dryRun?: { seenKeys: Map<string, string>; createdIds: Set<string> };
};

export type BatchResult = { counts: ImportCounts; failed: FailedRow[]; outcomes: RowOutcome[] };

export async function applyBatch(client: Client, ctx: BatchContext, rows: BatchRow[]): Promise<BatchResult> {
  const counts: ImportCounts = { rows: rows.length, created: 0, matched: 0, updated: 0, skipped: 0, failed: 0, duplicates: 0 };
  const failed: FailedRow[] = [];
  const outcomes = new Map<number, RowOutcome>();
  const fail = (row: { line: number; values: string[] }, errors: ImportRowError[]) => {
    counts.failed++;
    failed.push(...errors.map((error) => ({ line: row.line, values: row.values, error })));
    outcomes.set(row.line, { line: row.line, outcome: 'error', customer: null, matchId: null, errors });
  };

  // 1. Rows of the batch about the same person (an email, the customer number or external id in common) become one.
  const groups: Group[] = [];
  const groupByKey = new Map<string, Group>();
  for (const row of rows) {
    if (!row.result.ok) {
      fail(row, row.result.errors);
      continue;
    }
    const customer = row.result.customer;
    const keys = keysOf(customer);
    const group = keys.map((k) => groupByKey.get(k)).find(Boolean);
    if (group) {
      mergeInto(group.customer, customer);
      group.lines.push(row.line);
      counts.duplicates++;
      outcomes.set(row.line, { line: row.line, outcome: 'duplicate', customer, matchId: null, errors: [] });
    } else {
      const g = { line: row.line, customer, lines: [row.line], values: row.values };
      groups.push(g);
      outcomes.set(row.line, { line: row.line, outcome: 'new', customer, matchId: null, errors: [] });
    }
    const owner = group ?? groups.at(-1)!;
    for (const k of keysOf(owner.customer)) if (!groupByKey.has(k)) groupByKey.set(k, owner);
  }

  // 2. Who they match among existing customers.
  const emails = new Set<string>();
  const numbers = new Set<string>();
  const externals = new Set<string>();
  for (const g of groups) {
    for (const e of g.customer.emails) emails.add(e.toLowerCase());
    if (g.customer.customerNumber) numbers.add(g.customer.customerNumber);
    if (g.customer.externalId) externals.add(g.customer.externalId);
  }
  const holder = new Map<string, { id: string; number: string }>();
  const lookups: Array<[string, string, string[]]> = [
    [
      'n:',
      `select c.customer_number as key, c.id, c.customer_number as number from customers c where c.org_id = $1 and c.customer_number = any($2::text[])`,
      [...numbers],
    ],
    [
      'x:',
      `select c.external_id as key, c.id, c.customer_number as number from customers c where c.org_id = $1 and c.external_id = any($2::text[])`,
      [...externals],
    ],
    [
      'e:',
      `select lower(e.address) as key, c.id, c.customer_number as number from customer_emails e join customers c on c.id = e.customer_id
        where e.org_id = $1 and lower(e.address) collate "C" = any($2::text[])`,
      [...emails],
    ],
  ];
  for (const [prefix, query, keys] of lookups) {
    if (!keys.length) continue;
    const { rows: found } = await client.query<{ key: string; id: string; number: string }>(query, [ctx.orgId, keys]);
    for (const f of found) if (!holder.has(prefix + f.key)) holder.set(prefix + f.key, { id: f.id, number: f.number });
  }
  const seen = ctx.dryRun?.seenKeys;
  const matchedIds = new Set<string>();
  const decided: Array<{ group: Group; action: 'create' | 'update' | 'merge'; id: string | null }> = [];
  for (const g of groups) {
    const hits = new Map<string, { key: string; number: string }>();
    for (const k of keysOf(g.customer)) {
      const h = holder.get(k) ?? (seen?.has(k) ? { id: seen.get(k)!, number: '(earlier in this file)' } : undefined);
      if (h && !hits.has(h.id)) hits.set(h.id, { key: k, number: h.number });
    }
    if (hits.size > 1) {
      // Two customers claim this row: an email of one and the customer number (or another email) of the other.
      const [a, b] = [...hits.values()];
      const what = (k: string) =>
        k.startsWith('e:') ? `the email ${k.slice(2)}` : k.startsWith('n:') ? `customer number ${k.slice(2)}` : `external id ${k.slice(2)}`;
      const column = (k: string) => ctx.columnOf(k.startsWith('e:') ? 'email' : k.startsWith('n:') ? 'customerNumber' : 'externalId');
      for (const line of g.lines)
        fail({ line, values: line === g.line ? g.values : [] }, [
          {
            line,
            column: column(b!.key),
            reason: `${what(a!.key)} belongs to customer ${a!.number} and ${what(b!.key)} to customer ${b!.number}: the row cannot be both`,
          },
        ]);
      counts.duplicates -= g.lines.length - 1;
      continue;
    }
    const [id] = [...hits.keys()];
    if (id) {
      matchedIds.add(id);
      decided.push({ group: g, action: 'update', id });
    } else decided.push({ group: g, action: 'create', id: null });
  }
  // A match created by this same import (an earlier batch) is a repeat within the file: merge it.
  if (matchedIds.size && !ctx.dryRun) {
    const { rows: mine } = await client.query<{ customer_id: string }>(
      `select customer_id from customer_import_effects where import_id = $1 and customer_id = any($2::uuid[]) and action = 'created'`,
      [ctx.importId, [...matchedIds]],
    );
    const created = new Set(mine.map((r) => r.customer_id));
    for (const d of decided) if (d.id && created.has(d.id)) d.action = 'merge';
  }
  if (ctx.dryRun) for (const d of decided) if (d.id && ctx.dryRun.createdIds.has(d.id)) d.action = 'merge';

  const onMatch: MatchAction = ctx.mapping.onMatch;
  const write: Array<{ group: Group; action: 'create' | 'update' | 'merge'; id: string; mode: 'fill' | 'overwrite' }> = [];
  for (const d of decided) {
    const o = outcomes.get(d.group.line)!;
    if (d.action === 'create') {
      counts.created++;
      const id = crypto.randomUUID();
      write.push({ group: d.group, action: 'create', id, mode: 'fill' });
      if (seen) {
        for (const k of keysOf(d.group.customer)) seen.set(k, id);
        ctx.dryRun!.createdIds.add(id);
      }
      continue;
    }
    o.matchId = d.id;
    if (d.action === 'merge') {
      o.outcome = 'duplicate';
      counts.duplicates++;
      write.push({ group: d.group, action: 'merge', id: d.id!, mode: 'fill' });
      continue;
    }
    o.outcome = 'match';
    counts.matched++;
    if (onMatch === 'skip') counts.skipped++;
    else {
      counts.updated++;
      write.push({ group: d.group, action: 'update', id: d.id!, mode: onMatch });
    }
  }
  const result = { counts, failed, outcomes: [...outcomes.values()].sort((a, b) => a.line - b.line) };
  if (ctx.dryRun || write.length === 0) return result;

  // 3. COPY into a staging table, then set-based statements.
  await client.query(`create temp table if not exists import_stage (
      line int, action text, mode text, id uuid, first_name text, last_name text, emails text, phones_e164 text, phones_raw text,
      customer_number text, external_id text, language text, source text, date_of_birth date, company_name text,
      consent_given boolean, consent_at timestamptz, addresses jsonb, tags text, custom jsonb) on commit delete rows`);
  const lines = write.map(({ group: { line, customer: c }, action, id, mode }) =>
    copyLine([
      line,
      action,
      mode,
      id,
      c.firstName,
      c.lastName,
      c.emails.join(SEP),
      c.phones.map((p) => p.e164).join(SEP),
      c.phones.map((p) => p.raw.replaceAll(SEP, ' ')).join(SEP),
      c.customerNumber,
      c.externalId,
      c.language,
      c.source,
      c.dateOfBirth,
      c.companyName,
      c.consent?.given ?? null,
      c.consent?.at ?? null,
      c.addresses.length ? JSON.stringify(c.addresses) : null,
      c.tags.join(SEP),
      Object.keys(c.custom).length ? JSON.stringify(c.custom) : null,
    ]),
  );
  await pipeline(Readable.from(chunk(lines)), client.query(copyFrom('copy import_stage from stdin')));
  await writeStage(client, ctx);
  return result;
}

function* chunk(lines: string[]): Generator<string> {
  let buffer = '';
  for (const l of lines) {
    buffer += l;
    if (buffer.length > 1 << 16) {
      yield buffer;
      buffer = '';
    }
  }
  if (buffer) yield buffer;
}

const NEW = `action = 'create'`;
const OLD = `action in ('update', 'merge')`;

/** The customer columns an import writes, as (column, expression over the staging row s). */
const COLUMNS = [
  'first_name',
  'last_name',
  'customer_number',
  'external_id',
  'language',
  'date_of_birth',
  'company_name',
  'marketing_consent',
  'consent_at',
  'consent_method',
] as const;

async function writeStage(client: Client, ctx: BatchContext): Promise<void> {
  const q = (text: string, params: unknown[] = []) => client.query(text, params);
  const { orgId, importId } = ctx;
  // Tags by name, created when missing (like the API's tag picker).
  await q(
    `insert into tags (org_id, name, color)
     select distinct on (lower(t.name)) $1, t.name, '#6b7280'
       from import_stage s cross join lateral unnest(string_to_array(s.tags, E'\\x1f')) t(name)
      where s.tags <> ''
     on conflict do nothing`,
    [orgId],
  );
  // New customers, their contacts, tags and custom values.
  await q(
    `insert into customers (id, org_id, customer_number, first_name, last_name, external_id, language, source, date_of_birth, company_name,
                            marketing_consent, consent_at, consent_method, primary_email, primary_phone, tag_ids)
     select id, $1, coalesce(customer_number, 'C' || nextval('customer_number_seq')), first_name, last_name, external_id, language, source,
            date_of_birth, company_name, coalesce(consent_given, false),
            case when consent_given is not null then coalesce(consent_at, now()) end, case when consent_given is not null then 'import' end,
            nullif(split_part(emails, E'\\x1f', 1), ''), nullif(split_part(phones_e164, E'\\x1f', 1), ''),
            coalesce((select array_agg(distinct g.id order by g.id) from unnest(string_to_array(s.tags, E'\\x1f')) t(name)
                        join tags g on g.org_id = $1 and lower(g.name) = lower(t.name)), '{}')
       from import_stage s where ${NEW}`,
    [orgId],
  );
  // Their customer_tags rows: the new rows carry tag_ids already, so the mirror's trigger (which
  // would write each new customer a second time, a third of a batch's time) is skipped where the
  // role may, as the seed does; otherwise it runs and writes the same arrays.
  const { rows: may } = await q(`select has_parameter_privilege('session_replication_role', 'SET') as ok`);
  if (may[0]?.ok) await q('set local session_replication_role = replica');
  await q(
    `insert into customer_tags (org_id, customer_id, tag_id)
     select distinct $1::uuid, s.id, g.id
       from import_stage s cross join lateral unnest(string_to_array(s.tags, E'\\x1f')) t(name)
       join tags g on g.org_id = $1 and lower(g.name) = lower(t.name)
      where s.tags <> '' and s.${NEW}`,
    [orgId],
  );
  if (may[0]?.ok) await q('set local session_replication_role = origin');
  await q(
    `insert into customer_import_effects (import_id, org_id, customer_id, line, action)
     select $1, $2, id, line, 'created' from import_stage where ${NEW}`,
    [importId, orgId],
  );
  // Matches: the values they had, for undo, then fill or overwrite.
  await q(
    `insert into customer_import_effects (import_id, org_id, customer_id, line, action, before)
     select $1, $2, c.id, s.line, 'updated', jsonb_build_object(${COLUMNS.map((c) => `'${c}', c.${c}`).join(', ')})
       from import_stage s join customers c on c.id = s.id and c.org_id = $2
      where s.action = 'update'
     on conflict do nothing`,
    [importId, orgId],
  );
  const set = (col: string, value: string) => `${col} = case when s.mode = 'overwrite' then coalesce(${value}, c.${col}) else coalesce(c.${col}, ${value}) end`;
  await q(
    `update customers c set ${[
      set('first_name', 's.first_name'),
      set('last_name', 's.last_name'),
      set('external_id', 's.external_id'),
      set('language', 's.language'),
      set('date_of_birth', 's.date_of_birth'),
      set('company_name', 's.company_name'),
    ].join(', ')},
       marketing_consent = case when s.consent_given is not null and (s.mode = 'overwrite' or c.consent_at is null) then s.consent_given else c.marketing_consent end,
       consent_at = case when s.consent_given is not null and (s.mode = 'overwrite' or c.consent_at is null) then coalesce(s.consent_at, now()) else c.consent_at end,
       consent_method = case when s.consent_given is not null and (s.mode = 'overwrite' or c.consent_at is null) then 'import' else c.consent_method end,
       -- A repeat of a row this import created is the import's own doing: undo must still see the customer as untouched.
       updated_at = case when s.action = 'merge' then c.updated_at else now() end
      from import_stage s where s.${OLD} and c.id = s.id and c.org_id = $1`,
    [orgId],
  );
  // Emails: a new customer's in order; a match gets those nobody holds yet, after its own.
  await q(
    `with added as (
       insert into customer_emails (org_id, customer_id, address, position)
       select $1, s.id, e.address,
              case when s.${NEW} then e.n - 1
                   else coalesce((select max(position) + 1 from customer_emails x where x.customer_id = s.id), 0) + e.n - 1 end
         from import_stage s cross join lateral unnest(string_to_array(s.emails, E'\\x1f')) with ordinality e(address, n)
        where s.emails <> ''
       on conflict do nothing
       returning customer_id, address)
     update customer_import_effects f set added_emails = a.list
       from (select customer_id, array_agg(address) list from added group by 1) a
      where f.import_id = $2 and f.customer_id = a.customer_id and f.action = 'updated'`,
    [orgId, importId],
  );
  await q(
    `with added as (
       insert into customer_phones (org_id, customer_id, e164, raw, position)
       select $1, s.id, p.e164, coalesce(r.raw, p.e164),
              case when s.${NEW} then p.n - 1
                   else coalesce((select max(position) + 1 from customer_phones x where x.customer_id = s.id), 0) + p.n - 1 end
         from import_stage s
         cross join lateral unnest(string_to_array(s.phones_e164, E'\\x1f')) with ordinality p(e164, n)
         left join lateral unnest(string_to_array(s.phones_raw, E'\\x1f')) with ordinality r(raw, n) on r.n = p.n
        where s.phones_e164 <> ''
          and (s.${NEW} or not exists (select 1 from customer_phones x where x.customer_id = s.id and x.e164 = p.e164 and x.position is not null))
       returning customer_id, e164)
     update customer_import_effects f set added_phones = a.list
       from (select customer_id, array_agg(e164) list from added group by 1) a
      where f.import_id = $2 and f.customer_id = a.customer_id and f.action = 'updated'`,
    [orgId, importId],
  );
  await q(
    `update customers c set primary_email = coalesce(c.primary_email, (select address from customer_emails e where e.customer_id = c.id order by position limit 1)),
            primary_phone = coalesce(c.primary_phone, (select e164 from customer_phones p where p.customer_id = c.id and p.position is not null order by position limit 1))
       from import_stage s where s.${OLD} and c.id = s.id and (c.primary_email is null or c.primary_phone is null)`,
  );
  // Addresses: a new customer's; a match without any gets the row's.
  await q(
    `insert into customer_addresses (org_id, customer_id, purpose, line1, line2, city, region, postal_code, country, position)
     select $1, s.id, (a.v->>'purpose')::address_purpose, a.v->>'line1', a.v->>'line2', a.v->>'city', a.v->>'region', a.v->>'postalCode', a.v->>'country', a.n - 1
       from import_stage s cross join lateral jsonb_array_elements(s.addresses) with ordinality a(v, n)
      where s.addresses is not null
        and (s.${NEW} or not exists (select 1 from customer_addresses x where x.customer_id = s.id))`,
    [orgId],
  );
  // Tags of customers that existed: through the mirror trigger, as any writer's.
  await q(
    `insert into customer_tags (org_id, customer_id, tag_id)
     select distinct $1::uuid, s.id, g.id
       from import_stage s cross join lateral unnest(string_to_array(s.tags, E'\\x1f')) t(name)
       join tags g on g.org_id = $1 and lower(g.name) = lower(t.name)
      where s.tags <> '' and s.${OLD}
     on conflict do nothing`,
    [orgId],
  );
  await q(
    `insert into custom_field_values (org_id, customer_id, field_id, value_text, value_number, value_date, value_bool)
     select $1, s.id, f.id, v.value->>'text', (v.value->>'number')::float8, (v.value->>'date')::date, (v.value->>'bool')::boolean
       from import_stage s cross join lateral jsonb_each(s.custom) v
       join custom_fields f on f.org_id = $1 and f.key = v.key
      where s.custom is not null
     on conflict (customer_id, field_id) do update set value_text = excluded.value_text, value_number = excluded.value_number,
        value_date = excluded.value_date, value_bool = excluded.value_bool
      where (select mode from import_stage s2 where s2.id = custom_field_values.customer_id limit 1) = 'overwrite'`,
    [orgId],
  );
  await q('truncate import_stage');
}
