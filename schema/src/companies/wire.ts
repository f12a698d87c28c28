import { z } from 'zod';

import { CustomerListItemSchema } from '../customers/wire.ts';

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
    items: z.array(CustomerListItemSchema.extend({ linkedBy: z.enum(['domain', 'manual']) })),
    total: z.number().int(),
    totalCapped: z.boolean(),
  })
  .meta({ id: 'CompanyMemberPage' });
export type CompanyMemberPage = z.infer<typeof CompanyMemberPageSchema>;
