import type { Component } from 'svelte';
import type { StaffRef, TimelineEntry, TimelineEntryOf, TimelineType } from '@foyer/schema/validation';
import AttachmentAdded from './AttachmentAdded.svelte';
import BookingCancelled from './BookingCancelled.svelte';
import BookingCheckedIn from './BookingCheckedIn.svelte';
import BookingConfirmed from './BookingConfirmed.svelte';
import BookingMoved from './BookingMoved.svelte';
import BookingNoShow from './BookingNoShow.svelte';
import DoorEntry from './DoorEntry.svelte';
import EnquiryReceived from './EnquiryReceived.svelte';
import EnquiryStatusChanged from './EnquiryStatusChanged.svelte';
import NoteSession from './NoteSession.svelte';
import OrderPlaced from './OrderPlaced.svelte';
import PaymentReceived from './PaymentReceived.svelte';
import ProfileCreated from './ProfileCreated.svelte';
import ProfileErased from './ProfileErased.svelte';
import ProfileMerged from './ProfileMerged.svelte';
import ProfileUpdated from './ProfileUpdated.svelte';

/**
 * Ac1: the component that shows each kind of timeline entry. The map is exhaustive: a kind added
 * to @foyer/schema's TimelineEntry union without a component here does not compile.
 */
export const timelineComponents: { [T in TimelineType]: Component<{ entry: TimelineEntryOf<T> }> } = {
  door_entry: DoorEntry,
  booking_confirmed: BookingConfirmed,
  booking_cancelled: BookingCancelled,
  booking_moved: BookingMoved,
  booking_checked_in: BookingCheckedIn,
  booking_no_show: BookingNoShow,
  enquiry_received: EnquiryReceived,
  enquiry_status_changed: EnquiryStatusChanged,
  profile_created: ProfileCreated,
  profile_updated: ProfileUpdated,
  profile_erased: ProfileErased,
  profile_merged: ProfileMerged,
  note_added: NoteSession,
  note_edited: NoteSession,
  attachment_added: AttachmentAdded,
  order_placed: OrderPlaced,
  order_cancelled: OrderPlaced,
  payment_received: PaymentReceived,
  refund_issued: PaymentReceived,
};

/** The component of an entry's kind. */
export const componentOf = (entry: TimelineEntry) => timelineComponents[entry.type] as Component<{ entry: TimelineEntry }>;

/** "by Ada Lovelace" for an entry a colleague made, else how it came about ("online", "by the system"). */
export function byline(entry: Pick<TimelineEntry, 'actor' | 'source'>): string {
  if (entry.actor) return `by ${entry.actor.name}`;
  return { dashboard: 'by a colleague', online: 'online', edge: 'at the door', import: 'by import', system: 'by the system' }[entry.source];
}

/** "Ada", "Ada and Grace", "Ada, Grace and Alan". */
export function names(people: StaffRef[]): string {
  const list = people.map((p) => p.name);
  return list.length <= 1 ? (list[0] ?? 'a colleague') : `${list.slice(0, -1).join(', ')} and ${list.at(-1)}`;
}
