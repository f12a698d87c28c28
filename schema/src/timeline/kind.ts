import { z } from 'zod';

/**
 * Ac1: the parts every timeline entry has, and `timelineKind`, which declares one kind of entry.
 * The kinds themselves live with the domain they are about (`schema/src/<domain>/events.ts`,
 * beside the events that write them); `timeline/wire.ts` joins them into one discriminated union.
 * (This file imports no domain, so a domain's events.ts can use it without an import cycle.)
 */

/**
 * How an entry came about: `dashboard` (a staff member in the app), `online` (the customer, in a
 * public flow), `edge` (a door's device), `import`, `system` (the server on its own: seed, CLI).
 */
export const TIMELINE_SOURCES = ['dashboard', 'online', 'edge', 'import', 'system'] as const;
export const TimelineSourceSchema = z.enum(TIMELINE_SOURCES).meta({ id: 'TimelineSource', description: 'How the entry came about' });
export type TimelineSource = z.infer<typeof TimelineSourceSchema>;

/** A staff member as an entry names them (their name when the entry was written). */
export const StaffRefSchema = z.object({ userId: z.uuid(), name: z.string() }).meta({ id: 'StaffRef' });
export type StaffRef = z.infer<typeof StaffRefSchema>;

/** What every entry has besides its kind's own fields. */
const entryBase = {
  id: z.number().int().meta({ description: "The entry's id; an entry sent again live (a note's editing session goes on) has the same id" }),
  source: TimelineSourceSchema,
  occurredAt: z.iso.datetime({ offset: true }).meta({ description: 'When it happened (ISO 8601)' }),
  actor: StaffRefSchema.nullable().meta({ description: 'The staff member who did it; null when the customer, a device or the system did' }),
};

/**
 * One kind of timeline entry: its `type` (the discriminator, snake_case, never renamed: stored rows
 * carry it), its `category` (what the timeline groups it under: visit, booking, profile, note …)
 * and its own fields. Fields never change incompatibly: stored entries were written with the old
 * shape (add an optional field, or a new kind).
 */
export function timelineKind<const T extends string, const C extends string, S extends z.ZodRawShape>(type: T, category: C, fields: S, description: string) {
  return z.object({ ...entryBase, type: z.literal(type), category: z.literal(category), ...fields }).meta({ id: `Timeline_${type}`, description });
}
