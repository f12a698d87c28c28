import { z } from 'zod';

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
