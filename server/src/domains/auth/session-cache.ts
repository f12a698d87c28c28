import type { Auth } from './service.ts';

type Entry = { auth: Auth; until: number };

/**
 * The sessions this node checked in the last few seconds, so that an API request does not cost a
 * statement to find out who sent it. Revocation stays immediate because the cache is emptied by
 * what ends or changes a session, on every node:
 *
 * - sign-out drops the session here at once (AuthService.logout), and on every other node through
 *   the outbox (`auth.session.ended`, auth/index.ts);
 * - a user deactivated or given another role (`auth.user.changed`), an organization's roles or
 *   settings changed (`auth.roles.changed`, `settings.changed`) drop what they touch;
 *   as the event is written, in this process (outbox.ts onEventWritten), and as it commits, on
 *   every node;
 * - a node that does not hear the outbox (before it listens, or while its session with PostgreSQL
 *   is down) serves nothing from the cache, and empties it when it hears again;
 * - an entry lives `ttlMs` at most, a safety net for changes made outside the application.
 *
 * Only sessions far from their expiry are kept (more than half their idle lifetime ahead; see
 * AuthService.authenticate), so an entry can never outlive the session it stands for.
 */
export class SessionCache {
  private readonly entries = new Map<string, Entry>();
  /** Bumped by every forget: a database read that started before one is not stored (it may be stale). */
  private generation = 0;
  private hearing: () => boolean = () => false;

  constructor(private readonly options: { ttlMs: number; maxEntries: number } = { ttlMs: 5_000, maxEntries: 10_000 }) {}

  /** Serves from the cache while `hearing()` says this node hears the outbox (server.ts). */
  useWhile(hearing: () => boolean) {
    this.hearing = hearing;
    this.clear();
  }

  get(tokenHash: string): Auth | undefined {
    if (!this.hearing()) {
      if (this.entries.size) this.clear();
      return undefined;
    }
    const entry = this.entries.get(tokenHash);
    if (!entry) return undefined;
    if (entry.until <= Date.now()) {
      this.entries.delete(tokenHash);
      return undefined;
    }
    return entry.auth;
  }

  /** Call before reading a session from the database; pass the result to `set`. */
  begin(): number {
    return this.generation;
  }

  set(tokenHash: string, auth: Auth, begun: number) {
    if (begun !== this.generation || !this.hearing()) return;
    // Bounded: the oldest entry goes first (a Map keeps insertion order).
    if (this.entries.size >= this.options.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(tokenHash, { auth, until: Date.now() + this.options.ttlMs });
  }

  forgetSession(tokenHash: string) {
    this.generation++;
    this.entries.delete(tokenHash);
  }

  forgetUser(userId: string) {
    this.forgetWhere((auth) => auth.user.id === userId);
  }

  forgetOrganization(orgId: string) {
    this.forgetWhere((auth) => auth.organization.id === orgId);
  }

  clear() {
    this.generation++;
    this.entries.clear();
  }

  get size() {
    return this.entries.size;
  }

  private forgetWhere(matches: (auth: Auth) => boolean) {
    this.generation++;
    for (const [tokenHash, entry] of this.entries) if (matches(entry.auth)) this.entries.delete(tokenHash);
  }
}
