import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AtomicFileWriter } from '../atomic-file.ts';
import type { Log } from '../log.ts';
import { PermissionCache, PermissionFileSchema, type PermissionDelta } from './permission-cache.ts';

/**
 * Holds the live cache and keeps a copy on disk, so that a restart without network still decides.
 * The file always pairs entries with the version they belong to (one atomic replace); a write that
 * a crash prevents only means the next `hello` reports an older version and gets a fresh snapshot.
 * Writes run off the event loop and coalesce; deltas, which come in bursts, also wait
 * `flushDelayMs` so that a bulk edit on the server costs one write.
 *
 * It also knows when the cache was last known to match the server (`syncedAtMs`), for the stale
 * cache rule. That moment moves on while the link is up without any change to the permissions, so
 * it lives in a small file of its own (synced.json, with the version it vouches for) instead of
 * rewriting a permission file of many megabytes on an SD card every few minutes.
 */
export class PermissionStore {
  current: PermissionCache;
  /** Epoch ms when the cache was last known to be what the server holds for this device. */
  syncedAtMs: number;
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly writer: AtomicFileWriter;
  private readonly syncedWriter: AtomicFileWriter;

  constructor(
    private readonly path: string,
    private readonly log: Log,
    private readonly flushDelayMs = 1000,
  ) {
    this.current = this.load();
    this.syncedAtMs = this.loadSyncedAt();
    this.writer = new AtomicFileWriter(
      path,
      () => this.current.toJson(),
      (error) => log(`permissions: could not save (${error.message})`),
    );
    this.syncedWriter = new AtomicFileWriter(
      this.syncedPath,
      () => JSON.stringify({ version: this.current.version, syncedAt: this.syncedAtMs }),
      (error) => log(`permissions: could not save the sync time (${error.message})`),
    );
  }

  private get syncedPath() {
    return join(dirname(this.path), 'synced.json');
  }

  private load(): PermissionCache {
    if (!existsSync(this.path)) return new PermissionCache();
    try {
      return PermissionCache.from(PermissionFileSchema.parse(JSON.parse(readFileSync(this.path, 'utf8'))));
    } catch (error) {
      // Unreadable means unknown: start empty (deny all) and let the server resend everything.
      this.log(`permissions: ${this.path} unreadable (${(error as Error).message}); starting empty`);
      return new PermissionCache();
    }
  }

  /**
   * The permission file was written when its version arrived, so its mtime is when that version
   * was current; synced.json can vouch for later, but only for the same version (a crash between
   * the two writes must not make an older cache look fresh).
   */
  private loadSyncedAt(): number {
    if (!existsSync(this.path)) return 0;
    const written = statSync(this.path).mtimeMs;
    try {
      const { version, syncedAt } = JSON.parse(readFileSync(this.syncedPath, 'utf8')) as { version?: unknown; syncedAt?: unknown };
      if (version === this.current.version && typeof syncedAt === 'number') return Math.max(written, syncedAt);
    } catch {
      // none yet, or torn: the permission file's time is the safe answer
    }
    return written;
  }

  /** Swaps in a complete snapshot in one assignment: a tap sees the old cache or the new, never half. */
  replace(cache: PermissionCache) {
    this.current = cache;
    this.flushNow();
  }

  applyDelta(delta: PermissionDelta): boolean {
    const applied = this.current.applyDelta(delta);
    if (applied) this.flushTimer ??= setTimeout(() => this.flushNow(), this.flushDelayMs);
    return applied;
  }

  /** The cache matches the server as of `at` (a snapshot, a delta, an up-to-date hello, a live link). */
  markSynced(at = Date.now()) {
    this.syncedAtMs = at;
    this.syncedWriter.request();
  }

  /** The server revoked this device: forget every permission now, on disk too, and deny from now on. */
  revoke(at = new Date()) {
    if (this.current.revokedAt) return;
    this.log('permissions: this device was revoked; permission cache wiped, every door stays locked');
    this.replace(PermissionCache.revoked(at));
  }

  private flushNow() {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.writer.request();
  }

  /** Saves what is pending and waits for it. */
  async close() {
    if (this.flushTimer) this.flushNow();
    await this.writer.settled();
    await this.syncedWriter.settled();
  }
}
