import { z } from 'zod';
import { systemIdPattern } from './common.ts';

export const NAME_MAX = 100;

/** C4, in the words staff see. */
export const MINIMUM_IDENTITY_MESSAGE =
  'A customer needs a first and last name, an email, or a first name and a valid phone.';

const name = (label: string) =>
  z
    .string()
    .trim()
    .max(NAME_MAX, `${label} has at most ${NAME_MAX} characters`)
    .transform((v) => (v === '' ? undefined : v));

const email = z.email({ error: 'Not a valid email address' }).trim().max(254, 'An email has at most 254 characters');

export const customerNumberPattern = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** C2: human-readable, 5–32 characters, and never mistakable for a system id (C3). */
export const CustomerNumberSchema = z
  .string()
  .trim()
  .min(5, 'A customer number has 5 to 32 characters')
  .max(32, 'A customer number has 5 to 32 characters')
  .regex(customerNumberPattern, 'A customer number uses letters, digits, dot, dash and underscore')
  .refine((v) => !systemIdPattern.test(v), 'A customer number cannot look like a system id (32 hex characters)');

const phone = z.string().trim().min(1, 'Enter a phone number').max(40, 'A phone number has at most 40 characters');

/** C6: where the customer came from: a built-in channel or a custom one. */
export const SourceSchema = z
  .string()
  .trim()
  .min(1)
  .max(50, 'A source has at most 50 characters')
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'A source is lowercase letters, digits, dash or underscore (e.g. online, dashboard, import)');

/** BCP 47 language tag such as `en`, `fr`, `pt-BR`. */
export const LanguageSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'A language is a code such as en, fr or pt-BR')
  .max(35);

export const ExternalIdSchema = z.string().trim().min(1).max(100, 'An external id has at most 100 characters');

const uniqueEmails = (emails: string[] | undefined, ctx: z.RefinementCtx) => {
  const seen = new Set<string>();
  emails?.forEach((address, i) => {
    const key = address.toLowerCase();
    if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['emails', i], message: 'This email is listed twice' });
    seen.add(key);
  });
};

/** The facts C4 looks at. Phones here are already known to be valid. */
export type IdentityFacts = { firstName?: string | null; lastName?: string | null; emails?: unknown[]; phones?: unknown[] };

/** C4: a customer needs a first + last name, an email, or a first name + a valid phone. */
export function meetsMinimumIdentity(c: IdentityFacts): boolean {
  const hasFirst = !!c.firstName?.trim();
  return (hasFirst && !!c.lastName?.trim()) || (c.emails?.length ?? 0) > 0 || (hasFirst && (c.phones?.length ?? 0) > 0);
}

const customerFields = {
  firstName: name('A first name'),
  lastName: name('A last name'),
  emails: z.array(email).max(20, 'At most 20 emails'),
  phones: z.array(phone).max(20, 'At most 20 phones'),
  customerNumber: CustomerNumberSchema,
  externalId: ExternalIdSchema,
  language: LanguageSchema,
  source: SourceSchema,
};

export const CustomerCreateSchema = z
  .object({
    firstName: customerFields.firstName.optional(),
    lastName: customerFields.lastName.optional(),
    emails: customerFields.emails.optional(),
    phones: customerFields.phones.optional(),
    customerNumber: customerFields.customerNumber.optional(),
    externalId: customerFields.externalId.optional(),
    language: customerFields.language.optional(),
    source: customerFields.source.optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    uniqueEmails(c.emails, ctx);
    if (!meetsMinimumIdentity(c)) ctx.addIssue({ code: 'custom', path: [], message: MINIMUM_IDENTITY_MESSAGE });
  })
  .meta({ id: 'CustomerCreate' });
export type CustomerCreate = z.input<typeof CustomerCreateSchema>;
export type CustomerCreateParsed = z.output<typeof CustomerCreateSchema>;

/** A partial update: absent fields stay, null clears an optional field, lists replace the old list. */
export const CustomerPatchSchema = z
  .object({
    firstName: customerFields.firstName.nullable().optional(),
    lastName: customerFields.lastName.nullable().optional(),
    emails: customerFields.emails.optional(),
    phones: customerFields.phones.optional(),
    customerNumber: customerFields.customerNumber.optional(),
    externalId: customerFields.externalId.nullable().optional(),
    language: customerFields.language.nullable().optional(),
    source: customerFields.source.optional(),
    status: z.enum(['active', 'banned']).optional(),
  })
  .strict()
  .superRefine((c, ctx) => uniqueEmails(c.emails, ctx))
  .meta({ id: 'CustomerPatch' });
export type CustomerPatch = z.input<typeof CustomerPatchSchema>;
export type CustomerPatchParsed = z.output<typeof CustomerPatchSchema>;

export const CustomerSchema = z
  .object({
    id: z.string().regex(systemIdPattern),
    customerNumber: z.string(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    emails: z.array(z.object({ address: z.string(), primary: z.boolean() })),
    phones: z.array(z.object({ e164: z.string(), raw: z.string() })),
    externalId: z.string().nullable(),
    language: z.string().nullable(),
    source: z.string(),
    status: z.enum(['active', 'banned']),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Customer' });
export type Customer = z.infer<typeof CustomerSchema>;

export const CustomerPageSchema = z
  .object({ items: z.array(CustomerSchema), total: z.number().int() })
  .meta({ id: 'CustomerPage' });
export type CustomerPage = z.infer<typeof CustomerPageSchema>;

/** C3: a path reference is the system id or the customer number. */
export const CustomerRefSchema = z.string().min(1).max(64);

/** The display name staff see: full name, else primary email, else the customer number. */
export function customerDisplayName(c: Pick<Customer, 'firstName' | 'lastName' | 'emails' | 'customerNumber'>): string {
  const full = [c.firstName, c.lastName].filter(Boolean).join(' ');
  return full || c.emails[0]?.address || c.customerNumber;
}
