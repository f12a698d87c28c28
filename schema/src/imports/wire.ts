import { z } from 'zod';

/**
 * I1: importing customers from a CSV file. A file is uploaded (or read from disk by the CLI), its
 * columns are mapped to customer fields, the first rows previewed, then the import runs as a
 * background job. These are the shapes the API and the web share.
 */

/** An upload through the API; the CLI reads files on disk up to IMPORT_MAX_FILE_BYTES_CLI. */
export const IMPORT_MAX_UPLOAD_BYTES = 200 * 1024 * 1024;
export const IMPORT_MAX_FILE_BYTES_CLI = 1024 * 1024 * 1024;

/**
 * What a column can become. Emails, phones and tags may come from several columns (in column
 * order; a cell may hold several, joined with " ::: " as Google writes them, or a JSON list as
 * Twenty does); address parts belong to address 1, 2 or 3; every other field comes from one
 * column. `custom.<key>` is a custom field.
 */
export const importFields = [
  'firstName',
  'lastName',
  'fullName',
  'email',
  'phone',
  'phoneCountry',
  'companyName',
  'language',
  'source',
  'externalId',
  'customerNumber',
  'dateOfBirth',
  'tags',
  'consent',
  'consentAt',
  'address.line1',
  'address.line2',
  'address.city',
  'address.region',
  'address.postalCode',
  'address.country',
] as const;
export type ImportField = (typeof importFields)[number];
export const repeatableImportFields: readonly ImportField[] = ['email', 'phone', 'tags'];

export const importFieldLabels: Record<ImportField, string> = {
  firstName: 'First name',
  lastName: 'Last name',
  fullName: 'Full name (split into first and last)',
  email: 'Email',
  phone: 'Phone',
  phoneCountry: "Phone's country (code or +NN)",
  companyName: 'Company',
  language: 'Language',
  source: 'Source',
  externalId: 'External id',
  customerNumber: 'Customer number',
  dateOfBirth: 'Date of birth',
  tags: 'Tags',
  consent: 'Marketing consent (yes/no)',
  consentAt: 'Consent date',
  'address.line1': 'Address: street',
  'address.line2': 'Address: street line 2',
  'address.city': 'Address: city',
  'address.region': 'Address: region',
  'address.postalCode': 'Address: postal code',
  'address.country': 'Address: country',
};

export const importTargetPattern = /^(?:custom\.[a-z][a-z0-9_]{0,49})$/;
export const ImportTargetSchema = z
  .union([z.enum(importFields), z.string().regex(importTargetPattern, 'A custom field is written custom.<key>')])
  .nullable()
  .meta({ description: 'A customer field, custom.<key>, or null to ignore the column' });

export const dateFormats = ['YYYY-MM-DD', 'DD/MM/YYYY', 'MM/DD/YYYY', 'DD.MM.YYYY'] as const;
export type DateFormat = (typeof dateFormats)[number];
export const matchActions = ['skip', 'fill', 'overwrite'] as const;
export type MatchAction = (typeof matchActions)[number];
export const importEncodings = ['utf8', 'utf16le', 'utf16be', 'windows1252'] as const;
export const importDelimiters = [',', ';', '\t'] as const;
/** The exports a header is recognised as. */
export const importFormats = ['google', 'outlook', 'outlook.com', 'hubspot', 'mailchimp', 'twenty'] as const;

export const ImportColumnSchema = z
  .object({
    /** The column's name in the header row (its position is its place in `columns`). */
    header: z.string(),
    target: ImportTargetSchema,
    /** For a phone column: the country numbers without +NN are read in (default: the organization's). */
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, 'A country is a two-letter code such as GB')
      .optional(),
    /** For an address part: which address (1–3). */
    address: z.number().int().min(1).max(3).optional(),
  })
  .strict();
export type ImportColumn = z.infer<typeof ImportColumnSchema>;

export const ImportMappingSchema = z
  .object({
    columns: z.array(ImportColumnSchema).min(1).max(500),
    dateFormat: z.enum(dateFormats),
    /** What a row that matches an existing customer does. */
    onMatch: z.enum(matchActions),
    /** The source (C6) new customers get. */
    source: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]*$/)
      .max(50)
      .default('import'),
    /** Tags given to every imported customer (names; created when missing). */
    tags: z.array(z.string().trim().min(1).max(50)).max(10).default([]),
  })
  .strict()
  .superRefine((m, ctx) => {
    const seen = new Map<string, number>();
    m.columns.forEach((c, i) => {
      if (!c.target || repeatableImportFields.includes(c.target as ImportField)) return;
      const key = c.target.startsWith('address.') ? `${c.target}#${c.address ?? 1}` : c.target;
      const first = seen.get(key);
      if (first !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['columns', i, 'target'],
          message: `"${c.header}" and "${m.columns[first]!.header}" are both mapped to ${importFieldLabels[c.target as ImportField] ?? c.target}${c.target.startsWith('address.') ? ` of address ${c.address ?? 1}` : ''}: map one of them`,
        });
      else seen.set(key, i);
    });
  })
  .meta({ id: 'ImportMapping' });
export type ImportMapping = z.input<typeof ImportMappingSchema>;
export type ImportMappingParsed = z.output<typeof ImportMappingSchema>;

/** A problem with one row: the file's line, the column (its header) and why. */
export const ImportRowErrorSchema = z.object({ line: z.number().int(), column: z.string().nullable(), reason: z.string() }).meta({ id: 'ImportRowError' });
export type ImportRowError = z.infer<typeof ImportRowErrorSchema>;

export const ImportCountsSchema = z
  .object({
    rows: z.number().int(),
    created: z.number().int(),
    /** Matched an existing customer (and were updated or skipped as the import said). */
    matched: z.number().int(),
    updated: z.number().int(),
    skipped: z.number().int(),
    failed: z.number().int(),
    /** Rows that repeated an earlier row of the file and were merged into its customer. */
    duplicates: z.number().int(),
  })
  .meta({ id: 'ImportCounts' });
export type ImportCounts = z.infer<typeof ImportCountsSchema>;
export const emptyImportCounts = (): ImportCounts => ({ rows: 0, created: 0, matched: 0, updated: 0, skipped: 0, failed: 0, duplicates: 0 });

export const importStatuses = ['uploaded', 'running', 'done', 'failed', 'cancelled', 'undone'] as const;

export const ImportSchema = z
  .object({
    id: z.uuid(),
    fileName: z.string(),
    bytes: z.number().int(),
    encoding: z.enum(importEncodings),
    delimiter: z.enum(importDelimiters),
    format: z.enum(importFormats).nullable(),
    headers: z.array(z.string()),
    mapping: ImportMappingSchema.nullable(),
    status: z.enum(importStatuses),
    counts: ImportCountsSchema.nullable(),
    /** The job running (or that ran) the import: its progress is `job:progress` on /staff. */
    jobId: z.uuid().nullable(),
    createdBy: z.object({ userId: z.uuid(), name: z.string() }).nullable(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
    undo: z.object({ removed: z.number().int(), reverted: z.number().int(), kept: z.array(z.string()) }).nullable(),
  })
  .meta({ id: 'Import' });
export type Import = z.infer<typeof ImportSchema>;

export const ImportUploadResultSchema = z
  .object({ import: ImportSchema, suggested: ImportMappingSchema, sample: z.array(z.array(z.string())) })
  .meta({ id: 'ImportUploadResult' });
export type ImportUploadResult = z.infer<typeof ImportUploadResultSchema>;

export const ImportSettingsSchema = z
  .object({ encoding: z.enum(importEncodings).optional(), delimiter: z.enum(importDelimiters).optional(), mapping: ImportMappingSchema })
  .strict()
  .meta({ id: 'ImportSettings' });

/** A row of the preview: what it would become, or why it cannot. */
export const ImportPreviewRowSchema = z.object({
  line: z.number().int(),
  outcome: z.enum(['new', 'match', 'duplicate', 'error']),
  customer: z
    .object({
      firstName: z.string().nullable(),
      lastName: z.string().nullable(),
      emails: z.array(z.string()),
      phones: z.array(z.string()),
      companyName: z.string().nullable(),
      dateOfBirth: z.string().nullable(),
      tags: z.array(z.string()),
    })
    .nullable(),
  /** The customer it matches: their number and name. */
  match: z.object({ customerNumber: z.string(), name: z.string() }).nullable(),
  errors: z.array(ImportRowErrorSchema),
});
export const ImportPreviewSchema = z.object({ rows: z.array(ImportPreviewRowSchema), ms: z.number() }).meta({ id: 'ImportPreview' });
export type ImportPreview = z.infer<typeof ImportPreviewSchema>;

export const SavedMappingSchema = z
  .object({ id: z.uuid(), name: z.string(), mapping: ImportMappingSchema, createdAt: z.string() })
  .meta({ id: 'SavedImportMapping' });
export const SavedMappingCreateSchema = z
  .object({ name: z.string().trim().min(1, 'Give the mapping a name').max(100), mapping: ImportMappingSchema })
  .strict()
  .meta({ id: 'SavedImportMappingCreate' });
