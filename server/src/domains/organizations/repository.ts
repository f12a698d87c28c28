import { eq, sql } from 'drizzle-orm';
import { organizations } from '@foyer/schema/tables';
import { currencyOfCountry } from '@foyer/schema/validation';
import type { DbOrTx } from '../../platform/db/connect.ts';

export type Organization = typeof organizations.$inferSelect;

export async function insertOrganization(db: DbOrTx, values: { name: string; slug: string; defaultCountry?: string }) {
  // The currency follows the country (GB → GBP, FR → EUR); staff can change it in Settings.
  const [org] = await db
    .insert(organizations)
    .values({ ...values, defaultCurrency: currencyOfCountry(values.defaultCountry ?? 'GB') })
    .returning();
  return org!;
}

export async function findOrganizationBySlug(db: DbOrTx, slug: string) {
  const [org] = await db.select().from(organizations).where(eq(organizations.slug, slug));
  return org;
}

export async function countOrganizations(db: DbOrTx): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(organizations);
  return row!.n;
}
