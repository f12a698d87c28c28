import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { customerNotes, customers, noteAttachments, noteUpdates, notifications, users } from '@foyer/schema/tables';
import type { Db, DbOrTx } from '../../platform/db/connect.ts';
import type { Tx } from '../../platform/outbox.ts';

/** The stored state of one note: its snapshot and every update not folded into it yet, in id order. */
export type StoredNote = { snapshot: Buffer | null; updates: { id: number; update: Buffer }[] };

/** The customer's name and whether they are this organization's (and not erased): what may open a note. */
export async function findNoteCustomer(db: DbOrTx, orgId: string, customerId: string) {
  const [row] = await db
    .select({
      id: customers.id,
      customerNumber: customers.customerNumber,
      firstName: customers.firstName,
      lastName: customers.lastName,
      erasedAt: customers.erasedAt,
    })
    .from(customers)
    .where(and(eq(customers.orgId, orgId), eq(customers.id, customerId)));
  return row;
}

/** Makes the note's row exist: it holds the snapshot and the search text. */
export async function ensureNote(db: DbOrTx, orgId: string, customerId: string) {
  await db.insert(customerNotes).values({ orgId, customerId }).onConflictDoNothing();
}

/**
 * Loads the snapshot and every remaining update. Updates are read whatever their id relative to
 * `snapshot_through`: applying an update twice is harmless in Yjs, and missing one is not.
 */
export async function loadNote(db: DbOrTx, customerId: string): Promise<StoredNote> {
  const [note] = await db.select({ snapshot: customerNotes.snapshot }).from(customerNotes).where(eq(customerNotes.customerId, customerId));
  const updates = await db
    .select({ id: noteUpdates.id, update: noteUpdates.update })
    .from(noteUpdates)
    .where(eq(noteUpdates.customerId, customerId))
    .orderBy(asc(noteUpdates.id));
  return { snapshot: note?.snapshot ?? null, updates };
}

/**
 * Appends updates in ONE statement (one commit) and returns their ids. Appends take no lock on
 * the note: compaction deletes only the rows it folded, and loading reads every row still there.
 */
export async function appendUpdates(db: Db, orgId: string, customerId: string, items: { update: Uint8Array; userId: string }[]) {
  const rows = await db
    .insert(noteUpdates)
    .values(items.map((i) => ({ orgId, customerId, userId: i.userId, update: Buffer.from(i.update.buffer, i.update.byteOffset, i.update.byteLength) })))
    .returning({ id: noteUpdates.id });
  return rows.map((r) => r.id);
}

export async function countUpdates(db: DbOrTx, customerId: string) {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(noteUpdates)
    .where(eq(noteUpdates.customerId, customerId));
  return row?.n ?? 0;
}

/**
 * Folds the log into a snapshot. Compactions of one note exclude each other (a transaction-level
 * advisory lock, across nodes; a busy lock means another is at it, and this one stands down), but
 * appends go on meanwhile: `fold` gets the snapshot and the rows committed so far and returns the
 * re-encoded document and its text; the new snapshot replaces exactly the rows it folded, in the
 * same transaction. A row committed during the fold (even with a smaller id) stays for next time.
 * `textChanged` runs in that transaction when the search text changes (the service says so on the outbox).
 */
export async function compactNote(
  db: Db,
  customerId: string,
  fold: (stored: StoredNote) => { snapshot: Uint8Array; plainText: string },
  textChanged?: (tx: Tx, change: TextChange) => Promise<unknown>,
) {
  return db.transaction(async (tx) => {
    const locked = await tx.execute<{ ok: boolean }>(sql`select pg_try_advisory_xact_lock(hashtextextended(${`note:${customerId}`}, 0)) as ok`);
    if (!locked.rows[0]?.ok) return 0;
    const [note] = await tx
      .select({ snapshotThrough: customerNotes.snapshotThrough, orgId: customerNotes.orgId, plainText: customerNotes.plainText })
      .from(customerNotes)
      .where(eq(customerNotes.customerId, customerId))
      .for('no key update');
    if (!note) return 0;
    const stored = await loadNote(tx, customerId);
    if (!stored.updates.length) return 0;
    const ids = stored.updates.map((u) => u.id);
    const { snapshot, plainText } = fold(stored);
    await tx
      .update(customerNotes)
      .set({ snapshot: Buffer.from(snapshot), snapshotThrough: Math.max(note.snapshotThrough, ids[ids.length - 1]!), plainText, updatedAt: sql`now()` })
      .where(eq(customerNotes.customerId, customerId));
    await tx.delete(noteUpdates).where(and(eq(noteUpdates.customerId, customerId), inArray(noteUpdates.id, ids)));
    if (plainText !== note.plainText) await textChanged?.(tx, { orgId: note.orgId, customerId, before: note.plainText, after: plainText });
    return ids.length;
  });
}

/** A change of a note's search text. */
export type TextChange = { orgId: string; customerId: string; before: string; after: string };

/**
 * Sets the note's search text to what `textOf` makes of the stored document, read under the
 * note row's lock (two nodes projecting at once compare with each other's result, not a stale
 * one); when it changed, `textChanged` runs in the same transaction.
 */
export async function setPlainText(
  db: Db,
  customerId: string,
  textOf: (stored: StoredNote) => string,
  textChanged?: (tx: Tx, change: TextChange) => Promise<unknown>,
) {
  await db.transaction(async (tx) => {
    const [note] = await tx
      .select({ orgId: customerNotes.orgId, plainText: customerNotes.plainText })
      .from(customerNotes)
      .where(eq(customerNotes.customerId, customerId))
      .for('no key update');
    if (!note) return;
    const plainText = textOf(await loadNote(tx, customerId));
    if (plainText === note.plainText) return;
    await tx
      .update(customerNotes)
      .set({ plainText, updatedAt: sql`now()` })
      .where(eq(customerNotes.customerId, customerId));
    await textChanged?.(tx, { orgId: note.orgId, customerId, before: note.plainText, after: plainText });
  });
}

/** Notes whose text has `q` in it (the trigram index serves ILIKE), most recently edited first. */
export async function searchNotes(db: DbOrTx, orgId: string, q: string, limit: number) {
  const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return db
    .select({
      customerId: customers.id,
      customerNumber: customers.customerNumber,
      firstName: customers.firstName,
      lastName: customers.lastName,
      plainText: customerNotes.plainText,
      updatedAt: customerNotes.updatedAt,
    })
    .from(customerNotes)
    .innerJoin(customers, eq(customers.id, customerNotes.customerId))
    .where(and(eq(customerNotes.orgId, orgId), isNull(customers.erasedAt), sql`${customerNotes.plainText} ilike ${pattern}`))
    .orderBy(desc(customerNotes.updatedAt))
    .limit(limit);
}

/** The organization's staff, for @-mentions. */
export async function listStaff(db: DbOrTx, orgId: string) {
  return db
    .select({ id: users.id, name: users.name, role: users.role })
    .from(users)
    .where(and(eq(users.orgId, orgId), eq(users.active, true)))
    .orderBy(asc(users.name));
}

export async function staffInOrg(db: DbOrTx, orgId: string, ids: string[]) {
  if (!ids.length) return [];
  return db
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(and(eq(users.orgId, orgId), inArray(users.id, ids)));
}

// ---- notifications

export type NotificationRow = typeof notifications.$inferSelect & { actorName: string | null };

const notificationColumns = {
  id: notifications.id,
  orgId: notifications.orgId,
  userId: notifications.userId,
  kind: notifications.kind,
  customerId: notifications.customerId,
  actorUserId: notifications.actorUserId,
  body: notifications.body,
  createdAt: notifications.createdAt,
  readAt: notifications.readAt,
  actorName: users.name,
};

export async function insertNotifications(db: DbOrTx, rows: (typeof notifications.$inferInsert)[]) {
  if (!rows.length) return [];
  return db.insert(notifications).values(rows).returning();
}

export async function listNotifications(db: DbOrTx, orgId: string, userId: string, limit: number): Promise<NotificationRow[]> {
  return db
    .select(notificationColumns)
    .from(notifications)
    .leftJoin(users, eq(users.id, notifications.actorUserId))
    .where(and(eq(notifications.orgId, orgId), eq(notifications.userId, userId)))
    .orderBy(desc(notifications.createdAt))
    .limit(limit);
}

export async function countUnread(db: DbOrTx, orgId: string, userId: string) {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(notifications)
    .where(and(eq(notifications.orgId, orgId), eq(notifications.userId, userId), isNull(notifications.readAt)));
  return row?.n ?? 0;
}

/** Marks some (or all, `ids` undefined) of a user's notifications read; returns how many changed. */
export async function markRead(db: DbOrTx, orgId: string, userId: string, ids?: string[]) {
  const rows = await db
    .update(notifications)
    .set({ readAt: sql`now()` })
    .where(
      and(eq(notifications.orgId, orgId), eq(notifications.userId, userId), isNull(notifications.readAt), ids ? inArray(notifications.id, ids) : undefined),
    )
    .returning({ id: notifications.id });
  return rows.length;
}

// ---- attachments

const attachmentColumns = {
  id: noteAttachments.id,
  fileName: noteAttachments.fileName,
  contentType: noteAttachments.contentType,
  byteSize: noteAttachments.byteSize,
  createdAt: noteAttachments.createdAt,
  uploadedBy: noteAttachments.uploadedBy,
  uploaderName: users.name,
};

export async function insertAttachment(db: DbOrTx, values: typeof noteAttachments.$inferInsert) {
  const [row] = await db.insert(noteAttachments).values(values).returning({ id: noteAttachments.id });
  return row!.id;
}

export async function listAttachments(db: DbOrTx, orgId: string, customerId: string, id?: string) {
  return db
    .select(attachmentColumns)
    .from(noteAttachments)
    .leftJoin(users, eq(users.id, noteAttachments.uploadedBy))
    .where(and(eq(noteAttachments.orgId, orgId), eq(noteAttachments.customerId, customerId), id ? eq(noteAttachments.id, id) : undefined))
    .orderBy(desc(noteAttachments.createdAt));
}

/** One attachment by id, whoever's notes it is on now (a merge moves it), without its bytes. */
export async function findAttachment(db: DbOrTx, orgId: string, id: string) {
  const [row] = await db
    .select({ ...attachmentColumns, customerId: noteAttachments.customerId })
    .from(noteAttachments)
    .leftJoin(users, eq(users.id, noteAttachments.uploadedBy))
    .where(and(eq(noteAttachments.orgId, orgId), eq(noteAttachments.id, id)));
  return row;
}

export async function readAttachment(db: DbOrTx, orgId: string, customerId: string, id: string) {
  const [row] = await db
    .select({ fileName: noteAttachments.fileName, contentType: noteAttachments.contentType, data: noteAttachments.data })
    .from(noteAttachments)
    .where(and(eq(noteAttachments.orgId, orgId), eq(noteAttachments.customerId, customerId), eq(noteAttachments.id, id)));
  return row;
}

export async function attachmentUploader(db: DbOrTx, orgId: string, customerId: string, id: string) {
  const [row] = await db
    .select({ uploadedBy: noteAttachments.uploadedBy })
    .from(noteAttachments)
    .where(and(eq(noteAttachments.orgId, orgId), eq(noteAttachments.customerId, customerId), eq(noteAttachments.id, id)));
  return row;
}

export async function deleteAttachment(db: DbOrTx, orgId: string, customerId: string, id: string) {
  const rows = await db
    .delete(noteAttachments)
    .where(and(eq(noteAttachments.orgId, orgId), eq(noteAttachments.customerId, customerId), eq(noteAttachments.id, id)))
    .returning({ id: noteAttachments.id });
  return rows.length > 0;
}
