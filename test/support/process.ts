import { ApiClient } from './client.ts';
import { createTestDatabase } from './db.ts';
import { OWNER } from './foyer.ts';
import { startFoyerProcess, type FoyerProcess } from './server-process.ts';

export { kill9 } from './server-process.ts';

export type { FoyerProcess };

/** The server in its own process (see startFoyerProcess), with a fresh test database and the demo owner's login fixed to OWNER. */
export async function spawnFoyer(env: Record<string, string> = {}, entry?: string): Promise<FoyerProcess> {
  return startFoyerProcess(env.DATABASE_URL ?? (await createTestDatabase()), OWNER, env, entry);
}

/** The demo owner, signed in on that server process. */
export async function signInOwner(p: FoyerProcess): Promise<ApiClient> {
  const client = new ApiClient(p.url);
  await client.login(OWNER.email, OWNER.password);
  return client;
}
