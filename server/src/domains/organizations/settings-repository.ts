import { eq } from 'drizzle-orm';
import { organizations } from '@foyer/schema/tables';
import type { DbOrTx } from '../../platform/db/connect.ts';

export type Settings = {
  maxTagsPerCustomer: number | null;
  maxActiveBookingsPerCustomer: number;
  defaultCountry: string;
  timezone: string;
  defaultCurrency: string;
  acceptedCurrencies: string[];
  lifecycleAtRiskDays: number;
  lifecycleChurnedDays: number;
  lifecycleReactivationOrders: number;
};

const settingsColumns = {
  maxTagsPerCustomer: organizations.maxTagsPerCustomer,
  maxActiveBookingsPerCustomer: organizations.maxActiveBookingsPerCustomer,
  defaultCountry: organizations.defaultCountry,
  timezone: organizations.timezone,
  defaultCurrency: organizations.defaultCurrency,
  acceptedCurrencies: organizations.acceptedCurrencies,
  lifecycleAtRiskDays: organizations.lifecycleAtRiskDays,
  lifecycleChurnedDays: organizations.lifecycleChurnedDays,
  lifecycleReactivationOrders: organizations.lifecycleReactivationOrders,
};

export async function findSettings(db: DbOrTx, orgId: string): Promise<Settings | undefined> {
  const [row] = await db.select(settingsColumns).from(organizations).where(eq(organizations.id, orgId));
  return row;
}

export async function updateSettings(db: DbOrTx, orgId: string, values: Partial<Settings>): Promise<Settings | undefined> {
  const [row] = await db.update(organizations).set(values).where(eq(organizations.id, orgId)).returning(settingsColumns);
  return row;
}
