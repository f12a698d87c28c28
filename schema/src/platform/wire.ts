import { z } from 'zod';

/** C1: a customer's system id as the API writes it: 32 lowercase hex characters, no dashes. */
export const systemIdPattern = /^[0-9a-f]{32}$/;

export const toSystemId = (uuid: string): string => uuid.replaceAll('-', '').toLowerCase();

export const fromSystemId = (id: string): string =>
  `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`;

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
