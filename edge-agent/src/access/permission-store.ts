import { existsSync, readFileSync } from 'node:fs';
import { AtomicFileWriter } from '../atomic-file.ts';
import type { Log } from '../log.ts';
import { PermissionCache, PermissionFileSchema, type PermissionDelta } from './permission-cache.ts';

/**
 * Holds the live cache and keeps a copy on disk, so that a restart without network still decides.
 * The file always pairs entries with the version they belong to (one atomic replace); a write that
 * a crash prevents only means the next `hello` reports an older version and gets a fresh snapshot.
 * Writes run off the event loop and coalesce; deltas, which come in bursts, also wait
 * `flushDelayMs` so that a bulk edit on the server costs one write.
 */
export class PermissionStore {
  current: PermissionCache;
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly writer: AtomicFileWriter;

  constructor(
    private readonly path: string,
    private readonly log: Log,
    private readonly flushDelayMs = 1000,
  ) {
    this.current = this.load();
    this.writer = new AtomicFileWriter(path, () => JSON.stringify(this.current.toFile()), (error) => log(`permissions: could not save (${error.message})`));
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

  private flushNow() {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.writer.request();
  }

  /** Saves what is pending and waits for it. */
  async close() {
    if (this.flushTimer) this.flushNow();
    await this.writer.settled();
  }
}
