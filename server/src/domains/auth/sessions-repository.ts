import { and, eq, gt, lt } from 'drizzle-orm';
import { organizations, sessions, users } from '@foyer/schema/tables';
import type { DbOrTx } from '../../platform/db/connect.ts';

export async function insertSession(db: DbOrTx, values: { tokenHash: string; userId: string; orgId: string; expiresAt: Date }) {
  await db.insert(sessions).values(values);
}

/**
 * The signed-in user and organization behind a live session, or undefined. Live: not past its
 * (sliding) expiry, and opened after `openedAfter` (the absolute lifetime, auth/service.ts).
 */
export async function findSession(db: DbOrTx, tokenHash: string, openedAfter: Date) {
  const [row] = await db
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
    .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, new Date()), gt(sessions.createdAt, openedAfter)));
  return row;
}

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
