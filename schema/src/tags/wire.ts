import { z } from 'zod';

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
