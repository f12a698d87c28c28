import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { and, asc, count, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import { organizations, roles, users, userTokens } from '@foyer/schema/tables';
import {
  effectivePermissions,
  type CustomRole,
  type InviteAccept,
  type InviteCreate,
  type LinkInfo,
  type Me,
  type MemberPatch,
  type OneTimeLink,
  type OwnSession,
  type PasswordReset,
  type RoleCreate,
  type RolePatch,
  type Team,
  type TeamInvite,
  type TeamMember,
} from '@foyer/schema/validation';
import type { Db, DbOrTx } from '../../platform/db/connect.ts';
import { AppError, invalid, notFound, uniqueViolation } from '../../platform/errors.ts';
import { writeEvent } from '../../platform/outbox.ts';
import { AttemptLimiter, FailureLimiter } from '../../platform/rate-limit.ts';
import { hashPassword } from './passwords.ts';
import { passwordProblem } from './password-policy.ts';
import { avatarUrl, endSessions, hashToken, openSession, type AuthService } from './service.ts';
import * as sessionsRepo from './sessions-repository.ts';
import { findUserByEmail } from './users-repository.ts';

/** An invitation is good for a week, a password reset link for an hour. */
export const INVITE_TTL_MS = 7 * 24 * 3600_000;
export const RESET_TTL_MS = 3600_000;

const AVATAR_SIZE = 160;

type Actor = { orgId: string; userId: string; role: string };

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const iso = (d: Date | null) => d?.toISOString() ?? null;
const linkGone = () => new AppError(410, 'link_invalid', 'This link has expired or was already used: ask an owner for a new one');

/**
 * Settings → Team: members, one-time links (invitations, password resets), custom roles, and each
 * member's own profile and sessions. Whatever changes what a member may do, or ends their sessions,
 * writes its outbox events in the same transaction: auth.session.ended per session ended,
 * auth.user.changed, auth.roles.changed (the auth domain's local subscribers end the sockets).
 */
export class TeamService {
  // Guessing links: twenty wrong or spent tokens per address in fifteen minutes.
  private readonly badLinks = new FailureLimiter(20, 15 * 60_000);
  // Links made: fifty an hour per organization, so a stolen owner session cannot mint them endlessly.
  private readonly linksMade = new AttemptLimiter(50, 3600_000);

  constructor(
    private readonly db: Db,
    private readonly auth: AuthService,
  ) {}

  async team(orgId: string): Promise<Team> {
    const [members, invites, customRoles] = await Promise.all([
      this.db
        .select({
          id: users.id,
          email: users.email,
          name: users.name,
          role: users.role,
          active: users.active,
          lastSignInAt: users.lastSignInAt,
          createdAt: users.createdAt,
          avatarContentType: users.avatarContentType,
          avatarVersion: users.avatarVersion,
          customRoleId: roles.id,
          customRoleName: roles.name,
        })
        .from(users)
        .leftJoin(roles, eq(roles.id, users.customRoleId))
        .where(eq(users.orgId, orgId))
        .orderBy(asc(sql`lower(${users.name})`)),
      this.pendingInvites(this.db, orgId),
      this.roles(this.db, orgId),
    ]);
    return {
      members: members.map((m): TeamMember => ({
        id: m.id,
        email: m.email,
        name: m.name,
        role: m.role,
        customRole: m.customRoleId ? { id: m.customRoleId, name: m.customRoleName! } : null,
        active: m.active,
        lastSignInAt: iso(m.lastSignInAt),
        createdAt: m.createdAt.toISOString(),
        avatarUrl: avatarUrl(m),
      })),
      invites,
      roles: customRoles,
    };
  }

  private async pendingInvites(db: DbOrTx, orgId: string, id?: string): Promise<TeamInvite[]> {
    const rows = await db
      .select({
        id: userTokens.id,
        email: userTokens.email,
        role: userTokens.role,
        expiresAt: userTokens.expiresAt,
        createdAt: userTokens.createdAt,
        customRoleId: roles.id,
        customRoleName: roles.name,
      })
      .from(userTokens)
      .leftJoin(roles, eq(roles.id, userTokens.customRoleId))
      .where(
        and(
          eq(userTokens.orgId, orgId),
          eq(userTokens.kind, 'invite'),
          isNull(userTokens.usedAt),
          gt(userTokens.expiresAt, new Date()),
          id ? eq(userTokens.id, id) : undefined,
        ),
      )
      .orderBy(asc(userTokens.createdAt));
    return rows.map((r) => ({
      id: r.id,
      email: r.email,
      role: r.role,
      customRole: r.customRoleId ? { id: r.customRoleId, name: r.customRoleName! } : null,
      expiresAt: r.expiresAt.toISOString(),
      createdAt: r.createdAt.toISOString(),
    }));
  }

  private async roles(db: DbOrTx, orgId: string, id?: string): Promise<CustomRole[]> {
    const rows = await db
      .select({ id: roles.id, name: roles.name, permissions: roles.permissions, members: count(users.id) })
      .from(roles)
      .leftJoin(users, eq(users.customRoleId, roles.id))
      .where(and(eq(roles.orgId, orgId), id ? eq(roles.id, id) : undefined))
      .groupBy(roles.id)
      .orderBy(asc(sql`lower(${roles.name})`));
    return rows.map((r) => ({ ...r, permissions: effectivePermissions('staff', r.permissions) }));
  }

  /** The role a member or invitation gets: a built-in one, or a custom role of this organization (404 otherwise). */
  private async roleChoice(db: DbOrTx, actor: Actor, choice: { role?: TeamMember['role']; customRoleId?: string | null }) {
    if (choice.customRoleId) {
      const [found] = await db
        .select({ id: roles.id })
        .from(roles)
        .where(and(eq(roles.orgId, actor.orgId), eq(roles.id, choice.customRoleId)));
      if (!found) throw notFound('Role');
      return { role: 'staff' as const, customRoleId: found.id };
    }
    const role = choice.role ?? 'staff';
    // Only an owner makes owners: a custom role allowed to manage the team cannot raise anyone above itself.
    if (role === 'owner' && actor.role !== 'owner') throw new AppError(403, 'forbidden', 'Only an owner may make someone an owner');
    return { role, customRoleId: null };
  }

  private link(kind: 'invite' | 'reset', origin: string, token: string, expiresAt: Date): OneTimeLink {
    // The token travels in the fragment: browsers never send it to a server, so it stays out of logs.
    return { url: `${origin}/${kind === 'invite' ? 'join' : 'reset-password'}#${token}`, expiresAt: expiresAt.toISOString() };
  }

  private takeLinkBudget(orgId: string) {
    const wait = this.linksMade.take(orgId);
    if (wait > 0)
      throw new AppError(429, 'too_many_links', `Too many links made this hour. Try again in ${Math.ceil(wait / 60)} minute(s).`, undefined, {
        'retry-after': String(wait),
      });
  }

  /** An invitation for `email`, replacing an earlier pending one for the same address. */
  async invite(actor: Actor, input: InviteCreate, origin: string): Promise<{ invite: TeamInvite; link: OneTimeLink }> {
    const email = input.email.trim();
    if (await findUserByEmail(this.db, email))
      throw new AppError(409, 'email_taken', `${email} already has a Foyer account`, [{ field: 'email', message: 'Already has an account' }]);
    this.takeLinkBudget(actor.orgId);
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + INVITE_TTL_MS);
    const id = await this.db.transaction(async (tx) => {
      const choice = await this.roleChoice(tx, actor, input);
      await tx
        .delete(userTokens)
        .where(
          and(
            eq(userTokens.orgId, actor.orgId),
            eq(userTokens.kind, 'invite'),
            isNull(userTokens.usedAt),
            eq(sql`lower(${userTokens.email})`, email.toLowerCase()),
          ),
        );
      const [row] = await tx
        .insert(userTokens)
        .values({ tokenHash: hashToken(token), kind: 'invite', orgId: actor.orgId, email, ...choice, createdBy: actor.userId, expiresAt })
        .returning({ id: userTokens.id });
      return row!.id;
    });
    const [invite] = await this.pendingInvites(this.db, actor.orgId, id);
    return { invite: invite!, link: this.link('invite', origin, token, expiresAt) };
  }

  async revokeInvite(orgId: string, id: string): Promise<void> {
    if (!uuid.test(id)) throw notFound('Invitation');
    const deleted = await this.db
      .delete(userTokens)
      .where(and(eq(userTokens.orgId, orgId), eq(userTokens.kind, 'invite'), eq(userTokens.id, id), isNull(userTokens.usedAt)))
      .returning({ id: userTokens.id });
    if (!deleted.length) throw notFound('Invitation');
  }

  private async member(db: DbOrTx, orgId: string, id: string, lock = false) {
    if (!uuid.test(id)) throw notFound('Member');
    const query = db
      .select({ id: users.id, email: users.email, role: users.role, active: users.active, customRoleId: users.customRoleId })
      .from(users)
      .where(and(eq(users.orgId, orgId), eq(users.id, id)));
    const [row] = lock ? await query.for('update') : await query;
    if (!row) throw notFound('Member');
    return row;
  }

  /**
   * Changes a member's role or deactivates/reactivates them. Deactivation ends every session of theirs
   * (and so their sockets, on every node); any change makes their sockets reconnect with the new role.
   */
  async updateMember(actor: Actor, id: string, patch: MemberPatch): Promise<TeamMember> {
    await this.db.transaction(async (tx) => {
      const before = await this.member(tx, actor.orgId, id, true);
      if (id === actor.userId) throw new AppError(409, 'own_account', 'You cannot change your own role or deactivate yourself: ask another owner');
      const changes: Partial<typeof users.$inferInsert> = {};
      if (patch.role !== undefined || patch.customRoleId !== undefined) Object.assign(changes, await this.roleChoice(tx, actor, patch));
      if (patch.active !== undefined) changes.active = patch.active;
      const staysOwner = (changes.role ?? before.role) === 'owner' && (changes.active ?? before.active);
      if (before.role === 'owner' && before.active && !staysOwner) {
        if (actor.role !== 'owner') throw new AppError(403, 'forbidden', 'Only an owner may demote or deactivate an owner');
        const [others] = await tx
          .select({ n: count() })
          .from(users)
          .where(and(eq(users.orgId, actor.orgId), eq(users.role, 'owner'), eq(users.active, true), ne(users.id, id)));
        if (!others?.n) throw new AppError(409, 'last_owner', 'The organization needs an active owner: make someone else an owner first');
      }
      if (!Object.keys(changes).length) return;
      await tx.update(users).set(changes).where(eq(users.id, id));
      if (changes.active === false) {
        await endSessions(tx, id);
        await tx.delete(userTokens).where(and(eq(userTokens.userId, id), isNull(userTokens.usedAt)));
      }
      await writeEvent(tx, { orgId: actor.orgId, name: 'auth.user.changed', payload: { userId: id } });
    });
    return (await this.team(actor.orgId)).members.find((m) => m.id === id)!;
  }

  /** A one-time link for a member to set a new password (an hour); earlier unused ones stop working. */
  async resetLink(actor: Actor, id: string, origin: string): Promise<OneTimeLink> {
    const member = await this.member(this.db, actor.orgId, id);
    if (!member.active) throw new AppError(409, 'inactive', 'This member is deactivated: reactivate them first');
    if (member.role === 'owner' && actor.role !== 'owner') throw new AppError(403, 'forbidden', "Only an owner may reset an owner's password");
    this.takeLinkBudget(actor.orgId);
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + RESET_TTL_MS);
    await this.db.transaction(async (tx) => {
      await tx.delete(userTokens).where(and(eq(userTokens.userId, id), eq(userTokens.kind, 'reset'), isNull(userTokens.usedAt)));
      await tx
        .insert(userTokens)
        .values({ tokenHash: hashToken(token), kind: 'reset', orgId: actor.orgId, email: member.email, userId: id, createdBy: actor.userId, expiresAt });
    });
    return this.link('reset', origin, token, expiresAt);
  }

  // ---- custom roles -------------------------------------------------------------------------

  async createRole(orgId: string, input: RoleCreate): Promise<CustomRole> {
    try {
      const [row] = await this.db.insert(roles).values({ orgId, name: input.name, permissions: input.permissions }).returning({ id: roles.id });
      return (await this.roles(this.db, orgId, row!.id))[0]!;
    } catch (error) {
      if (uniqueViolation(error) !== null) throw roleNameTaken(input.name);
      throw error;
    }
  }

  async updateRole(orgId: string, id: string, patch: RolePatch): Promise<CustomRole> {
    if (!uuid.test(id)) throw notFound('Role');
    if (!Object.keys(patch).length) {
      const [role] = await this.roles(this.db, orgId, id);
      if (!role) throw notFound('Role');
      return role;
    }
    try {
      await this.db.transaction(async (tx) => {
        const updated = await tx
          .update(roles)
          .set(patch)
          .where(and(eq(roles.orgId, orgId), eq(roles.id, id)))
          .returning({ id: roles.id });
        if (!updated.length) throw notFound('Role');
        await writeEvent(tx, { orgId, name: 'auth.roles.changed', payload: {} });
      });
    } catch (error) {
      if (uniqueViolation(error) !== null) throw roleNameTaken(patch.name ?? '');
      throw error;
    }
    return (await this.roles(this.db, orgId, id))[0]!;
  }

  async deleteRole(orgId: string, id: string): Promise<void> {
    if (!uuid.test(id)) throw notFound('Role');
    await this.db.transaction(async (tx) => {
      const [role] = await this.roles(tx, orgId, id);
      if (!role) throw notFound('Role');
      if (role.members > 0) throw new AppError(409, 'role_in_use', `${role.members} member(s) hold this role: give them another role first`);
      await tx.delete(roles).where(eq(roles.id, id));
      await writeEvent(tx, { orgId, name: 'auth.roles.changed', payload: {} });
    });
  }

  // ---- one-time links, used without a session -----------------------------------------------

  private checkLinkBudget(address: string) {
    const wait = this.badLinks.retryAfter(address);
    if (wait > 0)
      throw new AppError(429, 'too_many_attempts', `Too many invalid links. Try again in ${Math.ceil(wait / 60)} minute(s).`, undefined, {
        'retry-after': String(wait),
      });
  }

  /** The live token behind a link (locked in `tx` when given), or 410; a bad one counts against the address. */
  private async liveToken(db: DbOrTx, token: string, kind: 'invite' | 'reset' | undefined, address: string, lock: boolean) {
    this.checkLinkBudget(address);
    const query = db
      .select({ token: userTokens, organization: organizations.name })
      .from(userTokens)
      .innerJoin(organizations, eq(organizations.id, userTokens.orgId))
      .where(and(eq(userTokens.tokenHash, hashToken(token)), isNull(userTokens.usedAt), gt(userTokens.expiresAt, new Date())));
    const [row] = lock ? await query.for('update', { of: userTokens }) : await query;
    if (!row || (kind && row.token.kind !== kind)) {
      this.badLinks.fail(address);
      throw linkGone();
    }
    return row;
  }

  async linkInfo(token: string, address: string): Promise<LinkInfo> {
    const { token: t, organization } = await this.liveToken(this.db, token, undefined, address, false);
    return { kind: t.kind, email: t.email, organization, expiresAt: t.expiresAt.toISOString() };
  }

  /** The invitee sets their name and password: the member exists from now on, signed in. */
  async acceptInvite(input: InviteAccept, address: string, userAgent?: string): Promise<{ token: string; me: Me }> {
    const passwordHash = await hashPassword(input.password);
    const session = await this.db.transaction(async (tx) => {
      const { token } = await this.liveToken(tx, input.token, 'invite', address, true);
      const problem = passwordProblem(input.password, token.email);
      if (problem) throw invalid(problem, [{ field: 'password', message: problem }]);
      await tx.update(userTokens).set({ usedAt: new Date() }).where(eq(userTokens.id, token.id));
      let user;
      try {
        [user] = await tx
          .insert(users)
          .values({ orgId: token.orgId, email: token.email, name: input.name, passwordHash, role: token.role, customRoleId: token.customRoleId })
          .returning({ id: users.id, orgId: users.orgId });
      } catch (error) {
        if (uniqueViolation(error) !== null) throw new AppError(409, 'email_taken', `${token.email} already has a Foyer account: sign in instead`);
        throw error;
      }
      return openSession(tx, user!, userAgent);
    });
    return this.signedIn(session);
  }

  /** A new password from a reset link: every other session of the member ends (and their sockets). */
  async resetPassword(input: PasswordReset, address: string, userAgent?: string): Promise<{ token: string; me: Me }> {
    const passwordHash = await hashPassword(input.password);
    const session = await this.db.transaction(async (tx) => {
      const { token } = await this.liveToken(tx, input.token, 'reset', address, true);
      const problem = passwordProblem(input.password, token.email);
      if (problem) throw invalid(problem, [{ field: 'password', message: problem }]);
      const [user] = await tx
        .update(users)
        .set({ passwordHash })
        .where(and(eq(users.id, token.userId!), eq(users.active, true)))
        .returning({ id: users.id, orgId: users.orgId });
      if (!user) throw linkGone();
      await tx.update(userTokens).set({ usedAt: new Date() }).where(eq(userTokens.id, token.id));
      await endSessions(tx, user.id);
      return openSession(tx, user, userAgent);
    });
    return this.signedIn(session);
  }

  private async signedIn(token: string) {
    const session = await this.auth.authenticate(token);
    return { token, me: { user: session!.user, organization: session!.organization } };
  }

  // ---- one's own profile and sessions -------------------------------------------------------

  async setName(orgId: string, userId: string, name: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.update(users).set({ name }).where(eq(users.id, userId));
      await writeEvent(tx, { orgId, name: 'auth.user.changed', payload: { userId } });
    });
  }

  /** Any JPEG, PNG, WebP or GIF up to 1 MiB (the API's body limit), stored as a 160 px WebP. */
  async setAvatar(orgId: string, userId: string, bytes: ArrayBuffer): Promise<void> {
    let avatar: Buffer;
    try {
      const image = sharp(Buffer.from(bytes), { limitInputPixels: 50_000_000, animated: false });
      const { format } = await image.metadata();
      if (!format || !['jpeg', 'png', 'webp', 'gif'].includes(format)) throw new Error(`format ${format}`);
      avatar = await image.rotate().resize(AVATAR_SIZE, AVATAR_SIZE, { fit: 'cover' }).webp({ quality: 82 }).toBuffer();
    } catch {
      throw new AppError(400, 'not_an_image', 'The file is not a JPEG, PNG, WebP or GIF image', [{ field: 'avatar', message: 'Not an image' }]);
    }
    await this.db.transaction(async (tx) => {
      await tx
        .update(users)
        .set({ avatar, avatarContentType: 'image/webp', avatarVersion: sql`${users.avatarVersion} + 1` })
        .where(eq(users.id, userId));
      await writeEvent(tx, { orgId, name: 'auth.user.changed', payload: { userId } });
    });
  }

  async removeAvatar(orgId: string, userId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx
        .update(users)
        .set({ avatar: null, avatarContentType: null, avatarVersion: sql`${users.avatarVersion} + 1` })
        .where(eq(users.id, userId));
      await writeEvent(tx, { orgId, name: 'auth.user.changed', payload: { userId } });
    });
  }

  async avatar(orgId: string, id: string) {
    if (!uuid.test(id)) throw notFound('Picture');
    const [row] = await this.db
      .select({ bytes: users.avatar, contentType: users.avatarContentType })
      .from(users)
      .where(and(eq(users.orgId, orgId), eq(users.id, id)));
    if (!row?.bytes || !row.contentType) throw notFound('Picture');
    return { bytes: row.bytes, contentType: row.contentType };
  }

  async sessions(userId: string, currentHash: string): Promise<OwnSession[]> {
    const rows = await sessionsRepo.sessionsOfUser(this.db, userId);
    return rows.map((s) => ({
      id: s.id,
      current: s.tokenHash === currentHash,
      userAgent: s.userAgent,
      createdAt: s.createdAt.toISOString(),
      expiresAt: s.expiresAt.toISOString(),
    }));
  }

  /** Signs one of one's own sessions out (its sockets go at once). */
  async endSession(userId: string, id: string): Promise<void> {
    if (!uuid.test(id)) throw notFound('Session');
    const ended = await this.db.transaction((tx) => endSessions(tx, userId, { only: id }));
    if (!ended) throw notFound('Session');
  }

  /** "Sign out everywhere else": every session of one's own but this one. */
  async endOtherSessions(userId: string, currentHash: string): Promise<number> {
    return this.db.transaction((tx) => endSessions(tx, userId, { except: currentHash }));
  }
}

const roleNameTaken = (name: string) => new AppError(409, 'name_taken', `A role named "${name}" already exists`, [{ field: 'name', message: 'Already taken' }]);
