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

/**
 * Counts every request per key (not only failures) in the same sliding window: a public endpoint
 * answers 429 once a client address has made `max` requests within `windowMs`.
 */
export class RequestLimiter {
  private readonly window: FailureLimiter;

  constructor(max: number, windowMs: number, now: () => number = Date.now) {
    this.window = new FailureLimiter(max, windowMs, now);
  }

  /** Counts one request for `key`; the seconds it must wait instead, or 0 when it may go on (and was counted). */
  take(key: string): number {
    const wait = this.window.retryAfter(key);
    if (wait > 0) return Math.max(1, wait);
    this.window.fail(key);
    return 0;
  }
}
