import { randomBytes } from 'node:crypto';
import { NewPasswordSchema, type Role } from '@foyer/schema/validation';
import { z } from 'zod';
import { sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../platform/db/connect.ts';
import { invalid, uniqueViolation } from '../../platform/errors.ts';
import { hashPassword } from '../auth/passwords.ts';
import { passwordProblem } from '../auth/password-policy.ts';
import { insertDoor } from '../doors/repository.ts';
import { countOrganizations, insertOrganization, findOrganizationBySlug } from './repository.ts';
import { ensureBuiltinTags } from '../tags/repository.ts';
import { insertUser } from '../auth/users-repository.ts';

export const slugify = (name: string) =>
  name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 48) || 'org';

const StaffSchema = z.object({
  email: z.email({ error: 'Not a valid email address' }),
  password: NewPasswordSchema,
  name: z.string().trim().min(1).max(100),
});

/** Adds a staff member to an organization; the email must be free across Foyer. */
export async function addUser(db: DbOrTx, orgId: string, input: { email: string; password: string; name?: string; role: Role }) {
  const parsed = StaffSchema.safeParse({ ...input, name: input.name ?? input.email.split('@')[0] });
  if (!parsed.success) throw invalid(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  // Every way a password is set (CLI users add / orgs add, FOYER_ADMIN_PASSWORD) comes through here.
  const problem = passwordProblem(parsed.data.password, parsed.data.email);
  if (problem) throw invalid(`password: ${problem}`);
  try {
    return await insertUser(db, { orgId, ...parsed.data, passwordHash: await hashPassword(parsed.data.password), role: input.role });
  } catch (error) {
    if (uniqueViolation(error) !== null) throw invalid(`A staff member with email ${input.email} already exists`);
    throw error;
  }
}

/** Creates an organization with its owner, in one transaction. */
export async function createOrganization(db: DbOrTx, input: { name: string; ownerEmail: string; password: string; defaultCountry?: string }) {
  const name = input.name.trim();
  if (!name) throw invalid('An organization needs a name');
  let slug = slugify(name);
  if (await findOrganizationBySlug(db, slug)) slug = `${slug}-${randomBytes(3).toString('hex')}`;
  return db.transaction(async (tx) => {
    const org = await insertOrganization(tx, { name, slug, defaultCountry: input.defaultCountry ?? 'GB' });
    const owner = await addUser(tx, org.id, { email: input.ownerEmail, password: input.password, name: 'Owner', role: 'owner' });
    await ensureBuiltinTags(tx, org.id);
    return { org, owner };
  });
}

/**
 * First start on an empty database: the "Demo Venue" organization, its owner and a "Front door"
 * to pair a device with. The login comes from FOYER_ADMIN_EMAIL / FOYER_ADMIN_PASSWORD, or is
 * generated and returned to be printed once.
 */
export async function bootstrapDemo(db: Db, admin: { email?: string; password?: string }) {
  return db.transaction(async (tx) => {
    // Two servers starting on one empty database must not both create the demo.
    await tx.execute(sql`select pg_advisory_xact_lock(7419001)`);
    if ((await countOrganizations(tx)) > 0) return undefined;
    const email = admin.email ?? 'owner@demo.foyer.local';
    const password = admin.password ?? randomBytes(12).toString('base64url');
    const problem = admin.password && passwordProblem(admin.password, email);
    if (problem) throw new Error(`FOYER_ADMIN_PASSWORD: ${problem}`);
    const { org } = await createOrganization(tx, { name: 'Demo Venue', ownerEmail: email, password });
    await insertDoor(tx, org.id, { name: 'Front door', location: 'Main entrance' });
    return { org, email, password, generated: !admin.password };
  });
}
