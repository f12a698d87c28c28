import { createHash, randomBytes } from 'node:crypto';
import { effectivePermissions, type Me, type Permission } from '@foyer/schema/validation';
import { users } from '@foyer/schema/tables';
import { eq } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../platform/db/connect.ts';
import { AppError } from '../../platform/errors.ts';
import { writeEvent } from '../../platform/outbox.ts';
import { verifyPassword } from './passwords.ts';
import { FailureLimiter } from '../../platform/rate-limit.ts';
import * as sessionsRepo from './sessions-repository.ts';
import { findUserByEmail } from './users-repository.ts';
import { SessionCache } from './session-cache.ts';

/** Idle lifetime: a session unused this long ends (it slides forward while used, see authenticate). */
export const SESSION_TTL_MS = 14 * 24 * 3600 * 1000;
/**
 * Absolute lifetime: however actively used, a session ends this long after sign-in, so a stolen or
 * forgotten cookie on a shared venue device does not live forever; staff sign in again monthly.
 */
export const SESSION_MAX_AGE_MS = 30 * 24 * 3600 * 1000;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Where a member's picture is served, with its version so that it can be cached for good; null without one. */
export const avatarUrl = (u: { id: string; avatarContentType: string | null; avatarVersion: number }) =>
  u.avatarContentType ? `/api/team/members/${u.id}/avatar?v=${u.avatarVersion}` : null;

/** Opens a session for a member who proved who they are (password, invitation, reset link); returns the cookie token. */
export async function openSession(db: DbOrTx, user: { id: string; orgId: string }, userAgent?: string): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await sessionsRepo.insertSession(db, {
    tokenHash: hashToken(token),
    userId: user.id,
    orgId: user.orgId,
    expiresAt: new Date(Date.now() + SESSION_TTL_MS),
    userAgent: userAgent?.slice(0, 300) ?? null,
  });
  await db.update(users).set({ lastSignInAt: new Date() }).where(eq(users.id, user.id));
  return token;
}

/**
 * Ends a member's sessions (all, all but one, or one by id) in the caller's transaction, with an
 * auth.session.ended per session so that every node drops the /staff sockets admitted with them.
 * Returns how many ended.
 */
export async function endSessions(tx: DbOrTx, userId: string, filter: { except?: string; only?: string } = {}): Promise<number> {
  const ended = await sessionsRepo.deleteSessionsOfUser(tx, userId, filter);
  for (const { tokenHash, orgId } of ended) await writeEvent(tx, { orgId, name: 'auth.session.ended', payload: { sessionHash: tokenHash, userId } });
  return ended.length;
}

/** Who is asking: the signed-in staff member and their organization. */
/**
 * Who makes a request: a staff member with their organization, or an integrator's API key, which
 * acts as the owner who made it, narrowed to the key's `permissions` (permit checks both).
 */
export type Auth = Me & { apiKey?: { id: string; permissions: readonly Permission[] } };

export class AuthService {
  // Wrong passwords in fifteen minutes. Per account from one address: ten, so guessing from an
  // address stops there without touching the owner's sign-in from theirs. Per account from
  // everywhere: a hundred, a backstop against guessing spread over many addresses, which one
  // address (or a few: each stops at ten) cannot reach. Per address across accounts: fifty, against
  // credential stuffing.
  private readonly perAccountAddress = new FailureLimiter(10, 15 * 60_000);
  private readonly perAccount = new FailureLimiter(100, 15 * 60_000);
  private readonly perAddress = new FailureLimiter(50, 15 * 60_000);

  /** Sessions checked lately, for `authenticate(token, { cached: true })` (see SessionCache). */
  readonly sessions = new SessionCache();

  constructor(private readonly db: Db) {}

  /** Checks the credentials and opens a session; returns the cookie token and who signed in. */
  async login(email: string, password: string, address: string, userAgent?: string): Promise<{ token: string; me: Me }> {
    const emailKey = email.toLowerCase();
    const pairKey = `${emailKey} ${address}`;
    const wait = Math.max(this.perAccountAddress.retryAfter(pairKey), this.perAccount.retryAfter(emailKey), this.perAddress.retryAfter(address));
    if (wait > 0)
      throw new AppError(429, 'too_many_attempts', `Too many sign-in attempts. Try again in ${Math.ceil(wait / 60)} minute(s).`, undefined, {
        'retry-after': String(wait),
      });
    const user = await findUserByEmail(this.db, email);
    // A deactivated member is refused as a wrong password is: the form reveals nothing about them.
    if (!(await verifyPassword(user?.passwordHash, password)) || !user || !user.active) {
      this.perAccountAddress.fail(pairKey);
      this.perAccount.fail(emailKey);
      this.perAddress.fail(address);
      throw new AppError(401, 'invalid_credentials', 'Email or password is incorrect');
    }
    this.perAccountAddress.reset(pairKey);
    const token = await openSession(this.db, user, userAgent);
    const session = await this.authenticate(token);
    return { token, me: { user: session!.user, organization: session!.organization } };
  }

  /**
   * The session behind a cookie token. Its expiry slides forward once half of it is used; `renewed`
   * then tells the caller to send the cookie again with the new lifetime.
   */
  async authenticate(token: string | undefined, options: { cached?: boolean } = {}): Promise<(Auth & { renewed: boolean }) | undefined> {
    if (!token || token.length > 100) return undefined;
    const tokenHash = hashToken(token);
    if (options.cached) {
      const hit = this.sessions.get(tokenHash);
      if (hit) return { ...hit, renewed: false };
    }
    const begun = this.sessions.begin();
    const row = await sessionsRepo.findSession(this.db, tokenHash, new Date(Date.now() - SESSION_MAX_AGE_MS));
    if (!row) return undefined;
    const renewed = row.session.expiresAt.getTime() - Date.now() < SESSION_TTL_MS / 2;
    // Never past the absolute lifetime: the expiry slides at most to sign-in + SESSION_MAX_AGE_MS.
    const until = Math.min(Date.now() + SESSION_TTL_MS, row.session.createdAt.getTime() + SESSION_MAX_AGE_MS);
    if (renewed) await sessionsRepo.extendSession(this.db, tokenHash, new Date(until));
    const { avatarContentType, avatarVersion, ...user } = row.user;
    const customRole = row.customRole ? { id: row.customRole.id, name: row.customRole.name } : null;
    const session: Auth = {
      user: {
        ...user,
        customRole,
        permissions: effectivePermissions(user.role, row.customRole?.permissions),
        avatarUrl: avatarUrl({ id: user.id, avatarContentType, avatarVersion }),
      },
      organization: row.organization,
    };
    // A session due for renewal is near an end (idle or absolute): it is read from the database
    // on every request until then, so that a cached entry never outlives it.
    if (!renewed) this.sessions.set(tokenHash, session, begun);
    return { ...session, renewed };
  }

  /**
   * Ends the session. The outbox event in the same transaction tells every node to drop the /staff
   * sockets admitted with it (auth/index.ts), so a socket opened before sign-out stops editing.
   */
  async logout(token: string | undefined): Promise<void> {
    if (!token || token.length > 100) return;
    const sessionHash = hashToken(token);
    await this.db.transaction(async (tx) => {
      const ended = await sessionsRepo.deleteSession(tx, sessionHash);
      this.sessions.forgetSession(sessionHash);
      if (ended) await writeEvent(tx, { orgId: ended.orgId, name: 'auth.session.ended', payload: { sessionHash, userId: ended.userId } });
    });
    // Again after the commit: a request of this session that read it before the delete committed
    // may have stored it meanwhile.
    this.sessions.forgetSession(sessionHash);
  }
}
