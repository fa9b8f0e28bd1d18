import { AmoAccountLimiter } from '../../amocrm/account-limiter.js';
import { AmoClient } from '../../amocrm/client.js';
import { AmoAuthError } from '../../amocrm/errors.js';
import type { OAuthClientCredentials } from '../../amocrm/oauth.js';
import type { DatabaseHandle } from '../../db/database.js';
import type { AccountsRepository } from '../../db/repositories/accounts.js';
import { AmoRateStore } from '../../db/repositories/amo-rate-store.js';
import { AmoTokenStore } from '../../db/repositories/amo-token-store.js';
import type { AmoAuthorizationPort } from '../ports.js';

export type AmoAuthorizationOptions = {
  accounts: AccountsRepository;
  database: Pick<DatabaseHandle, 'db' | 'dialect'>;
  baseUrlTemplate: string;
  credentials: OAuthClientCredentials;
  /** The account's amoCRM budget, shared through the database with the sync (default 7). */
  requestsPerSecond?: number;
};

/**
 * Asks amoCRM whether our stored tokens still work: `GET /api/v4/account` with the account's access token. The
 * transport refreshes a refused access token once (single-flight with the sync, through the same lease row), so an
 * access token that merely expired does not read as a revoke; only a refused refresh (or none possible) does.
 */
export class AmoAuthorizationAdapter implements AmoAuthorizationPort {
  private readonly tokenStore: AmoTokenStore;
  private readonly limiter: AmoAccountLimiter;

  constructor(private readonly options: AmoAuthorizationOptions) {
    this.tokenStore = new AmoTokenStore(options.accounts);
    this.limiter = new AmoAccountLimiter({
      requestsPerSecond: options.requestsPerSecond ?? 7,
      store: new AmoRateStore(options.database.db, options.database.dialect),
    });
  }

  async check(accountId: number): Promise<'authorized' | 'revoked' | 'unreachable'> {
    const account = await this.options.accounts.find(accountId);
    if (!account?.hasAmoTokens) return 'revoked'; // nothing of ours that amoCRM could still accept
    const client = new AmoClient({
      accountId: String(accountId),
      subdomain: account.subdomain,
      baseUrlTemplate: this.options.baseUrlTemplate,
      credentials: this.options.credentials,
      tokenStore: this.tokenStore,
      limiter: this.limiter,
      // The revoke hook waits for this answer: one quick try, no long backoffs.
      retry: { maxServerRetries: 0, maxRateLimitRetries: 0 },
      timeoutMs: 10_000,
    });
    try {
      await client.account.get();
      return 'authorized';
    } catch (error) {
      return error instanceof AmoAuthError ? 'revoked' : 'unreachable';
    }
  }
}
