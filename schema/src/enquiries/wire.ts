import { z } from 'zod';
import { pathParam } from '../platform/wire.ts';
import { StaffRefSchema } from '../timeline/kind.ts';

// C8: the public enquiry form (/enquire/<slug>) and the staff's Enquiries inbox.

export const enquiryStatuses = ['new', 'in_progress', 'won', 'lost'] as const;
export const EnquiryStatusSchema = z.enum(enquiryStatuses, { error: 'A status is new, in_progress, won or lost' }).meta({ id: 'EnquiryStatus' });
export type EnquiryStatus = z.infer<typeof EnquiryStatusSchema>;

/** What staff read for each status. */
export const ENQUIRY_STATUS_LABELS: Record<EnquiryStatus, string> = { new: 'New', in_progress: 'In progress', won: 'Won', lost: 'Lost' };

export const ENQUIRY_MESSAGE_MAX = 4000;
export const ENQUIRY_PARTY_MAX = 500;

const optionalText = (max: number, message: string) =>
  z
    .string()
    .trim()
    .max(max, message)
    .optional()
    .transform((v) => v || undefined);

/**
 * Who is enquiring: a first name and an email or a phone (the venue has to answer somehow). The
 * phone is read in the venue's country by the server (it names `phone` when invalid).
 */
export const EnquiryIdentifySchema = z
  .object({
    firstName: z.string({ error: 'Enter your first name' }).trim().min(1, 'Enter your first name').max(100, 'Your first name has at most 100 characters'),
    lastName: optionalText(100, 'Your last name has at most 100 characters'),
    email: z
      .string()
      .trim()
      .max(254, 'An email has at most 254 characters')
      .optional()
      .transform((v) => v || undefined)
      .pipe(z.email({ error: 'Enter a valid email address, e.g. ada@example.com' }).optional()),
    phone: optionalText(40, 'A phone number has at most 40 characters'),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (!v.email && !v.phone) ctx.addIssue({ code: 'custom', path: ['email'], message: 'Enter an email or a phone number, so the venue can answer' });
  })
  .meta({ id: 'EnquiryIdentify' });
export type EnquiryIdentifyInput = z.input<typeof EnquiryIdentifySchema>;
export type EnquiryIdentify = z.output<typeof EnquiryIdentifySchema>;

/** The enquiry itself, with the flow token `identify` gave and the details as the form shows them. */
export const EnquiryCreateSchema = z
  .object({
    flowToken: z.string({ error: 'Enter your details first' }).min(1, 'Enter your details first').max(512),
    contact: EnquiryIdentifySchema,
    message: z
      .string({ error: 'Tell the venue what you would like' })
      .trim()
      .min(1, 'Tell the venue what you would like')
      .max(ENQUIRY_MESSAGE_MAX, `A message has at most ${ENQUIRY_MESSAGE_MAX} characters`),
    preferredDate: z.iso
      .date({ error: 'A date is written YYYY-MM-DD' })
      .optional()
      .or(z.literal('').transform(() => undefined)),
    partySize: z
      .number({ error: 'Party size is a number of people' })
      .int('Party size is a whole number of people')
      .min(1, 'Party size is at least 1')
      .max(ENQUIRY_PARTY_MAX, `Party size is at most ${ENQUIRY_PARTY_MAX}`)
      .optional(),
  })
  .strict()
  .meta({ id: 'EnquiryCreate' });
export type EnquiryCreate = z.input<typeof EnquiryCreateSchema>;
export type EnquiryCreateParsed = z.output<typeof EnquiryCreateSchema>;

/** The public form learns nothing about who is on file: the same answer for a new or known customer. */
export const EnquiryReceivedSchema = z.object({ received: z.literal(true), venue: z.object({ name: z.string() }) }).meta({ id: 'EnquiryReceived' });
export type EnquiryReceived = z.infer<typeof EnquiryReceivedSchema>;

export const PublicEnquiryVenueSchema = z.object({ name: z.string(), slug: z.string(), timezone: z.string() }).meta({ id: 'PublicEnquiryVenue' });
export type PublicEnquiryVenue = z.infer<typeof PublicEnquiryVenueSchema>;

/** One enquiry as the inbox shows it. */
export const EnquirySchema = z
  .object({
    id: z.string(),
    customer: z.object({ id: z.string(), customerNumber: z.string(), name: z.string() }),
    status: EnquiryStatusSchema,
    assignee: StaffRefSchema.nullable(),
    contactName: z.string().nullable(),
    contactEmail: z.string().nullable(),
    contactPhone: z.string().nullable(),
    message: z.string(),
    preferredDate: z.string().nullable(),
    partySize: z.number().int().nullable(),
    source: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Enquiry' });
export type Enquiry = z.infer<typeof EnquirySchema>;

export const EnquiryListQuerySchema = z.object({
  status: EnquiryStatusSchema.optional(),
  /** A staff member's id, or `none` for those nobody has taken. */
  assignee: z.union([z.uuid({ error: 'An assignee is a staff id or none' }), z.literal('none')]).optional(),
  /** One customer's enquiries (their system id or customer number), as the profile lists them. */
  customer: z.string().trim().min(1).max(64).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export type EnquiryListQuery = z.input<typeof EnquiryListQuerySchema>;

export const EnquiryPageSchema = z
  .object({
    items: z.array(EnquirySchema),
    page: z.number().int(),
    pageSize: z.number().int(),
    hasMore: z.boolean(),
    /** How many enquiries have each status (the filter's counts). */
    counts: z.object({ new: z.number().int(), in_progress: z.number().int(), won: z.number().int(), lost: z.number().int() }),
  })
  .meta({ id: 'EnquiryPage' });
export type EnquiryPage = z.infer<typeof EnquiryPageSchema>;

export const EnquiryPatchSchema = z
  .object({
    status: EnquiryStatusSchema.optional(),
    /** A staff member of the organization, or null to leave it with nobody. */
    assigneeId: z.uuid({ error: 'An assignee is a staff id' }).nullable().optional(),
  })
  .strict()
  .refine((v) => v.status !== undefined || v.assigneeId !== undefined, { message: 'Change the status or the assignee', path: ['status'] })
  .meta({ id: 'EnquiryPatch' });
export type EnquiryPatch = z.infer<typeof EnquiryPatchSchema>;

/** `/api/public/enquire/{slug}`. */
export const EnquiryVenueParamsSchema = z.object({
  slug: pathParam(
    'slug',
    z
      .string()
      .min(1)
      .max(64)
      .regex(/^[a-z0-9-]+$/, 'Not a venue'),
  ),
});
