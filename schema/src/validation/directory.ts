import { z } from 'zod';
import { TimeZoneSchema } from './bookings.ts';
import { CustomerListItemSchema, CustomerRefSchema, MAX_TAGS_PER_CUSTOMER } from './customers.ts';
import { pathParam, uuidParams } from './common.ts';

export const domainPattern = /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*\.[a-z]{2,63}$/;

/** A corporate email domain as staff type it: "acme.com", "@acme.com", "ACME.COM". */
export const DomainSchema = z
  .string()
  .trim()
  .toLowerCase()
  .transform((d) => d.replace(/^@/, ''))
  .pipe(z.string().regex(domainPattern, 'Not a domain: write it like acme.com'));

export const CompanyCreateSchema = z
  .object({
    name: z.string().trim().min(1, 'A company needs a name').max(200, 'A company name has at most 200 characters'),
    domains: z.array(DomainSchema).max(50).optional(),
  })
  .strict()
  .meta({ id: 'CompanyCreate' });

export const CompanyPatchSchema = z.object({ name: CompanyCreateSchema.shape.name }).strict().meta({ id: 'CompanyPatch' });

export const CompanySchema = z
  .object({ id: z.string(), name: z.string(), domains: z.array(z.string()), customerCount: z.number().int(), createdAt: z.string() })
  .meta({ id: 'Company' });
export type Company = z.infer<typeof CompanySchema>;

export const colorPattern = /^#[0-9a-f]{6}$/i;

export const TagCreateSchema = z
  .object({
    name: z.string().trim().min(1, 'A tag needs a name').max(40, 'A tag name has at most 40 characters'),
    color: z.string().regex(colorPattern, 'A color is written #rrggbb'),
  })
  .strict()
  .meta({ id: 'TagCreate' });
export const TagPatchSchema = TagCreateSchema.partial().strict().meta({ id: 'TagPatch' });

export const TagSchema = z
  .object({ id: z.string(), name: z.string(), color: z.string(), builtin: z.boolean(), customerCount: z.number().int() })
  .meta({ id: 'Tag' });
export type Tag = z.infer<typeof TagSchema>;

/** T1: the tags every organization starts with. */
export const BUILTIN_TAGS: { name: string; color: string }[] = [
  { name: 'VIP', color: '#b45309' },
  { name: 'First-time', color: '#0891b2' },
  { name: 'Regular', color: '#15803d' },
  { name: 'Loyalty member', color: '#7c3aed' },
  { name: 'Corporate', color: '#1d4ed8' },
  { name: 'Walk-in', color: '#64748b' },
  { name: 'Friends & Family', color: '#db2777' },
  { name: 'Business', color: '#0f766e' },
  { name: 'Influencer', color: '#c026d3' },
  { name: 'Local', color: '#65a30d' },
  { name: 'No-show', color: '#dc2626' },
  { name: 'Problematic', color: '#991b1b' },
];

export const customFieldTypes = ['text', 'number', 'date', 'choice', 'boolean'] as const;

export const CustomFieldCreateSchema = z
  .object({
    label: z.string().trim().min(1, 'A field needs a label').max(60, 'A label has at most 60 characters'),
    /** Derived from the label when absent. */
    key: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,49}$/, 'A key is lowercase letters, digits and underscores, starting with a letter')
      .optional(),
    type: z.enum(customFieldTypes, { error: `A field's type is one of ${customFieldTypes.join(', ')}` }),
    options: z.array(z.string().trim().min(1).max(100)).min(1).max(100).optional(),
  })
  .strict()
  .superRefine((f, ctx) => {
    if (f.type === 'choice' && !f.options?.length) ctx.addIssue({ code: 'custom', path: ['options'], message: 'A choice field needs its options' });
    if (f.type !== 'choice' && f.options) ctx.addIssue({ code: 'custom', path: ['options'], message: 'Only a choice field has options' });
  })
  .meta({ id: 'CustomFieldCreate' });

export const CustomFieldPatchSchema = z
  .object({
    label: CustomFieldCreateSchema.shape.label.optional(),
    options: z.array(z.string().trim().min(1).max(100)).min(1).max(100).optional(),
    position: z.number().int().min(0).max(1000).optional(),
  })
  .strict()
  .meta({ id: 'CustomFieldPatch' });

export const CustomFieldSchema = z
  .object({
    id: z.string(),
    key: z.string(),
    label: z.string(),
    type: z.enum(customFieldTypes),
    options: z.array(z.string()).nullable(),
    position: z.number().int(),
  })
  .meta({ id: 'CustomField' });
export type CustomField = z.infer<typeof CustomFieldSchema>;

export const SettingsSchema = z
  .object({
    maxTagsPerCustomer: z.number().int().min(1).max(MAX_TAGS_PER_CUSTOMER).nullable(),
    defaultCountry: z.string().regex(/^[A-Z]{2}$/),
    /** IANA time zone of the venue: opening hours and booking times are read in it (C8). */
    timezone: TimeZoneSchema,
  })
  .meta({ id: 'Settings' });
export const SettingsPatchSchema = SettingsSchema.partial().strict().meta({ id: 'SettingsPatch' });
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;

export const SegmentCreateSchema = z
  .object({
    name: z.string().trim().min(1, 'A segment needs a name').max(100, 'A segment name has at most 100 characters'),
    /** The list's query string without paging, e.g. "tags=…&createdFrom=2026-01-01". */
    query: z.string().max(4000),
  })
  .strict()
  .meta({ id: 'SegmentCreate' });
export const SegmentSchema = z
  .object({ id: z.string(), name: z.string(), query: z.string(), createdAt: z.string() })
  .meta({ id: 'Segment' });

export const MarketingListCreateSchema = z
  .object({ name: z.string().trim().min(1, 'A list needs a name').max(100, 'A list name has at most 100 characters') })
  .strict()
  .meta({ id: 'MarketingListCreate' });
export const MarketingListSchema = z
  .object({ id: z.string(), name: z.string(), memberCount: z.number().int(), createdAt: z.string() })
  .meta({ id: 'MarketingList' });

/** L5: the customers a bulk action works on: chosen rows, or everything a list query matches. */
export const BulkTargetSchema = z.union([
  z.object({ ids: z.array(z.string().regex(/^[0-9a-f]{32}$/, 'ids are customer system ids')).min(1).max(10_000) }).strict(),
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

/** A company's people: list rows, each saying how it is linked (by an email domain or by hand). */
export const CompanyMemberPageSchema = z
  .object({
    items: z.array(CustomerListItemSchema.extend({ linkedBy: z.enum(['domain', 'manual']) })),
    total: z.number().int(),
    totalCapped: z.boolean(),
  })
  .meta({ id: 'CompanyMemberPage' });
export type CompanyMemberPage = z.infer<typeof CompanyMemberPageSchema>;

// ————— The companies API's requests and answers (Co1, Co2) —————

const customerRef = CustomerRefSchema.meta({ description: 'The 32-hex system id or the customer number' });

/** GET /api/companies?q=: part of a name or a domain. */
export const CompanyListQuerySchema = z.object({ q: z.string().trim().max(200).optional() });

export const CompanyParamsSchema = uuidParams('company');
export const CompanyDomainParamsSchema = CompanyParamsSchema.extend({ domain: pathParam('domain', DomainSchema) });
export const CompanyCustomerParamsSchema = CompanyParamsSchema.extend({ ref: pathParam('ref', customerRef) });

export const CompanyDomainAddSchema = z.object({ domain: DomainSchema }).strict().meta({ id: 'CompanyDomainAdd' });
export const CompanyCustomerLinkSchema = z.object({ customer: customerRef }).strict().meta({ id: 'CompanyCustomerLink' });

/** The company, and how many customers adding a domain linked. */
export const CompanyDomainAddedSchema = z.object({ company: CompanySchema, linked: z.number().int() });
/** The company, and how many customers removing a domain unlinked. */
export const CompanyDomainRemovedSchema = z.object({ company: CompanySchema, unlinked: z.number().int() });

export type Settings = z.infer<typeof SettingsSchema>;
export type Segment = z.infer<typeof SegmentSchema>;
export type MarketingList = z.infer<typeof MarketingListSchema>;
export type BulkResult = z.infer<typeof BulkResultSchema>;
