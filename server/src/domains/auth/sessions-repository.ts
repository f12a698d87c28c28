import { and, eq, gt, lt, sql } from 'drizzle-orm';
import { organizations, sessions, users } from '@foyer/schema/tables';
import { prepared, type Db, type DbOrTx } from '../../platform/db/connect.ts';

export async function insertSession(db: DbOrTx, values: { tokenHash: string; userId: string; orgId: string; expiresAt: Date }) {
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
        user: { id: users.id, email: users.email, name: users.name, role: users.role },
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
      .where(
        and(
          eq(sessions.tokenHash, sql.placeholder('tokenHash')),
          gt(sessions.expiresAt, sql.placeholder('now')),
          gt(sessions.createdAt, sql.placeholder('openedAfter')),
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
