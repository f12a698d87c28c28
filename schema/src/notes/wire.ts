import { z } from 'zod';
import { itemsOf, pathParam } from '../platform/wire.ts';
import { CustomerRefSchema } from '../customers/wire.ts';

/** N1: a customer's shared notes, their attachments and mentions; the staff the mentions list. */

/** Yjs messages on the staff socket: an update up to 256 KiB, an awareness message up to 32 KiB. */
export const MAX_NOTE_UPDATE_BYTES = 256 * 1024;
export const MAX_NOTE_AWARENESS_BYTES = 32 * 1024;

export const StaffMemberSchema = z.object({ id: z.string(), name: z.string(), role: z.enum(['owner', 'manager', 'staff']) }).meta({ id: 'StaffMember' });
export type StaffMember = z.infer<typeof StaffMemberSchema>;

export const NoteAttachmentSchema = z
  .object({
    id: z.string(),
    fileName: z.string(),
    contentType: z.string(),
    byteSize: z.number().int(),
    createdAt: z.string(),
    uploadedBy: z.object({ userId: z.string(), name: z.string() }).nullable(),
  })
  .meta({ id: 'NoteAttachment' });
export type NoteAttachment = z.infer<typeof NoteAttachmentSchema>;

export const NoteSearchHitSchema = z
  .object({ customerId: z.string(), customerNumber: z.string(), name: z.string(), snippet: z.string(), updatedAt: z.string() })
  .meta({ id: 'NoteSearchHit' });
export type NoteSearchHit = z.infer<typeof NoteSearchHitSchema>;

export const NoteSearchQuerySchema = z.object({
  q: z
    .string({ error: 'Say what to look for' })
    .trim()
    .min(2, 'Type at least 2 characters')
    .max(200, 'At most 200 characters')
    .meta({ param: { name: 'q', in: 'query' } }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(50)
    .default(8)
    .meta({ param: { name: 'limit', in: 'query' } }),
});

export const StaffNotificationSchema = z
  .object({
    id: z.string(),
    kind: z.literal('mention'),
    body: z.string(),
    customerId: z.string().nullable(),
    actor: z.object({ userId: z.string(), name: z.string() }).nullable(),
    createdAt: z.string(),
    readAt: z.string().nullable(),
  })
  .meta({ id: 'StaffNotification' });

export const MarkReadSchema = z
  .object({
    ids: z
      .array(z.uuid({ error: 'Not a notification id' }))
      .max(200)
      .optional(),
  })
  .strict()
  .meta({ id: 'MarkNotificationsRead', description: 'The notifications to mark read; all of them without `ids`' });

/** `/customers/{ref}/notes/attachments[/{id}]`. */
export const NoteRefParamsSchema = z.object({ ref: pathParam('ref', CustomerRefSchema) });
export const NoteAttachmentParamsSchema = NoteRefParamsSchema.extend({ id: pathParam('id', z.string()) });

/** GET /api/notifications: my latest notifications and how many are unread. */
export const StaffNotificationsSchema = itemsOf(StaffNotificationSchema).extend({ unread: z.number().int() });
/** How many of my notifications are still unread. */
export const UnreadCountSchema = z.object({ unread: z.number().int() });
