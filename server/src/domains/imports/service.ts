import { sql } from 'drizzle-orm';
import { z } from 'zod';
import {
  IMPORT_MAX_UPLOAD_BYTES,
  ImportCountsSchema,
  ImportMappingSchema,
  emptyImportCounts,
  type FieldIssue,
  type Import,
  type ImportCounts,
  type ImportMappingParsed,
  type ImportPreview,
  type ImportUploadResult,
  type JobRun,
} from '@foyer/schema/validation';
import type { Db, DbOrTx } from '../../platform/db/connect.ts';
import { AppError, invalid, notFound } from '../../platform/errors.ts';
import { defineJob, enqueue, getJobRun } from '../../platform/jobs.ts';
import { writeEvent, type Tx } from '../../platform/outbox.ts';
import { csvLine } from '../customers/bulk-service.ts';
import type { Actor } from '../customers/service.ts';
import { loadFieldDefinitions } from '../custom-fields/customer-repository.ts';
import { applyBatch, type BatchRow, type Client } from './batch.ts';
import { inspectFile, type FileSource } from './inspect.ts';
import { RowConverter } from './mapping.ts';
import { ImportFileError, readRecords, type Delimiter, type Encoding } from './reader.ts';

/** Rows per step of the job: one COPY and a dozen statements, well under a second. */
export const IMPORT_BATCH = 5000;
/** Rows the preview shows. */
export const PREVIEW_ROWS = 100;
const CHUNK_BYTES = 1024 * 1024;

type ImportRow = {
  id: string;
  org_id: string;
  file_name: string;
  bytes: string | number;
  encoding: Encoding;
  delimiter: Delimiter;
  format: Import['format'];
  headers: string[];
  mapping: ImportMappingParsed | null;
  status: Import['status'];
  counts: ImportCounts | null;
  job_id: string | null;
  created_by: string | null;
  creator: string | null;
  created_at: Date | string;
  finished_at: Date | string | null;
  undo: Import['undo'];
};

const toImport = (r: ImportRow): Import => ({
  id: r.id,
  fileName: r.file_name,
  bytes: Number(r.bytes),
  encoding: r.encoding,
  delimiter: r.delimiter,
  format: r.format,
  headers: r.headers,
  mapping: r.mapping,
  status: r.status,
  counts: r.counts,
  jobId: r.job_id,
  createdBy: r.created_by ? { userId: r.created_by, name: r.creator ?? 'A colleague' } : null,
  createdAt: new Date(r.created_at).toISOString(),
  finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null,
  undo: r.undo,
});

async function findImport(db: DbOrTx, orgId: string, id: string): Promise<ImportRow | undefined> {
  const { rows } = await db.execute<ImportRow>(sql`
    select i.*, u.name as creator from customer_imports i left join users u on u.id = i.created_by
     where i.org_id = ${orgId} and i.id = ${id}`);
  return rows[0];
}

/** The stored upload, read back in order, a few parts per query. */
export function storedFile(db: Db, importId: string): FileSource {
  return async function* () {
    let next = -1;
    for (;;) {
      const { rows } = await db.execute<{ seq: number; data: Buffer }>(
        sql`select seq, data from customer_import_chunks where import_id = ${importId} and seq > ${next} order by seq limit 4`,
      );
      if (!rows.length) return;
      for (const r of rows) {
        yield r.data;
        next = r.seq;
      }
    }
  };
}

/** The pg client under a drizzle transaction (COPY needs it). */
const clientOf = (tx: Tx): Client => (tx as unknown as { session: { client: Client } }).session.client;

const fileError = (e: unknown) =>
  e instanceof ImportFileError ? new AppError(400, e.code, e.message, [{ field: e.line ? `line ${e.line}` : 'file', message: e.message }]) : e;

/** Is the mapping one this file and organization can run? Issues name the column. */
function checkMapping(mapping: ImportMappingParsed, headers: string[], converter: RowConverter): void {
  const issues: FieldIssue[] = [];
  if (mapping.columns.length !== headers.length)
    issues.push({ field: 'mapping.columns', message: `The file has ${headers.length} columns; the mapping names ${mapping.columns.length}` });
  mapping.columns.forEach((c, i) => {
    if (headers[i] !== undefined && c.header !== headers[i])
      issues.push({ field: `mapping.columns.${i}.header`, message: `Column ${i + 1} of the file is "${headers[i]}", not "${c.header}"` });
  });
  for (const issue of converter.mappingIssues()) issues.push({ field: `mapping.${issue.path.join('.')}`, message: issue.message });
  if (!mapping.columns.some((c) => c.target)) issues.push({ field: 'mapping.columns', message: 'Map at least one column to a customer field' });
  if (issues.length) throw invalid(issues[0]!.message, issues);
}

const ActorSchema = z.object({ userId: z.uuid().nullable(), defaultCountry: z.string() });

/**
 * `customers.import`: reads the stored file from the top, skips the records its checkpoint says
 * are done, and writes IMPORT_BATCH rows per step (the batch, its row errors, the outbox event and
 * the checkpoint commit together: a resumed run never writes a row twice). A dry run writes
 * nothing and returns the counts.
 */
export const importJob = defineJob({
  kind: 'customers.import',
  payload: z.object({ importId: z.uuid(), dryRun: z.boolean(), actor: ActorSchema }),
  checkpoint: z.object({ records: z.number().int(), counts: ImportCountsSchema }),
  queue: (_payload, orgId) => `import:${orgId}`,
  maxAttempts: 5,
  async run(job) {
    const row = await findImport(job.db, job.orgId, job.payload.importId);
    if (!row?.mapping) throw new Error('The import or its mapping is gone');
    const dryRun = job.payload.dryRun;
    const definitions = await loadFieldDefinitions(job.db, job.orgId);
    const converter = new RowConverter(row.mapping, job.payload.actor.defaultCountry, definitions, row.delimiter === ';');
    const columnOf = (target: string) => row.mapping!.columns.find((c) => c.target === target)?.header ?? null;
    let at = job.checkpoint ?? { records: 0, counts: emptyImportCounts() };
    const dryRunState = { seenKeys: new Map<string, string>(), createdIds: new Set<string>() };
    let estimate = 0;
    let batch: BatchRow[] = [];
    let records = 0;
    const started = Date.now();
    const doneBefore = at.records;
    const message = (done: number) => {
      const seconds = (Date.now() - started) / 1000;
      const rate = seconds > 0.5 ? Math.round((done - doneBefore) / seconds) : 0;
      return `${dryRun ? 'Checking' : 'Importing'} rows${rate ? ` · ${rate.toLocaleString('en')} rows/s` : ''}`;
    };
    const flush = async () => {
      if (!batch.length) return;
      const rows = batch;
      batch = [];
      const next = { records: at.records + rows.length, counts: { ...at.counts } };
      const total = Math.max(estimate, next.records);
      if (dryRun) {
        const client = await job.db.$client.connect();
        try {
          const r = await applyBatch(client, { orgId: job.orgId, importId: row.id, mapping: row.mapping!, columnOf, dryRun: dryRunState }, rows);
          add(next.counts, r.counts);
        } finally {
          client.release();
        }
        at = next;
        job.progress({ done: next.records, total, message: message(next.records) });
        return;
      }
      await job.step(async (tx) => {
        const { rows: state } = await tx.execute<{ status: string }>(sql`select status from customer_imports where id = ${row.id} for update`);
        if (state[0]?.status === 'cancelled') throw new ImportCancelled();
        const r = await applyBatch(clientOf(tx), { orgId: job.orgId, importId: row.id, mapping: row.mapping!, columnOf }, rows);
        add(next.counts, r.counts);
        if (r.failed.length)
          await tx.execute(sql`
            insert into customer_import_errors (import_id, org_id, line, "column", reason, "values")
            select ${row.id}, ${job.orgId}, e.line, e.col, e.reason, e.vals
              from jsonb_to_recordset(${JSON.stringify(r.failed.map((f) => ({ line: f.line, col: f.error.column, reason: f.error.reason, vals: f.values })))}::jsonb)
                   as e(line int, col text, reason text, vals jsonb)`);
        if (r.counts.created)
          await writeEvent(tx, {
            orgId: job.orgId,
            name: 'customers.imported',
            payload: { importId: row.id, fromLine: rows[0]!.line, toLine: rows.at(-1)!.line, actorUserId: job.payload.actor.userId },
          });
        await tx.execute(sql`update customer_imports set counts = ${JSON.stringify(next.counts)}::jsonb where id = ${row.id}`);
        at = next;
        return { checkpoint: next, progress: { done: next.records, total, message: message(next.records) } };
      });
    };

    try {
      for await (const record of readRecords(storedFile(job.db, row.id)(), { encoding: row.encoding, delimiter: row.delimiter }, () => {})) {
        records++;
        if (records <= at.records) continue; // committed by an earlier attempt
        if (!estimate) {
          // Rows in the file, estimated from the first row's size: the progress bar's total until the end.
          const rowBytes = record.values.reduce((n, v) => n + v.length + 1, 1);
          estimate = Math.round(Number(row.bytes) / Math.max(rowBytes, 1));
        }
        batch.push({ line: record.line, values: record.values, result: converter.convert(record.line, record.values) });
        if (batch.length >= IMPORT_BATCH) await flush();
      }
      await flush();
    } catch (err) {
      if (!(err instanceof ImportCancelled)) throw err;
      await job.db.execute(sql`update customer_imports set finished_at = now() where id = ${row.id}`);
      return { cancelled: true, counts: at.counts };
    }
    if (!dryRun) {
      await job.step(async (tx) => {
        await tx.execute(sql`
          update customer_imports set status = 'done', counts = ${JSON.stringify(at.counts)}::jsonb, finished_at = now()
           where id = ${row.id} and status = 'running'`);
        return { progress: { done: at.records, total: at.records, message: 'Done' } };
      });
    }
    return { dryRun, counts: at.counts };
  },
});

class ImportCancelled extends Error {}

function add(into: ImportCounts, delta: ImportCounts) {
  for (const k of Object.keys(delta) as (keyof ImportCounts)[]) into[k] += delta[k];
}

export class ImportService {
  constructor(private readonly db: Db) {}

  /**
   * Stores an upload as it arrives (parts of 1 MiB, never the whole file in memory), then reads its
   * encoding, delimiter and header and suggests a mapping. Over `limit` bytes: 413, nothing kept.
   */
  async upload(actor: Actor, fileName: string, body: AsyncIterable<Uint8Array>, limit = IMPORT_MAX_UPLOAD_BYTES): Promise<ImportUploadResult> {
    const { rows } = await this.db.execute<{ id: string }>(sql`
      insert into customer_imports (org_id, file_name, bytes, encoding, delimiter, headers, created_by)
      values (${actor.orgId}, ${fileName.slice(0, 200) || 'customers.csv'}, 0, 'utf8', ',', '[]'::jsonb, ${actor.userId}) returning id`);
    const id = rows[0]!.id;
    try {
      let seq = 0;
      let size = 0;
      let parts: Buffer[] = [];
      let pending = 0;
      const save = async () => {
        if (!pending) return;
        await this.db.execute(
          sql`insert into customer_import_chunks (import_id, org_id, seq, data) values (${id}, ${actor.orgId}, ${seq++}, ${Buffer.concat(parts)})`,
        );
        parts = [];
        pending = 0;
      };
      for await (const chunk of body) {
        size += chunk.length;
        if (size > limit)
          throw new AppError(
            413,
            'file_too_large',
            `The file is over the ${Math.round(limit / 1024 / 1024)} MB limit for uploads; import larger files with the CLI (pnpm foyer import customers FILE, up to 1 GB)`,
          );
        parts.push(Buffer.from(chunk));
        pending += chunk.length;
        if (pending >= CHUNK_BYTES) await save();
      }
      await save();
      const definitions = await loadFieldDefinitions(this.db, actor.orgId);
      const inspection = await inspectFile(storedFile(this.db, id), { customFields: definitions }).catch((e) => {
        throw fileError(e);
      });
      await this.db.execute(sql`
        update customer_imports set bytes = ${size}, encoding = ${inspection.encoding}, delimiter = ${inspection.delimiter}, format = ${inspection.format},
               headers = ${JSON.stringify(inspection.headers)}::jsonb where id = ${id}`);
      return {
        import: toImport((await findImport(this.db, actor.orgId, id))!),
        suggested: inspection.suggested,
        sample: inspection.sample.slice(0, 5).map((r) => r.values),
      };
    } catch (err) {
      await this.db.execute(sql`delete from customer_imports where id = ${id}`);
      throw err;
    }
  }

  async get(orgId: string, id: string): Promise<Import> {
    const row = await findImport(this.db, orgId, id);
    if (!row) throw notFound('Import');
    return toImport(row);
  }

  /** The import history, newest first. */
  async list(orgId: string): Promise<Import[]> {
    const { rows } = await this.db.execute<ImportRow>(sql`
      select i.*, u.name as creator from customer_imports i left join users u on u.id = i.created_by
       where i.org_id = ${orgId} order by i.created_at desc limit 100`);
    return rows.map(toImport);
  }

  /** Sets how to read the file (an encoding or delimiter the user overrides) and the mapping; checked against the file. */
  async configure(actor: Actor, id: string, settings: { encoding?: Encoding; delimiter?: Delimiter; mapping: ImportMappingParsed }): Promise<Import> {
    const row = await findImport(this.db, actor.orgId, id);
    if (!row) throw notFound('Import');
    if (row.status !== 'uploaded')
      throw new AppError(409, 'import_started', 'This import has run already: upload the file again to import it with another mapping');
    const definitions = await loadFieldDefinitions(this.db, actor.orgId);
    let headers = row.headers;
    if ((settings.encoding && settings.encoding !== row.encoding) || (settings.delimiter && settings.delimiter !== row.delimiter)) {
      const inspection = await inspectFile(storedFile(this.db, id), {
        customFields: definitions,
        encoding: settings.encoding ?? row.encoding,
        delimiter: settings.delimiter ?? row.delimiter,
      }).catch((e) => {
        throw fileError(e);
      });
      headers = inspection.headers;
    }
    checkMapping(settings.mapping, headers, new RowConverter(settings.mapping, actor.defaultCountry, definitions, false));
    await this.db.execute(sql`
      update customer_imports set encoding = ${settings.encoding ?? row.encoding}, delimiter = ${settings.delimiter ?? row.delimiter},
             headers = ${JSON.stringify(headers)}::jsonb, mapping = ${JSON.stringify(settings.mapping)}::jsonb
       where id = ${id} and org_id = ${actor.orgId}`);
    return this.get(actor.orgId, id);
  }

  /** The first PREVIEW_ROWS rows as they would land: the customer, the match, the errors. Writes nothing. */
  async preview(actor: Actor, id: string): Promise<ImportPreview> {
    const started = performance.now();
    const row = await findImport(this.db, actor.orgId, id);
    if (!row) throw notFound('Import');
    if (!row.mapping) throw new AppError(409, 'no_mapping', 'Set the mapping first');
    const definitions = await loadFieldDefinitions(this.db, actor.orgId);
    const converter = new RowConverter(row.mapping, actor.defaultCountry, definitions, row.delimiter === ';');
    const batch: BatchRow[] = [];
    for await (const r of readRecords(storedFile(this.db, id)(), { encoding: row.encoding, delimiter: row.delimiter }, () => {})) {
      batch.push({ line: r.line, values: r.values, result: converter.convert(r.line, r.values) });
      if (batch.length >= PREVIEW_ROWS) break;
    }
    const client = await this.db.$client.connect();
    try {
      const columnOf = (target: string) => row.mapping!.columns.find((c) => c.target === target)?.header ?? null;
      const result = await applyBatch(
        client,
        { orgId: actor.orgId, importId: id, mapping: row.mapping, columnOf, dryRun: { seenKeys: new Map(), createdIds: new Set() } },
        batch,
      );
      const ids = [...new Set(result.outcomes.map((o) => o.matchId).filter((x): x is string => !!x))];
      const { rows: matched } = ids.length
        ? await client.query<{ id: string; customer_number: string; name: string }>(
            `select id, customer_number, trim(coalesce(first_name, '') || ' ' || coalesce(last_name, '')) as name from customers where org_id = $1 and id = any($2::uuid[])`,
            [actor.orgId, ids],
          )
        : { rows: [] };
      const byId = new Map(matched.map((m) => [m.id, m]));
      return {
        rows: result.outcomes.map((o) => ({
          line: o.line,
          outcome: o.outcome,
          customer: o.customer && {
            firstName: o.customer.firstName,
            lastName: o.customer.lastName,
            emails: o.customer.emails,
            phones: o.customer.phones.map((p) => p.e164),
            companyName: o.customer.companyName,
            dateOfBirth: o.customer.dateOfBirth,
            tags: o.customer.tags,
          },
          match: o.matchId && byId.get(o.matchId) ? { customerNumber: byId.get(o.matchId)!.customer_number, name: byId.get(o.matchId)!.name } : null,
          errors: o.errors,
        })),
        ms: Math.round(performance.now() - started),
      };
    } finally {
      client.release();
    }
  }

  /** Runs the import (or a dry run of the whole file) as a job: 202 with the job. */
  async run(actor: Actor, id: string, dryRun: boolean): Promise<JobRun> {
    return this.db.transaction(async (tx) => {
      const row = await findImport(tx, actor.orgId, id);
      if (!row) throw notFound('Import');
      if (!row.mapping) throw new AppError(409, 'no_mapping', 'Set the mapping first');
      if (!dryRun && row.status !== 'uploaded') throw new AppError(409, 'import_started', `This import is ${row.status} already`);
      const { id: jobId } = await enqueue(tx, importJob, {
        orgId: actor.orgId,
        payload: { importId: id, dryRun, actor: { userId: actor.userId, defaultCountry: actor.defaultCountry } },
        singletonKey: `${id}:${dryRun ? 'dry' : 'run'}`,
        createdBy: actor.userId,
      });
      if (!dryRun)
        await tx.execute(
          sql`update customer_imports set status = 'running', job_id = ${jobId}, counts = ${JSON.stringify(emptyImportCounts())}::jsonb where id = ${id}`,
        );
      return (await getJobRun(tx, actor.orgId, jobId))!;
    });
  }

  /** Stops a running import after the batch in progress: the rows it finished stay (undo takes them back). */
  async cancel(actor: Actor, id: string): Promise<Import> {
    const { rowCount } = await this.db.execute(
      sql`update customer_imports set status = 'cancelled' where id = ${id} and org_id = ${actor.orgId} and status = 'running'`,
    );
    if (!rowCount) {
      const row = await this.get(actor.orgId, id);
      throw new AppError(409, 'not_running', `This import is ${row.status}, not running`);
    }
    return this.get(actor.orgId, id);
  }

  /**
   * Takes an import back: removes the customers it created that nobody changed since, puts back
   * the fields it overwrote (and removes the emails and phones it added) where nobody changed the
   * customer since, and says what it left.
   */
  async undo(actor: Actor, id: string): Promise<Import> {
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.execute<{ status: string }>(sql`select status from customer_imports where id = ${id} and org_id = ${actor.orgId} for update`);
      const status = rows[0]?.status;
      if (!status) throw notFound('Import');
      if (status === 'running' || status === 'uploaded' || status === 'undone')
        throw new AppError(
          409,
          'cannot_undo',
          status === 'running' ? 'This import is still running: cancel it first' : `This import is ${status}: nothing to undo`,
        );
      const kept: string[] = [];
      const touched = await tx.execute<{ n: number; numbers: string[] }>(sql`
        select count(*)::int as n, (array_agg(c.customer_number order by c.customer_number))[1:5] as numbers
          from customer_import_effects f join customers c on c.id = f.customer_id
         where f.import_id = ${id} and c.updated_at > f.created_at`);
      const t = touched.rows[0]!;
      if (t.n)
        kept.push(
          `${t.n} customer${t.n === 1 ? ' was' : 's were'} changed after the import and kept as they are (${t.numbers.join(', ')}${t.n > 5 ? ', …' : ''})`,
        );
      const removed = await tx.execute(sql`
        delete from customers c using customer_import_effects f
         where f.import_id = ${id} and f.action = 'created' and c.id = f.customer_id and c.org_id = ${actor.orgId} and c.updated_at <= f.created_at`);
      const sets = ['first_name', 'last_name', 'customer_number', 'external_id', 'language', 'company_name', 'consent_method']
        .map((c) => `${c} = f.before->>'${c}'`)
        .concat([
          `date_of_birth = (f.before->>'date_of_birth')::date`,
          `marketing_consent = (f.before->>'marketing_consent')::boolean`,
          `consent_at = (f.before->>'consent_at')::timestamptz`,
        ]);
      await tx.execute(sql`
        delete from customer_emails e using customer_import_effects f, customers c
         where f.import_id = ${id} and f.action = 'updated' and e.customer_id = f.customer_id and c.id = f.customer_id
           and c.updated_at <= f.created_at and e.address = any(f.added_emails)`);
      await tx.execute(sql`
        delete from customer_phones p using customer_import_effects f, customers c
         where f.import_id = ${id} and f.action = 'updated' and p.customer_id = f.customer_id and c.id = f.customer_id
           and c.updated_at <= f.created_at and p.e164 = any(f.added_phones) and p.position is not null`);
      const reverted = await tx.execute(
        sql.raw(`
        update customers c set ${sets.join(', ')},
               primary_email = (select address from customer_emails e where e.customer_id = c.id order by position limit 1),
               primary_phone = (select e164 from customer_phones p where p.customer_id = c.id and p.position is not null order by position limit 1)
          from customer_import_effects f
         where f.import_id = '${id}' and f.action = 'updated' and c.id = f.customer_id and c.updated_at <= f.created_at`),
      );
      kept.push('Tags, addresses and custom field values the import added to customers that already existed stay');
      const undo = { removed: removed.rowCount ?? 0, reverted: reverted.rowCount ?? 0, kept };
      await tx.execute(sql`update customer_imports set status = 'undone', undo = ${JSON.stringify(undo)}::jsonb where id = ${id}`);
      return toImport((await findImport(tx, actor.orgId, id))!);
    });
  }

  /** The failed rows as a CSV: the file's columns, then the line and the reasons, to fix and import again. */
  async errorsCsv(orgId: string, id: string, write: (text: string) => Promise<void>): Promise<void> {
    const row = await findImport(this.db, orgId, id);
    if (!row) throw notFound('Import');
    await write('\ufeff' + csvLine([...row.headers, 'Line', 'Reason']));
    let after = 0;
    for (;;) {
      const { rows } = await this.db.execute<{ line: number; values: string[]; reasons: string }>(sql`
        select line, (array_agg("values"))[1] as values, string_agg(coalesce("column" || ': ', '') || reason, '; ' order by id) as reasons
          from customer_import_errors where import_id = ${id} and line > ${after} group by line order by line limit 1000`);
      if (!rows.length) return;
      await write(rows.map((r) => csvLine([...row.headers.map((_, i) => r.values[i] ?? ''), r.line, r.reasons])).join(''));
      after = rows.at(-1)!.line;
    }
  }

  async listMappings(orgId: string) {
    const { rows } = await this.db.execute<{ id: string; name: string; mapping: ImportMappingParsed; created_at: Date | string }>(
      sql`select id, name, mapping, created_at from import_mappings where org_id = ${orgId} order by name`,
    );
    return rows.map((r) => ({ id: r.id, name: r.name, mapping: r.mapping, createdAt: new Date(r.created_at).toISOString() }));
  }

  async saveMapping(actor: Actor, name: string, mapping: ImportMappingParsed) {
    const parsed = ImportMappingSchema.parse(mapping);
    const { rows } = await this.db.execute<{ id: string; created_at: Date | string }>(sql`
      insert into import_mappings (org_id, name, mapping, created_by) values (${actor.orgId}, ${name}, ${JSON.stringify(parsed)}::jsonb, ${actor.userId})
      on conflict (org_id, name) do update set mapping = excluded.mapping returning id, created_at`);
    return { id: rows[0]!.id, name, mapping: parsed, createdAt: new Date(rows[0]!.created_at).toISOString() };
  }

  async deleteMapping(orgId: string, id: string) {
    const { rowCount } = await this.db.execute(sql`delete from import_mappings where org_id = ${orgId} and id = ${id}`);
    if (!rowCount) throw notFound('Mapping');
  }
}

export { ImportFileError };
