import { z } from 'zod';
import { StaffRefSchema, timelineKind } from '../timeline/kind.ts';

/** N1: what the notes domain says happened (written to the outbox with the change). */
export const noteEvents = {
  /**
   * The note's text changed (its plain-text projection, a second or so after typing stops; not
   * per keystroke). `editorIds`: who typed since the last projection; `wasEmpty`: it had no text before.
   */
  'note.edited': z.object({ customerId: z.uuid(), editorIds: z.array(z.uuid()), wasEmpty: z.boolean() }),
  'note.attachment.added': z.object({ customerId: z.uuid(), attachmentId: z.uuid(), actorUserId: z.uuid().nullable() }),
} as const;

const session = {
  editors: z.array(StaffRefSchema).meta({ description: 'Who edited in this session' }),
  lastEditedAt: z.iso.datetime({ offset: true }).meta({ description: 'The last edit of the session (occurredAt is its first)' }),
};

/**
 * Ac1: the notes domain's kinds of timeline entry. A note's edits make one entry per editing
 * session (edits less than NOTE_SESSION_MINUTES apart), not one per keystroke.
 */
export const noteTimelineKinds = [
  timelineKind('note_added', 'note', session, 'Text was written in an empty note (from note.edited)'),
  timelineKind('note_edited', 'note', session, 'The note was edited (from note.edited)'),
  timelineKind(
    'attachment_added',
    'note',
    { attachment: z.object({ id: z.string(), fileName: z.string(), contentType: z.string(), byteSize: z.number().int() }) },
    'A file was attached to the notes (from note.attachment.added)',
  ),
] as const;

/** Edits of a note less than this far apart are one session: one timeline entry. */
export const NOTE_SESSION_MINUTES = 5;
