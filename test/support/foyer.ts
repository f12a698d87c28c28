import { readConfig } from '@foyer/server/platform/config.ts';
import { createLogger, type Logger } from '@foyer/server/platform/logger.ts';
import { startFoyer, type FoyerExtensions, type RunningFoyer } from '@foyer/server/server.ts';
import { addUser, createOrganization } from '@foyer/server/domains/organizations/service.ts';
import type { Role } from '@foyer/schema/validation';
import { ApiClient } from './client.ts';
import { createTestDatabase } from './db.ts';

export const OWNER = { email: 'owner@demo.test', password: 'correct horse battery' };

export type TestFoyer = RunningFoyer & {
  /** A client signed in as a new staff member of a new organization (or of `orgId`). */
  signIn: (opts?: { role?: Role; orgId?: string }) => Promise<ApiClient & { orgId: string; email: string }>;
  client: () => ApiClient;
};

let n = 0;

/**
 * The real server, in this process, on a free port, with a database of its own (or `databaseUrl`:
 * several nodes on one database), with extra outbox subscribers, job kinds and routes if given, and
 * a silent logger unless given one.
 */
export async function startTestFoyer(
  extensions: FoyerExtensions & { databaseUrl?: string; logger?: Logger; env?: Record<string, string> } = {},
): Promise<TestFoyer> {
  const databaseUrl = extensions.databaseUrl ?? (await createTestDatabase());
  const config = {
    ...readConfig({ PORT: '0', HOST: '127.0.0.1', ...extensions.env }),
    databaseUrl,
    admin: { email: OWNER.email, password: OWNER.password },
  };
  const foyer = await startFoyer(config, extensions.logger ?? createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'), extensions);
  const db = foyer.database.db;
  return {
    ...foyer,
    client: () => new ApiClient(foyer.url),
    async signIn({ role = 'owner', orgId } = {}) {
      const email = `staff${++n}-${process.pid}@venue.test`;
      const password = 'a long enough password';
      let org = orgId;
      if (!org) org = (await createOrganization(db, { name: `Venue ${n}`, ownerEmail: email, password })).org.id;
      if (orgId || role !== 'owner') {
        const other = orgId ? email : `other-${email}`;
        await addUser(db, org, { email: other, password, role });
        const client = Object.assign(new ApiClient(foyer.url), { orgId: org, email: other });
        await client.login(other, password);
        return client;
      }
      const client = Object.assign(new ApiClient(foyer.url), { orgId: org, email });
      await client.login(email, password);
      return client;
    },
  };
}
