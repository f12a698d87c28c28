import { z } from 'zod';
import { isoDate, isoDateTime, pathParam, systemIdPattern } from '../platform/wire.ts';

/**
 * Tags one customer may have at most, also when the organization sets no cap of its own: the
 * list's covering indexes carry each customer's tag ids in a btree key, and a btree entry must stay
 * under about 2,700 bytes (100 uuids are 1,600).
 */
export const MAX_TAGS_PER_CUSTOMER = 100;

export const NAME_MAX = 100;

/** C4, in the words staff see. */
export const MINIMUM_IDENTITY_MESSAGE = 'A customer needs a first and last name, an email, or a first name and a valid phone.';

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

/** YYYY-MM-DD */
export const DateOfBirthSchema = isoDate().refine((d) => d >= '1900-01-01' && d <= new Date().toISOString().slice(0, 10), {
  message: 'A date of birth is between 1900 and today',
});

export const addressPurposes = ['billing', 'shipping', 'contact'] as const;
const optionalText = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, `${label} has at most ${max} characters`)
    .transform((v) => (v === '' ? null : v))
    .nullable()
    .optional();

export const AddressSchema = z
  .object({
    purpose: z.enum(addressPurposes, { error: 'An address is for billing, shipping or contact' }),
    line1: z.string().trim().min(1, 'Enter the street address').max(200, 'A street line has at most 200 characters'),
    line2: optionalText(200, 'A street line'),
    city: optionalText(100, 'A city'),
    region: optionalText(100, 'A region'),
    postalCode: optionalText(20, 'A postal code'),
    country: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]{2}$/, 'A country is a two-letter code such as GB or FR')
      .nullable()
      .optional(),
  })
  .strict();
export type AddressInput = z.input<typeof AddressSchema>;
export type Address = {
  purpose: (typeof addressPurposes)[number];
  line1: string;
  line2: string | null;
  city: string | null;
  region: string | null;
  postalCode: string | null;
  country: string | null;
};

export const ConsentInputSchema = z
  .object({
    given: z.boolean({ error: 'Consent is given (true) or not (false)' }),
    method: z.string().trim().min(1).max(100, 'A consent method has at most 100 characters').optional(),
    /** When it was given; defaults to now. Imports carry the original date. */
    at: isoDateTime('A time is ISO 8601, e.g. 2026-05-01T10:00:00Z').optional(),
  })
  .strict();

/** A custom field's value as the API carries it; null clears it. Checked against its definition on the server. */
export const CustomValueSchema = z.union([z.string().max(1000, 'A custom value has at most 1000 characters'), z.number(), z.boolean()]).nullable();
export const CustomValuesSchema = z.record(z.string().regex(/^[a-z][a-z0-9_]{0,49}$/, 'Not a custom field key'), CustomValueSchema);

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
  dateOfBirth: DateOfBirthSchema,
  companyName: z.string().trim().max(NAME_MAX, `A company name has at most ${NAME_MAX} characters`),
  marketingConsent: ConsentInputSchema,
  addresses: z.array(AddressSchema).max(10, 'At most 10 addresses'),
  custom: CustomValuesSchema,
  tags: z.array(z.uuid({ error: 'Not a tag id' })).max(MAX_TAGS_PER_CUSTOMER, { error: `A customer can have at most ${MAX_TAGS_PER_CUSTOMER} tags` }),
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
    dateOfBirth: customerFields.dateOfBirth.optional(),
    companyName: customerFields.companyName.optional(),
    marketingConsent: customerFields.marketingConsent.optional(),
    addresses: customerFields.addresses.optional(),
    custom: customerFields.custom.optional(),
    tags: customerFields.tags.optional(),
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
    /** Why the status changes (a ban's reason): kept in the history with the change, not on the customer. */
    statusReason: z.string().trim().max(500, 'At most 500 characters').optional(),
    dateOfBirth: customerFields.dateOfBirth.nullable().optional(),
    companyName: customerFields.companyName.nullable().optional(),
    marketingConsent: customerFields.marketingConsent.optional(),
    addresses: customerFields.addresses.optional(),
    /** Only the keys given change; null clears one. */
    custom: customerFields.custom.optional(),
    tags: customerFields.tags.optional(),
  })
  .strict()
  .superRefine((c, ctx) => uniqueEmails(c.emails, ctx))
  .meta({ id: 'CustomerPatch' });
export type CustomerPatch = z.input<typeof CustomerPatchSchema>;
export type CustomerPatchParsed = z.output<typeof CustomerPatchSchema>;

export const lifecycleStages = ['lead', 'active', 'at_risk', 'churned'] as const;
export const LifecycleStageSchema = z.enum(lifecycleStages);

const TagRefSchema = z.object({ id: z.string(), name: z.string(), color: z.string() });

/** What the list shows of a customer (L1): one row. */
export const CustomerListItemSchema = z
  .object({
    id: z.string().regex(systemIdPattern),
    customerNumber: z.string(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    primaryEmail: z.string().nullable(),
    primaryPhone: z.string().nullable(),
    photoUrl: z.string().nullable(),
    status: z.enum(['active', 'banned']),
    lifecycleStage: LifecycleStageSchema,
    /** Money in the organization's currency, as a decimal number (12.5 = 12.50). */
    clv: z.number(),
    totalSpent: z.number(),
    lastOrderAt: z.string().nullable(),
    lastActiveAt: z.string().nullable(),
    createdAt: z.string(),
    tags: z.array(TagRefSchema),
  })
  .meta({ id: 'CustomerListItem' });
export type CustomerListItem = z.infer<typeof CustomerListItemSchema>;

/** The whole profile. */
export const CustomerSchema = CustomerListItemSchema.extend({
  emails: z.array(z.object({ address: z.string(), primary: z.boolean() })),
  phones: z.array(z.object({ e164: z.string(), raw: z.string() })),
  /** Numbers the customer had before, kept so that a call from one still finds them (C5). */
  previousPhones: z.array(z.object({ e164: z.string(), raw: z.string(), replacedAt: z.string() })),
  addresses: z.array(
    z.object({
      purpose: z.enum(addressPurposes),
      line1: z.string(),
      line2: z.string().nullable(),
      city: z.string().nullable(),
      region: z.string().nullable(),
      postalCode: z.string().nullable(),
      country: z.string().nullable(),
    }),
  ),
  externalId: z.string().nullable(),
  language: z.string().nullable(),
  source: z.string(),
  dateOfBirth: z.string().nullable(),
  companyName: z.string().nullable(),
  marketingConsent: z.object({ given: z.boolean(), at: z.string().nullable(), method: z.string().nullable() }),
  companies: z.array(z.object({ id: z.string(), name: z.string(), linkedBy: z.enum(['domain', 'manual']) })),
  /** Custom field values by key; dates as YYYY-MM-DD. */
  custom: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  erasedAt: z.string().nullable(),
  updatedAt: z.string(),
}).meta({ id: 'Customer' });
export type Customer = z.infer<typeof CustomerSchema>;

export const CustomerPageSchema = z
  .object({
    items: z.array(CustomerListItemSchema),
    /** Exact up to COUNT_CAP; past it, COUNT_CAP with `totalCapped`. */
    total: z.number().int(),
    totalCapped: z.boolean(),
    /** For a list without a search: pass as `after` (with the next page number) for the next page. */
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'CustomerPage' });
export type CustomerPage = z.infer<typeof CustomerPageSchema>;

/** C3: a path reference is the system id or the customer number. */
export const CustomerRefSchema = z.string().min(1).max(64);

/**
 * C9: what deleting a customer takes with it, one line per kind of thing in staff's words (every
 * domain that holds rows about a customer contributes its lines; a line may count 0), and how many
 * entries of the history of changes stay.
 */
export const DeletionImpactSchema = z
  .object({
    items: z.array(
      z.object({
        what: z.string().meta({ description: 'e.g. "upcoming confirmed bookings (their places free up)"' }),
        count: z.number().int(),
      }),
    ),
    historyKept: z.number().int(),
  })
  .meta({ id: 'DeletionImpact' });
export type DeletionImpact = z.infer<typeof DeletionImpactSchema>;

/** The display name staff see: full name, else primary email, else the customer number. */
export function customerDisplayName(c: Pick<CustomerListItem, 'firstName' | 'lastName' | 'primaryEmail' | 'customerNumber'>): string {
  const full = [c.firstName, c.lastName].filter(Boolean).join(' ');
  return full || c.primaryEmail || c.customerNumber;
}

/** `/customers/{ref}/…`: the routes about one customer (its record, permissions, credentials, timeline…). */
export const CustomerRefParamsSchema = z.object({
  ref: pathParam('ref', CustomerRefSchema.meta({ description: 'The 32-hex system id or the customer number' })),
});

/** C10: who changed what and when, newest first. */
export const historyActions = ['created', 'updated', 'deleted', 'erased'] as const;
export const CustomerHistorySchema = z
  .object({
    items: z.array(
      z.object({
        id: z.number(),
        action: z.enum(historyActions),
        actor: z.object({ id: z.string(), name: z.string() }).nullable(),
        changes: z.record(z.string(), z.object({ before: z.unknown(), after: z.unknown() })),
        createdAt: z.string(),
      }),
    ),
  })
  .meta({ id: 'CustomerHistory' });

/** L5: the customers a bulk action works on: chosen rows, or everything a list query matches. */
export const BulkTargetSchema = z.union([
  z
    .object({
      ids: z
        .array(z.string().regex(/^[0-9a-f]{32}$/, 'ids are customer system ids'))
        .min(1)
        .max(10_000),
    })
    .strict(),
  z.object({ query: z.string().max(4000) }).strict(),
]);

export const BulkActionSchema = z
  .object({
    target: BulkTargetSchema,
    action: z.discriminatedUnion('type', [
      z.object({ type: z.literal('addTags'), tagIds: z.array(z.uuid()).min(1).max(20) }).strict(),
      z.object({ type: z.literal('removeTags'), tagIds: z.array(z.uuid()).min(1).max(20) }).strict(),
      z.object({ type: z.literal('addToList'), listId: z.uuid() }).strict(),
    ]),
  })
  .strict()
  .meta({ id: 'BulkAction' });
export type BulkAction = z.infer<typeof BulkActionSchema>;

export const BulkResultSchema = z
  .object({
    matched: z.number().int(),
    changed: z.number().int(),
    /** Customers left out, e.g. a tag past the organization's cap. */
    skipped: z.array(z.object({ reason: z.string(), count: z.number().int() })),
  })
  .meta({ id: 'BulkResult' });
export type BulkResult = z.infer<typeof BulkResultSchema>;

/**
 * The most customers `GET /api/customers/export.csv` streams for a list query inside the request:
 * one page at its largest (pageSize ≤ 200). A segment with more is exported by a job
 * (`POST /api/customers/exports`), and so is every bulk action on a list query.
 */
export const DIRECT_EXPORT_MAX = 200;

/** I2: export a whole segment (a list query, in a sort of the list) as a background job. */
export const CustomerExportRequestSchema = z
  .object({
    query: z.string().max(4000).meta({ description: 'The list query, as GET /api/customers takes it (page, pageSize and sort are ignored)' }),
    sort: z.string().max(40).optional().meta({ description: "The list's sort; the rows keep that order" }),
  })
  .strict()
  .meta({ id: 'CustomerExportRequest' });
export type CustomerExportRequest = z.infer<typeof CustomerExportRequestSchema>;

/** What a finished `customers.export` job returns (`result` of its JobRun). */
export const CustomerExportResultSchema = z
  .object({
    rows: z.number().int().meta({ description: 'Customers written (the header line not counted)' }),
    bytes: z.number().int(),
    filename: z.string(),
    /** GET it for the file; until `expiresAt`. */
    fileUrl: z.string(),
    expiresAt: z.string(),
  })
  .meta({ id: 'CustomerExportResult' });
export type CustomerExportResult = z.infer<typeof CustomerExportResultSchema>;
