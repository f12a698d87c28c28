import { z } from 'zod';
import { isoDate } from '../platform/wire.ts';
import { LifecycleStageSchema } from './wire.ts';

/**
 * Counting stops here: past it the list says "1,000+" instead of scanning every match. Why 1,000
 * and not 10,000: a count visits each row it counts (a tag filter's GIN index gives every tagged
 * row as a bitmap, and the other filters, such as language, are read from the table), so counting
 * to 10,001 read 4,000–8,000 table pages and cost a filtered first page 30–40 ms on a million
 * customers, two to three times the page itself; to 1,001 it reads some 700. The number shown
 * stays honest ("1,000+"), and "select all matching" and export act on the query, every match,
 * not on the count.
 */
/** A page of the customer list unless asked otherwise; larger pages need customers.browse (up to 200). */
export const DEFAULT_PAGE_SIZE = 50;

export const COUNT_CAP = 1_000;

export const sortKeys = ['name', 'email', 'phone', 'lifecycle', 'clv', 'lastOrder', 'totalSpent', 'created', 'relevance'] as const;
export type SortKey = (typeof sortKeys)[number];

const list = <T extends z.ZodType<string, string>>(item: T) =>
  z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item).max(50));

const day = isoDate();

/**
 * The customer list's query string (L2–L4), as the UI keeps it in its URL and the API reads it.
 * Custom field filters are `cf.<key>=value` (a number or date field also takes `min..max`, either
 * side optional) and are checked against the organization's fields on the server.
 */
export const CustomerQuerySchema = z
  .object({
    q: z.string().trim().max(200, 'A search has at most 200 characters').optional(),
    tags: list(z.uuid({ error: 'tags lists tag ids, separated by commas' })).optional(),
    tagMode: z.enum(['any', 'all']).default('any'),
    lifecycle: list(LifecycleStageSchema).optional(),
    source: list(z.string().max(50)).optional(),
    language: list(z.string().max(35)).optional(),
    consent: z.enum(['yes', 'no']).optional(),
    company: z.uuid({ error: 'company is a company id' }).optional(),
    city: z.string().trim().max(100).optional(),
    country: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]{2}$/, 'country is a two-letter code')
      .optional(),
    createdFrom: day.optional(),
    createdTo: day.optional(),
    activeFrom: day.optional(),
    activeTo: day.optional(),
    status: z.enum(['active', 'banned']).optional(),
    sort: z
      .string()
      .regex(new RegExp(`^-?(${sortKeys.join('|')})$`), `sort is one of ${sortKeys.join(', ')}, with - before it for descending`)
      .optional(),
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    /**
     * The previous page's `nextCursor`: the page then continues from there through the sort's
     * index instead of skipping the rows before it (`page` still says which page it is).
     */
    after: z.string().max(1000).optional(),
    pageSize: z.coerce.number().int().min(1).max(200).default(DEFAULT_PAGE_SIZE),
  })
  .strict();
export type CustomerQuery = z.output<typeof CustomerQuerySchema> & { custom: Record<string, string> };

export const customerQueryKeys = Object.keys(CustomerQuerySchema.shape);

export type QueryIssue = { field: string; message: string };

/**
 * Reads a list query from URL parameters. Unknown parameters are refused with the valid ones
 * listed (a typo must not silently widen a bulk action's target).
 */
export function parseCustomerQuery(params: URLSearchParams | Record<string, string>): { ok: true; query: CustomerQuery } | { ok: false; issues: QueryIssue[] } {
  const entries = params instanceof URLSearchParams ? [...params.entries()] : Object.entries(params);
  const custom: Record<string, string> = {};
  const known: Record<string, string> = {};
  const issues: QueryIssue[] = [];
  for (const [key, value] of entries) {
    if (key.startsWith('cf.')) custom[key.slice(3)] = value;
    else if (customerQueryKeys.includes(key)) known[key] = value;
    else issues.push({ field: key, message: `Unknown parameter "${key}". Valid: ${customerQueryKeys.join(', ')}, cf.<custom field key>` });
  }
  const parsed = CustomerQuerySchema.safeParse(known);
  if (!parsed.success) issues.push(...parsed.error.issues.map((i) => ({ field: i.path.join('.') || '(query)', message: i.message })));
  if (issues.length || !parsed.success) return { ok: false, issues };
  return { ok: true, query: { ...parsed.data, custom } };
}

/** `min..max` (either side may be empty) or a single value. */
export function parseRange(value: string): { min?: string; max?: string; eq?: string } {
  const i = value.indexOf('..');
  if (i < 0) return { eq: value };
  return { min: value.slice(0, i) || undefined, max: value.slice(i + 2) || undefined };
}
