/**
 * Remembers the `jti` of every disposable token we accepted, until that token expires, so that
 * a captured X-Auth-Token cannot be replayed while it is still valid.
 *
 * amoCRM calls these tokens "disposable", but its docs do not say that amoCRM itself enforces
 * single use (unconfirmed, amocrm-widget.md §5), so we enforce it here.
 */
export interface ReplayStore {
  /** Records the token id; resolves `true` when it was not seen before, `false` when it is a replay. */
  remember(accountId: number, jti: string, expiresAt: Date): Promise<boolean>;
}

/**
 * In-process store: correct for a single proxy process. Several replicas need a shared store
 * (the `seen_events` table: `DatabaseReplayStore` in proxy/services/adapters/replay-store-db.ts).
 */
export class InMemoryReplayStore implements ReplayStore {
  private readonly seen = new Map<string, number>();
  private lastSweep = 0;

  constructor(
    private readonly now: () => number = Date.now,
    /** Upper bound on remembered ids so a flood of valid tokens cannot exhaust memory. */
    private readonly maxEntries = 100_000,
  ) {}

  async remember(accountId: number, tokenId: string, expiresAt: Date): Promise<boolean> {
    const jti = `${accountId}:${tokenId}`;
    const now = this.now();
    this.sweep(now);
    const knownUntil = this.seen.get(jti);
    if (knownUntil !== undefined && knownUntil > now) return false;
    if (this.seen.size >= this.maxEntries) {
      // Evict the oldest insertion (Map keeps insertion order); tokens live ~30 min so this is rare.
      const oldest = this.seen.keys().next();
      if (!oldest.done) this.seen.delete(oldest.value);
    }
    this.seen.set(jti, expiresAt.getTime());
    return true;
  }

  get size(): number {
    return this.seen.size;
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < 10_000) return;
    this.lastSweep = now;
    for (const [jti, until] of this.seen) if (until <= now) this.seen.delete(jti);
  }
}
