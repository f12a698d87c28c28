import pg from 'pg';
import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { DIRECT_EXPORT_MAX, fromSystemId, parseCustomerQuery, type BulkAction, type BulkResult } from '@foyer/schema/validation';
import type { Db, DbOrTx } from '../../platform/db/connect.ts';
import { invalid, notFound } from '../../platform/errors.ts';
import { fieldsForQuery, loadFieldDefinitions, type FieldDefinition } from '../custom-fields/customer-repository.ts';
import { matchingIdsSql, orderOf } from './list-repository.ts';
import { assertOwnTags, tagCap, tagsWord } from '../tags/customer-repository.ts';
import type { Actor } from './service.ts';

export type BulkTarget = BulkAction['target'];

const uuidArray = (ids: string[]) => sql`${`{${ids.join(',')}}`}::uuid[]`;

/** What applying an action to some customers did (a whole target, or one batch of a job). */
export type BulkCounts = { matched: number; changed: number; capped: number };

/** What an action needs that is checked once, before it runs or is queued. */
export type PreparedAction = { action: BulkAction['action']; listName?: string };

/** A field of the export's columns: its id (values are keyed by it) and key (the column's name). */
export type ExportField = Pick<FieldDefinition, 'id' | 'key'>;

export const bulkResultOf = ({ matched, changed, capped }: BulkCounts, cap: number): BulkResult => ({
  matched,
  changed,
  skipped: capped ? [{ reason: `at the cap of ${tagsWord(cap)} per customer`, count: capped }] : [],
});

/**
 * L5: actions on chosen customers or on everything a list query matches, as set-based SQL (a
 * segment of a million customers is tagged without loading it), with an audit row per customer
 * changed. Chosen ids run here, in the request; a list query runs as a job (jobs.ts) that applies
 * the same statements to one batch of its snapshot per step.
 */
export class CustomerBulkService {
  constructor(private readonly db: Db) {}

  /** `select c.id …` of the target: the chosen ids of this organization, or the query's matches. */
  async targetSql(actor: Actor, target: BulkTarget, fields?: FieldDefinition[], db: DbOrTx = this.db): Promise<SQL> {
    if ('ids' in target) return sql`select c.id from customers c where c.org_id = ${actor.orgId} and c.id = any(${uuidArray(target.ids.map(fromSystemId))})`;
    const parsed = parseCustomerQuery(new URLSearchParams(target.query));
    if (!parsed.ok)
      throw invalid(
        'Not a valid list query',
        parsed.issues.map((i) => ({ ...i, field: `target.query.${i.field}` })),
      );
    return matchingIdsSql(db, actor.orgId, parsed.query, {
      fields: fields ?? (await fieldsForQuery(db, actor.orgId, parsed.query)),
      country: actor.defaultCountry,
    });
  }

  /** Refuses tags that are not the organization's and a list that is not (404). */
  async prepare(actor: Actor, action: BulkAction['action'], db: DbOrTx = this.db): Promise<PreparedAction> {
    if (action.type !== 'addToList') {
      await assertOwnTags(db, actor.orgId, action.tagIds, 'action.tagIds');
      return { action };
    }
    const list = await db.execute<{ name: string }>(sql`select name from marketing_lists where org_id = ${actor.orgId} and id = ${action.listId}`);
    if (!list.rows[0]) throw notFound('Marketing list');
    return { action, listName: list.rows[0].name };
  }

  /** The organization's cap of tags per customer (T1). */
  tagCap(orgId: string, db: DbOrTx = this.db): Promise<number> {
    return tagCap(db, orgId);
  }

  /** Chosen customers, in the request. (A list query is a job: see jobs.ts.) */
  async run(actor: Actor, { target, action }: BulkAction): Promise<BulkResult> {
    const prepared = await this.prepare(actor, action);
    const targetIds = await this.targetSql(actor, target);
    const cap = await tagCap(this.db, actor.orgId);
    return bulkResultOf(await this.apply(this.db, actor, prepared, targetIds, cap), cap);
  }

  /**
   * Applies the action to the customers `targetIds` selects (`select id …`), in `db` (a job's
   * step passes its transaction, so a batch, its audit rows and the checkpoint commit together).
   * Tags or a list deleted since `prepare` are left out rather than failing the statement.
   */
  async apply(db: DbOrTx, actor: Actor, { action, listName }: PreparedAction, targetIds: SQL, cap: number): Promise<BulkCounts> {
    const audit = (changes: SQL) =>
      sql`insert into audit_log (org_id, actor_user_id, entity_type, entity_id, action, changes)
          select ${actor.orgId}::uuid, ${actor.userId}::uuid, 'customer', customer_id, 'updated', ${changes}`;

    if (action.type === 'addTags') {
      // Each customer gains the tags it lacks, in order, until the cap (T1: the organization's, or MAX_TAGS_PER_CUSTOMER).
      const result = await db.execute<BulkCounts>(sql`
        with target as (${targetIds}),
        pairs as (
          select t.id as customer_id, tag.id as tag_id,
                 row_number() over (partition by t.id order by tag.ord) as nth,
                 (select count(*) from customer_tags ct where ct.customer_id = t.id) as have
          from target t cross join unnest(${uuidArray(action.tagIds)}) with ordinality as tag(id, ord)
          where exists (select 1 from tags tg where tg.id = tag.id and tg.org_id = ${actor.orgId})
            and not exists (select 1 from customer_tags ct where ct.customer_id = t.id and ct.tag_id = tag.id)),
        allowed as (select customer_id, tag_id from pairs where have + nth <= ${cap}::int),
        added as (
          insert into customer_tags (org_id, customer_id, tag_id) select ${actor.orgId}, customer_id, tag_id from allowed
          on conflict do nothing returning customer_id, tag_id),
        audited as (
          ${audit(
            tagChange(
              sql`select ct.tag_id from customer_tags ct where ct.customer_id = changed.customer_id`,
              sql`select ct.tag_id from customer_tags ct where ct.customer_id = changed.customer_id
                  union select a.tag_id from added a where a.customer_id = changed.customer_id`,
            ),
          )}
          from (select distinct customer_id from added) changed
          returning 1)
        select (select count(*) from target)::int as matched, (select count(*) from audited)::int as changed,
               (select count(distinct customer_id) from pairs p where have + nth > ${cap}::int)::int as capped`);
      return result.rows[0]!;
    }

    if (action.type === 'removeTags') {
      const result = await db.execute<BulkCounts>(sql`
        with target as (${targetIds}),
        removed as (
          delete from customer_tags ct using target t
          where ct.org_id = ${actor.orgId} and ct.customer_id = t.id and ct.tag_id = any(${uuidArray(action.tagIds)})
          returning ct.customer_id, ct.tag_id),
        audited as (
          ${audit(
            tagChange(
              sql`select ct.tag_id from customer_tags ct where ct.customer_id = changed.customer_id`,
              sql`select ct.tag_id from customer_tags ct where ct.customer_id = changed.customer_id
                  except select r.tag_id from removed r where r.customer_id = changed.customer_id`,
            ),
          )}
          from (select distinct customer_id from removed) changed
          returning 1)
        select (select count(*) from target)::int as matched, (select count(*) from audited)::int as changed, 0 as capped`);
      return result.rows[0]!;
    }

    const result = await db.execute<BulkCounts>(sql`
      with target as (${targetIds}),
      joined as (
        insert into marketing_list_members (org_id, list_id, customer_id)
        select ${actor.orgId}, ${action.listId}, id from target
        where exists (select 1 from marketing_lists l where l.id = ${action.listId} and l.org_id = ${actor.orgId})
        on conflict do nothing returning customer_id),
      audited as (
        ${audit(sql`jsonb_build_object('marketingLists', jsonb_build_object('before', null, 'after', ${`added to ${listName}`}::text))`)}
        from joined returning 1)
      select (select count(*) from target)::int as matched, (select count(*) from audited)::int as changed, 0 as capped`);
    return result.rows[0]!;
  }

  /** Whether a list query matches more customers than GET export.csv streams (DIRECT_EXPORT_MAX). */
  async tooManyToStream(actor: Actor, target: BulkTarget): Promise<boolean> {
    if ('ids' in target) return false;
    const targetIds = await this.targetSql(actor, target);
    const { rows } = await this.db.execute<{ n: number }>(sql`select count(*)::int as n from (${targetIds} limit ${DIRECT_EXPORT_MAX + 1}) t`);
    return rows[0]!.n > DIRECT_EXPORT_MAX;
  }

  /**
   * I2: the target as CSV, streamed through a server-side cursor in batches, so the rows never sit
   * in memory. `write` resolves when the client has taken the chunk (back-pressure). For chosen
   * ids and queries of at most a page; a segment is exported by a job (jobs.ts).
   */
  async exportCsv(actor: Actor, target: BulkTarget, sort: string | undefined, write: (chunk: string) => Promise<void>, aborted: () => boolean) {
    const fields = await loadFieldDefinitions(this.db, actor.orgId);
    const targetIds = await this.targetSql(actor, target, fields);
    const query = new PgDialect().sqlToQuery(sql`
      select ${exportColumns} from customers c where c.id in (${targetIds}) order by ${orderOf(sort)}`);

    await write(csvHeader(fields));

    const client: pg.PoolClient = await this.db.$client.connect();
    try {
      await client.query('begin read only');
      await client.query({ text: `declare export_cursor no scroll cursor for ${query.sql}`, values: query.params });
      for (;;) {
        if (aborted()) break;
        const { rows } = await client.query('fetch 2000 from export_cursor');
        if (rows.length === 0) break;
        await write(csvRows(rows, fields));
      }
      await client.query('commit');
    } catch (error) {
      await client.query('rollback').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }
}

/**
 * A bulk tag change in a customer's history as a single edit writes it: the tag names before and
 * after, in the profile's order (built-in first, then by name). The statement's other parts see
 * the tags as they were before it (PostgreSQL runs a WITH query on one snapshot), so `before`
 * reads customer_tags as it is and `after` adds or takes away what the statement changed.
 */
const tagChange = (before: SQL, after: SQL) => {
  const names = (ids: SQL) => sql`(select coalesce(jsonb_agg(tg.name order by tg.builtin desc, tg.name), '[]'::jsonb) from tags tg where tg.id in (${ids}))`;
  return sql`jsonb_build_object('tags', jsonb_build_object('before', ${names(before)}, 'after', ${names(after)}))`;
};

/** The export's columns of a customer `c`: the same for a streamed export and a job's batches. */
export const exportColumns = sql`
  c.id, c.customer_number, c.first_name, c.last_name, c.primary_email,
  (select string_agg(e.address, '; ' order by e.position) from customer_emails e where e.customer_id = c.id) as emails,
  c.primary_phone,
  (select string_agg(p.e164, '; ' order by p.position) from customer_phones p where p.customer_id = c.id and p.position is not null) as phones,
  -- One address a cell part: "billing: 1 Acme Way, Floor 2, EC1 1AA London, Greater London, GB".
  (select string_agg(a.purpose || ': ' || concat_ws(', ', a.line1, a.line2, nullif(concat_ws(' ', a.postal_code, a.city), ''), a.region, a.country), '; ' order by a.position)
     from customer_addresses a where a.customer_id = c.id) as addresses,
  c.language, c.source, c.status, c.lifecycle_stage, c.total_spent_cents, c.clv_cents,
  c.marketing_consent, c.consent_at, c.consent_method,
  c.date_of_birth::text as date_of_birth, -- YYYY-MM-DD (pg's own parser would make it a Date of local midnight)
  c.company_name, c.external_id,
  (select string_agg(t.name, '; ' order by t.name) from customer_tags ct join tags t on t.id = ct.tag_id where ct.customer_id = c.id) as tags,
  (select string_agg(co.name, '; ' order by co.name) from customer_companies cc join companies co on co.id = cc.company_id where cc.customer_id = c.id) as companies,
  (select jsonb_object_agg(v.field_id, v.value_text) from custom_field_values v where v.customer_id = c.id) as custom,
  c.created_at`;

/** The header line: fixed columns, then one per custom field (in the fields' order). */
export function csvHeader(fields: ExportField[]): string {
  return csvLine([
    'id',
    'customer_number',
    'first_name',
    'last_name',
    'primary_email',
    'emails',
    'primary_phone',
    'phones',
    'addresses',
    'language',
    'source',
    'status',
    'lifecycle_stage',
    'total_spent',
    'clv',
    'marketing_consent',
    'consent_at',
    'consent_method',
    'date_of_birth',
    'company_name',
    'external_id',
    'tags',
    'companies',
    ...fields.map((f) => `custom_${f.key}`),
    'created_at',
  ]);
}

/**
 * Rows of `exportColumns` as CSV lines. Times come as Dates from pg's own parser (a cursor on a
 * pool client) or as PostgreSQL's text (drizzle's queries keep it): both are written as the same
 * ISO time.
 */
export const csvRows = (rows: Record<string, unknown>[], fields: ExportField[]): string => rows.map((r) => csvLine(exportRow(r as ExportRow, fields))).join('');

const parseTimestamptz = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ) as (text: string) => Date;

type ExportRow = Record<string, unknown> & { custom: Record<string, string> | null };

function exportRow(r: ExportRow, fields: ExportField[]): unknown[] {
  const money = (cents: unknown) => (Number(cents) / 100).toFixed(2);
  const time = (d: unknown) => (d instanceof Date ? d.toISOString() : typeof d === 'string' ? parseTimestamptz(d).toISOString() : d);
  return [
    String(r.id).replaceAll('-', ''),
    r.customer_number,
    r.first_name,
    r.last_name,
    r.primary_email,
    r.emails,
    r.primary_phone,
    r.phones,
    r.addresses,
    r.language,
    r.source,
    r.status,
    r.lifecycle_stage,
    money(r.total_spent_cents),
    money(r.clv_cents),
    r.marketing_consent ? 'yes' : 'no',
    time(r.consent_at),
    r.consent_method,
    r.date_of_birth,
    r.company_name,
    r.external_id,
    r.tags,
    r.companies,
    ...fields.map((f) => r.custom?.[f.id]),
    time(r.created_at),
  ];
}

/**
 * One CSV line (RFC 4180). A cell that a spreadsheet would run as a formula (=, +, -, @, tab, CR
 * at the start) is prefixed with a quote mark: exports must not carry formula injection.
 */
export function csvLine(cells: unknown[]): string {
  return `${cells
    .map((cell) => {
      if (cell === null || cell === undefined) return '';
      let text = String(cell);
      if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
      return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
    })
    .join(',')}\r\n`;
}
