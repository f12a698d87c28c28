import { and, desc, eq, gt, lt, ne, sql } from 'drizzle-orm';
import { organizations, roles, sessions, users } from '@foyer/schema/tables';
import { prepared, type Db, type DbOrTx } from '../../platform/db/connect.ts';

export async function insertSession(db: DbOrTx, values: { tokenHash: string; userId: string; orgId: string; expiresAt: Date; userAgent?: string | null }) {
  await db.insert(sessions).values(values);
}

/**
 * The signed-in user and organization behind a live session, or undefined. Live: not past its
 * (sliding) expiry, and opened after `openedAfter` (the absolute lifetime, auth/service.ts).
 */
export async function findSession(db: Db, tokenHash: string, openedAfter: Date) {
  const [row] = await findSessionStatement(db).execute({ tokenHash, now: new Date(), openedAfter });
  return row;
}

/** Built once per database and prepared by name (see `prepared`): asked on every request the session cache does not answer. */
const findSessionStatement = (db: Db) =>
  prepared(db, 'auth_find_session', (db, name) =>
    db
      .select({
        session: { expiresAt: sessions.expiresAt, createdAt: sessions.createdAt },
        user: {
          id: users.id,
          email: users.email,
          name: users.name,
          role: users.role,
          avatarContentType: users.avatarContentType,
          avatarVersion: users.avatarVersion,
        },
        customRole: { id: roles.id, name: roles.name, permissions: roles.permissions },
        organization: {
          id: organizations.id,
          name: organizations.name,
          slug: organizations.slug,
          defaultCountry: organizations.defaultCountry,
          defaultCurrency: organizations.defaultCurrency,
        },
      })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .innerJoin(organizations, eq(organizations.id, sessions.orgId))
      .leftJoin(roles, eq(roles.id, users.customRoleId))
      .where(
        and(
          eq(sessions.tokenHash, sql.placeholder('tokenHash')),
          gt(sessions.expiresAt, sql.placeholder('now')),
          gt(sessions.createdAt, sql.placeholder('openedAfter')),
          // A deactivated member's sessions were deleted with the deactivation; this is the second lock.
          eq(users.active, true),
        ),
      )
      .prepare(name),
  );

export async function extendSession(db: DbOrTx, tokenHash: string, expiresAt: Date) {
  await db.update(sessions).set({ expiresAt }).where(eq(sessions.tokenHash, tokenHash));
}

/** Deletes a session; returns whose it was (undefined when there was none). */
export async function deleteSession(db: DbOrTx, tokenHash: string) {
  const [row] = await db.delete(sessions).where(eq(sessions.tokenHash, tokenHash)).returning({ userId: sessions.userId, orgId: sessions.orgId });
  return row;
}

export async function deleteExpiredSessions(db: DbOrTx) {
  await db.delete(sessions).where(lt(sessions.expiresAt, new Date()));
}

/** A member's live sessions, newest first (their own list in Settings). */
export async function sessionsOfUser(db: DbOrTx, userId: string) {
  return db
    .select({ id: sessions.id, tokenHash: sessions.tokenHash, userAgent: sessions.userAgent, createdAt: sessions.createdAt, expiresAt: sessions.expiresAt })
    .from(sessions)
    .where(and(eq(sessions.userId, userId), gt(sessions.expiresAt, new Date())))
    .orderBy(desc(sessions.createdAt));
}

/** Deletes a member's sessions (all, or all but `except`, or the one with id `only`); returns their hashes. */
export async function deleteSessionsOfUser(db: DbOrTx, userId: string, filter: { except?: string; only?: string } = {}) {
  const rows = await db
    .delete(sessions)
    .where(
      and(
        eq(sessions.userId, userId),
        filter.except ? ne(sessions.tokenHash, filter.except) : undefined,
        filter.only ? eq(sessions.id, filter.only) : undefined,
      ),
    )
    .returning({ tokenHash: sessions.tokenHash, orgId: sessions.orgId });
  return rows;
}
