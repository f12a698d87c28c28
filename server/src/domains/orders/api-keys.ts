import { createHash, randomBytes } from 'node:crypto';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { apiKeys, organizations, roles, users } from '@foyer/schema/tables';
import { effectivePermissions, type ApiKey, type ApiKeyCreated, type Permission } from '@foyer/schema/validation';
import type { Db } from '../../platform/db/connect.ts';
import { AppError, invalid, notFound } from '../../platform/errors.ts';
import { can } from '../../platform/permissions.ts';
import type { Auth } from '../auth/service.ts';

const hashOf = (secret: string) => createHash('sha256').update(secret).digest('hex');
/** What a secret looks like: "fy_" and 32 url-safe characters (192 random bits). */
export const API_KEY_PATTERN = /^fy_[A-Za-z0-9_-]{32}$/;

type Row = typeof apiKeys.$inferSelect & { creatorName: string | null };
const toDto = (k: Row): ApiKey => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  permissions: k.permissions,
  createdBy: k.creatorName ? { userId: k.createdBy, name: k.creatorName } : null,
  createdAt: k.createdAt.toISOString(),
  lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
  revokedAt: k.revokedAt?.toISOString() ?? null,
});

/**
 * Integrators' API keys (issue 13): an owner makes one for a till or the website, sees its secret
 * once, and the key then acts as them, narrowed to the permissions it was given (and to what their
 * role still allows). Only a SHA-256 of the secret is stored: 192 random bits need no slow hash.
 */
export class ApiKeyService {
  constructor(private readonly db: Db) {}

  async list(orgId: string): Promise<ApiKey[]> {
    const rows = await this.db
      .select({ ...apiKeyColumns, creatorName: users.name })
      .from(apiKeys)
      .leftJoin(users, eq(users.id, apiKeys.createdBy))
      .where(eq(apiKeys.orgId, orgId))
      .orderBy(desc(apiKeys.createdAt));
    return rows.map(toDto);
  }

  async create(me: Auth, input: { name: string; permissions: Permission[] }): Promise<ApiKeyCreated> {
    const beyond = input.permissions.filter((p) => !can(me.user, p));
    if (beyond.length) {
      const message = `A key can do only what you can: your role lacks ${beyond.join(', ')}`;
      throw invalid(message, [{ field: 'permissions', message }]);
    }
    const secret = `fy_${randomBytes(24).toString('base64url')}`;
    const [row] = await this.db
      .insert(apiKeys)
      .values({
        orgId: me.organization.id,
        name: input.name,
        prefix: secret.slice(0, 8),
        secretHash: hashOf(secret),
        permissions: [...new Set(input.permissions)],
        createdBy: me.user.id,
      })
      .returning();
    return { ...toDto({ ...row!, creatorName: me.user.name }), secret };
  }

  async revoke(orgId: string, id: string): Promise<ApiKey> {
    await this.db
      .update(apiKeys)
      .set({ revokedAt: new Date() })
      .where(and(eq(apiKeys.orgId, orgId), eq(apiKeys.id, id), isNull(apiKeys.revokedAt)));
    const key = (await this.list(orgId)).find((k) => k.id === id);
    if (!key) throw notFound('API key');
    return key;
  }

  /**
   * The request's principal for `Authorization: Bearer <secret>`: the key's maker and organization,
   * with the key's permissions. An unknown or revoked key is a 401 (not "no session": the caller
   * meant to authenticate and should hear why it did not work).
   */
  async authenticate(secret: string): Promise<Auth> {
    const refused = new AppError(401, 'invalid_api_key', 'This API key is not valid: it is unknown or was revoked');
    if (!API_KEY_PATTERN.test(secret)) throw refused;
    const [row] = await this.db
      .select({
        key: { id: apiKeys.id, name: apiKeys.name, permissions: apiKeys.permissions, revokedAt: apiKeys.revokedAt, lastUsedAt: apiKeys.lastUsedAt },
        user: { id: users.id, email: users.email, name: users.name, role: users.role },
        customRolePermissions: roles.permissions,
        organization: {
          id: organizations.id,
          name: organizations.name,
          slug: organizations.slug,
          defaultCountry: organizations.defaultCountry,
          defaultCurrency: organizations.defaultCurrency,
        },
      })
      .from(apiKeys)
      .innerJoin(users, eq(users.id, apiKeys.createdBy))
      .innerJoin(organizations, eq(organizations.id, apiKeys.orgId))
      .leftJoin(roles, eq(roles.id, users.customRoleId))
      // A key acts as its maker: a deactivated maker's keys stop with them.
      .where(and(eq(apiKeys.secretHash, hashOf(secret)), eq(users.active, true)));
    if (!row || row.key.revokedAt) throw refused;
    // "Last used" to the minute: one write a minute per key, not one per request.
    if (!row.key.lastUsedAt || Date.now() - row.key.lastUsedAt.getTime() > 60_000)
      await this.db
        .update(apiKeys)
        .set({ lastUsedAt: sql`now()` })
        .where(eq(apiKeys.id, row.key.id));
    const keyPermissions = row.key.permissions as Permission[];
    // What the key may do: what it was given, within what its maker's role allows today.
    const permissions = effectivePermissions(row.user.role, row.customRolePermissions).filter((p) => keyPermissions.includes(p));
    return {
      user: { ...row.user, name: `${row.key.name} (API key)`, customRole: null, permissions, avatarUrl: null },
      organization: row.organization,
      apiKey: { id: row.key.id, permissions: keyPermissions },
    };
  }
}

const apiKeyColumns = {
  id: apiKeys.id,
  orgId: apiKeys.orgId,
  name: apiKeys.name,
  prefix: apiKeys.prefix,
  secretHash: apiKeys.secretHash,
  permissions: apiKeys.permissions,
  createdBy: apiKeys.createdBy,
  createdAt: apiKeys.createdAt,
  lastUsedAt: apiKeys.lastUsedAt,
  revokedAt: apiKeys.revokedAt,
};
