/**
 * Remembers the `jti` of every disposable token a state-changing call used, until that token expires, so that a
 * captured X-Auth-Token cannot change anything twice while it is still valid (reads may repeat a token: see
 * verify-disposable-token.ts for why).
 *
 * amoCRM calls these tokens "disposable", but its docs do not say that amoCRM itself enforces
 * single use (unconfirmed, amocrm-widget.md §5), so we enforce it here. The store is shared by every proxy
 * process: `DatabaseReplayStore` (proxy/services/adapters/replay-store-db.ts, the `seen_events` table).
 */
export interface ReplayStore {
  /** Records the token id; resolves `true` when it was not seen before, `false` when it is a replay. */
  remember(accountId: number, jti: string, expiresAt: Date): Promise<boolean>;
}
