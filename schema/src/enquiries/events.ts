import { z } from 'zod';
import { timelineKind } from '../timeline/kind.ts';
import { EnquiryStatusSchema } from './wire.ts';

/** C8: what the enquiries domain says happened. */
export const enquiryEvents = {
  /** Someone sent the public enquiry form (or staff noted one). */
  'enquiry.received': z.object({ enquiryId: z.uuid() }),
  /** Staff changed an enquiry's status or assignee (`status` when the status changed). */
  'enquiry.updated': z.object({
    enquiryId: z.uuid(),
    userId: z.uuid().nullable(),
    status: z.object({ before: EnquiryStatusSchema, after: EnquiryStatusSchema }).optional(),
    assigneeChanged: z.boolean().optional(),
  }),
} as const;

/** An enquiry as its timeline entries name it (no message: the timeline outlives erasure). */
export const TimelineEnquirySchema = z
  .object({ id: z.string(), preferredDate: z.string().nullable(), partySize: z.number().int().nullable() })
  .meta({ id: 'TimelineEnquiry' });

/** Ac1: the enquiries domain's kinds of timeline entry. */
export const enquiryTimelineKinds = [
  timelineKind('enquiry_received', 'enquiry', { enquiry: TimelineEnquirySchema }, 'The customer sent an enquiry (from enquiry.received)'),
  timelineKind(
    'enquiry_status_changed',
    'enquiry',
    { enquiry: TimelineEnquirySchema, from: EnquiryStatusSchema, to: EnquiryStatusSchema },
    "Staff moved the customer's enquiry on: in progress, won or lost (from enquiry.updated)",
  ),
] as const;
