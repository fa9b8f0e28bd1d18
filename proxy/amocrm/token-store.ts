/**
 * Where an account's OAuth tokens live. amoCRM refresh tokens are SINGLE-USE: refreshing twice with the same one
 * revokes the integration ("Token has been revoked"). So exactly one refresh per account may run at a time, in all
 * proxy processes together, and the new pair must be stored before anyone uses it.
 *
 * SQL implementation (for proxy/db), one row per account plus a lease:
 *   amo_tokens(account_id PK, access_token_enc, refresh_token_enc NULL, expires_at NULL,
 *              refresh_lease_owner NULL, refresh_lease_until NULL)
 *   withRefreshLock(accountId, fn):
 *     1. loop: UPDATE amo_tokens SET refresh_lease_owner=:me, refresh_lease_until=:now+30s
 *              WHERE account_id=:id AND (refresh_lease_until IS NULL OR refresh_lease_until < :now)
 *        — 1 row changed = lease taken; 0 rows = someone else refreshes: sleep ~100 ms and try again
 *        (give up with an error after ~60 s).
 *     2. try { return await fn() } finally { UPDATE … SET refresh_lease_owner=NULL, refresh_lease_until=NULL
 *              WHERE account_id=:id AND refresh_lease_owner=:me }
 *   save() is a plain UPDATE of the token columns (encrypted by proxy/crypto). fn() always re-reads with load()
 *   inside the lock, so a waiter sees the pair the lease holder stored and does not refresh again.
 *   The lease must outlive one token HTTP call (timeout 30 s in the oauth module) so it cannot expire mid-refresh.
 */
export interface AmoTokens {
  accessToken: string;
  /** null for long-lived tokens (1 day–5 years, no rotation). */
  refreshToken: string | null;
  /** Epoch ms when the access token expires; null when unknown/long-lived. */
  expiresAt: number | null;
}

export interface TokenStore {
  load(accountId: string): Promise<AmoTokens | null>;
  save(accountId: string, tokens: AmoTokens): Promise<void>;
  /** Runs `fn` while holding the account's refresh lock (exclusive across processes). */
  withRefreshLock<T>(accountId: string, fn: () => Promise<T>): Promise<T>;
}

/** In-process implementation: a Map and a promise chain per account. For tests and single-process use. */
export class InMemoryTokenStore implements TokenStore {
  private readonly tokens = new Map<string, AmoTokens>();
  private readonly locks = new Map<string, Promise<unknown>>();

  async load(accountId: string): Promise<AmoTokens | null> {
    const tokens = this.tokens.get(accountId);
    return tokens ? { ...tokens } : null;
  }

  async save(accountId: string, tokens: AmoTokens): Promise<void> {
    this.tokens.set(accountId, { ...tokens });
  }

  withRefreshLock<T>(accountId: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(accountId) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.locks.set(accountId, tail);
    void tail.then(() => {
      if (this.locks.get(accountId) === tail) this.locks.delete(accountId);
    });
    return run;
  }
}
