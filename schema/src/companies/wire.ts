import { z } from 'zod';

import { CustomerListItemSchema, CustomerRefSchema } from '../customers/wire.ts';
import { pathParam, uuidParams } from '../platform/wire.ts';

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

/** A company's people: list rows, each saying how it is linked (by an email domain or by hand). */
export const CompanyMemberPageSchema = z
  .object({
    items: z.array(
      CustomerListItemSchema.extend({
        linkedBy: z.enum(['domain', 'manual']),
        /** For a domain link, the company domain that made it (it may be a second email's, not the primary's). */
        linkedDomain: z.string().nullable(),
      }),
    ),
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
