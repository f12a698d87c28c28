export type BackoffOptions = { initialMs: number; maxMs: number };

/**
 * Exponential backoff with "full jitter" on the upper half, so that a room of agents that lost the
 * same server (or a hub that dropped every reader at once) do not retry in lockstep.
 */
export class Backoff {
  private attempt = 0;

  constructor(private readonly options: BackoffOptions) {}

  next(): number {
    const ceiling = Math.min(this.options.maxMs, this.options.initialMs * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 30);
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }

  reset() {
    this.attempt = 0;
  }
}
