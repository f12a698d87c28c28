import { eq, sql } from 'drizzle-orm';
import { users } from '@foyer/schema/tables';
import type { Role } from '@foyer/schema/validation';
import type { DbOrTx } from '../../platform/db/connect.ts';

export type User = typeof users.$inferSelect;

export async function insertUser(db: DbOrTx, values: { orgId: string; email: string; name: string; passwordHash: string; role: Role }) {
  const [user] = await db.insert(users).values(values).returning();
  return user!;
}

/** Staff emails are unique across organizations (sign-in asks for nothing else). */
export async function findUserByEmail(db: DbOrTx, email: string) {
  const [user] = await db
    .select()
    .from(users)
    .where(eq(sql`lower(${users.email})`, email.toLowerCase()));
  return user;
}
