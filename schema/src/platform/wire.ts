import { z } from 'zod';

/** C1: a customer's system id as the API writes it: 32 lowercase hex characters, no dashes. */
export const systemIdPattern = /^[0-9a-f]{32}$/;

/** A UUID as PostgreSQL reads one: a value it cannot read as `uuid` fails the whole statement. */
export const isUuid = (value: unknown): value is string =>
  typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);

export const toSystemId = (uuid: string): string => uuid.replaceAll('-', '').toLowerCase();

export const fromSystemId = (id: string): string => `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`;

/** One problem with a request: the field it concerns (dotted path, e.g. `phones.1`) and why. */
export const FieldIssueSchema = z.object({ field: z.string(), message: z.string() });
export type FieldIssue = z.infer<typeof FieldIssueSchema>;

/** Every error the API answers with has this shape. */
export const ApiErrorSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      issues: z.array(FieldIssueSchema).optional(),
      /** The request's id: also its X-Request-Id header and on every server log line about it. */
      requestId: z.string(),
    }),
  })
  .meta({ id: 'Error' });
export type ApiError = z.infer<typeof ApiErrorSchema>;

/** Turns zod's issues into the API's field issues. */
export function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    field: issue.path.map(String).join('.') || '(body)',
    message: issue.message,
  }));
}

export const PageQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

// ————— Pieces the API's wire schemas are built from —————

/** `{ items }`: a whole list, e.g. GET /api/tags. */
export const itemsOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });

/** A page of a growing list, newest first: `hasMore` instead of a total. */
export const pageSchemaOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), page: z.number().int(), pageSize: z.number().int(), hasMore: z.boolean() });

/** A path parameter, named as the OpenAPI document lists it. */
export const pathParam = <T extends z.ZodType>(name: string, schema: T) => schema.meta({ param: { name, in: 'path' } });

/** `/{id}` of a record whose id is a UUID; anything else is a 400 naming what the id should be. */
export const uuidParams = (what: string) => z.object({ id: pathParam('id', z.uuid({ error: `Not a ${what} id` })) });

// ————— Text and dates every wire schema accepts the same way (issue 12) —————

/**
 * Control characters no person types: NUL (PostgreSQL cannot store it in text), the rest of C0
 * except tab, line feed and carriage return (multi-line text keeps them; fields that trim drop a
 * pasted trailing `\r\n`), and DEL. The API refuses them wherever they come — JSON bodies, query
 * values, path refs — with a 400 naming the field (server/src/platform/http/input.ts), so no
 * route has to think of them.
 */
export const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

export const controlCharacterMessage = 'Contains a control character (such as NUL) that text may not hold';

/**
 * A calendar date, YYYY-MM-DD, that exists: zod's own check refuses 2020-02-30 and 2024-13-45,
 * and years before 0001 (which PostgreSQL has no date for) are refused here.
 */
export const isoDate = (error = 'A date is written YYYY-MM-DD') =>
  z.iso.date({ error }).refine((d) => !d.startsWith('0000'), { error: 'There is no year 0000' });

/** Whether `value` is a date `isoDate` accepts: for values read outside zod (custom fields, list filters). */
export const isRealDate = (value: string): boolean => isoDate().safeParse(value).success;

/** An ISO 8601 instant with its offset, in a year PostgreSQL can store (0001–9999). */
export const isoDateTime = (error?: string) =>
  z.iso.datetime({ offset: true, ...(error ? { error } : {}) }).refine(
    (d) => {
      const t = Date.parse(d);
      // 0001-01-01T00:00:00Z and 10000-01-01T00:00:00Z (Date.UTC reads years below 100 as 19xx).
      // Unreadable text is the format check's issue already; this one is only about the range.
      return !Number.isFinite(t) || (t >= -62_135_596_800_000 && t < 253_402_300_800_000);
    },
    { error: 'The time is outside the years 0001–9999' },
  );
