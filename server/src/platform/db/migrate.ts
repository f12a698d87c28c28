import { fileURLToPath } from 'node:url';
import { migrate as drizzleMigrate } from 'drizzle-orm/node-postgres/migrator';
import { migrateJobQueue } from '../jobs.ts';
import type { Db } from './connect.ts';

export const migrationsFolder = fileURLToPath(new URL('../../../../schema/migrations', import.meta.url));

/**
 * Applies the committed migrations; drizzle takes an advisory lock, so concurrent starts are safe.
 * Then graphile-worker's own schema (the job queue's; it detects concurrent migrations itself).
 */
export async function migrate(db: Db): Promise<void> {
  await drizzleMigrate(db, { migrationsFolder });
  await migrateJobQueue(db.$client);
}
