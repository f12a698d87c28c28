import { bigint, bigserial, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { customerRef, createdAt, orgRef } from '../platform/columns.ts';
import { users } from '../organizations/table.ts';
import { bytea } from '../platform/types.ts';
import type { ImportCounts, ImportMappingParsed } from './wire.ts';

const at = (name: string) => timestamp(name, { withTimezone: true });

/**
 * I1: one import of customers from a file: the file as uploaded (in customer_import_chunks), how it
 * reads (encoding, delimiter, header), the mapping it ran with, and what it did (counts); the
 * import history lists these.
 */
export const customerImports = pgTable(
  'customer_imports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: orgRef(),
    fileName: text('file_name').notNull(),
    bytes: bigint('bytes', { mode: 'number' }).notNull(),
    encoding: text('encoding').notNull(),
    delimiter: text('delimiter').notNull(),
    /** The export the header was recognised as (google, outlook …), or null. */
    format: text('format'),
    headers: jsonb('headers').$type<string[]>().notNull(),
    mapping: jsonb('mapping').$type<ImportMappingParsed>(),
    /** uploaded, running, done, failed, cancelled, undone */
    status: text('status').notNull().default('uploaded'),
    counts: jsonb('counts').$type<ImportCounts>(),
    /** The job that runs it (job_runs.id). */
    jobId: uuid('job_id'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    finishedAt: at('finished_at'),
    undo: jsonb('undo').$type<{ removed: number; reverted: number; kept: string[] }>(),
  },
  (t) => [index('customer_imports_org_created_idx').on(t.orgId, t.createdAt.desc())],
);

/** The uploaded file, in parts of about 1 MiB, so any node reads it back as a stream. */
export const customerImportChunks = pgTable(
  'customer_import_chunks',
  {
    importId: uuid('import_id')
      .notNull()
      .references(() => customerImports.id, { onDelete: 'cascade' }),
    orgId: orgRef(),
    seq: integer('seq').notNull(),
    data: bytea('data').notNull(),
  },
  (t) => [primaryKey({ columns: [t.importId, t.seq] })],
);

/** A row the import could not take: its line, the column, why, and the row as it was (for the error file). */
export const customerImportErrors = pgTable(
  'customer_import_errors',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    importId: uuid('import_id')
      .notNull()
      .references(() => customerImports.id, { onDelete: 'cascade' }),
    orgId: orgRef(),
    line: integer('line').notNull(),
    column: text('column'),
    reason: text('reason').notNull(),
    values: jsonb('values').$type<string[]>().notNull(),
  },
  (t) => [index('customer_import_errors_import_idx').on(t.importId, t.line)],
);

/**
 * What an import did to each customer, for undo: `created`, or `updated` with the values of the
 * columns it overwrote (`before`) and the emails and phones it added. Once per customer and import
 * (a customer touched again later in the same file keeps the first `before`).
 */
export const customerImportEffects = pgTable(
  'customer_import_effects',
  {
    importId: uuid('import_id')
      .notNull()
      .references(() => customerImports.id, { onDelete: 'cascade' }),
    orgId: orgRef(),
    customerId: customerRef(),
    line: integer('line').notNull(),
    action: text('action').notNull(),
    before: jsonb('before').$type<Record<string, unknown>>(),
    addedEmails: text('added_emails').array(),
    addedPhones: text('added_phones').array(),
    at: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.importId, t.customerId] }), index('customer_import_effects_customer_idx').on(t.customerId)],
);

/** Mappings saved to reuse (the same export every month). */
export const importMappings = pgTable(
  'import_mappings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: orgRef(),
    name: text('name').notNull(),
    mapping: jsonb('mapping').$type<ImportMappingParsed>().notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('import_mappings_org_name_idx').on(t.orgId, t.name)],
);
