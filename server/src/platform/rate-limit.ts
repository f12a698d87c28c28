/**
 * Counts failures per key in a sliding window and says when a key must wait. Kept in memory: it
 * protects one process; with several nodes each enforces its own limit, which still bounds guessing.
 */
export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds to wait before `key` may try again, or 0. */
  retryAfter(key: string): number {
    const recent = this.recent(key);
    if (recent.length < this.max) return 0;
    return Math.ceil((recent[0]! + this.windowMs - this.now()) / 1000);
  }

  fail(key: string): void {
    const recent = this.recent(key);
    recent.push(this.now());
    this.failures.set(key, recent);
    if (this.failures.size > 100_000) this.prune();
  }

  reset(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string): number[] {
    const since = this.now() - this.windowMs;
    return (this.failures.get(key) ?? []).filter((t) => t > since);
  }

  private prune(): void {
    for (const key of this.failures.keys()) if (this.recent(key).length === 0) this.failures.delete(key);
  }
}

/** Counts every attempt, not only failures: for things that are limited per address however they end. */
export class AttemptLimiter extends FailureLimiter {
  /** Seconds to wait when `key` used up its attempts; otherwise counts this one and returns 0. */
  take(key: string): number {
    const wait = this.retryAfter(key);
    if (!wait) this.fail(key);
    return wait;
  }
}
