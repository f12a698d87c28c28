import { z } from 'zod';

export const SegmentCreateSchema = z
  .object({
    name: z.string().trim().min(1, 'A segment needs a name').max(100, 'A segment name has at most 100 characters'),
    /** The list's query string without paging, e.g. "tags=…&createdFrom=2026-01-01". */
    query: z.string().max(4000),
  })
  .strict()
  .meta({ id: 'SegmentCreate' });
export const SegmentSchema = z.object({ id: z.string(), name: z.string(), query: z.string(), createdAt: z.string() }).meta({ id: 'Segment' });

export const MarketingListCreateSchema = z
  .object({ name: z.string().trim().min(1, 'A list needs a name').max(100, 'A list name has at most 100 characters') })
  .strict()
  .meta({ id: 'MarketingListCreate' });
export const MarketingListSchema = z
  .object({ id: z.string(), name: z.string(), memberCount: z.number().int(), createdAt: z.string() })
  .meta({ id: 'MarketingList' });

export type Segment = z.infer<typeof SegmentSchema>;
export type MarketingList = z.infer<typeof MarketingListSchema>;
