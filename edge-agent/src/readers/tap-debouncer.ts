/**
 * One tap per presentation of a credential. An RDM6300 repeats its frame every ~65 ms while a card
 * lies on it, scanners may read a code twice: a credential seen again within `windowMs` of its last
 * sighting is the same tap. The window slides with every repeat, so a card left on the reader for
 * ten seconds is still one tap, and lifting it and tapping again after the window is a new one.
 */
export class TapDebouncer {
  private readonly lastSeen = new Map<string, number>();

  constructor(private readonly windowMs = 1000) {}

  /** True when this sighting is a new tap. */
  accept(credential: string, nowMs: number): boolean {
    const last = this.lastSeen.get(credential);
    this.lastSeen.set(credential, nowMs);
    if (this.lastSeen.size > 64) this.forgetOlderThan(nowMs - this.windowMs);
    return last === undefined || nowMs - last >= this.windowMs;
  }

  private forgetOlderThan(cutoff: number) {
    for (const [credential, at] of this.lastSeen) if (at < cutoff) this.lastSeen.delete(credential);
  }
}
