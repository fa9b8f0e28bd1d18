import { AmoAuthError } from '../amocrm/errors.js';
import type { AccountsRepository } from '../db/repositories/accounts.js';
import type { AccountClients } from '../sync/account-clients.js';

/** What the installation service needs of the check (tests give a fake). */
export type AmoAuthorizationCheck = Pick<AmoAuthorization, 'check'>;

/**
 * Whether amoCRM still accepts our stored tokens for an account: `GET /api/v4/account` with the account's access
 * token. The transport refreshes a refused access token once (single-flight with the sync, through the same lease
 * row), so an access token that merely expired does not read as a revoke; only a refused refresh (or none possible)
 * does. 'revoked' when amoCRM answers 401 and the refresh is refused too (or no tokens are stored); 'unreachable'
 * when amoCRM gave no clear answer (network, 5xx, a blocked account).
 */
export class AmoAuthorization {
  constructor(
    private readonly accounts: AccountsRepository,
    /** The process's clients (proxy/context.ts): the check paces with the sync and the widget on one limiter. */
    private readonly clients: Pick<AccountClients, 'amoClient'>,
  ) {}

  async check(accountId: number): Promise<'authorized' | 'revoked' | 'unreachable'> {
    const account = await this.accounts.find(accountId);
    if (!account?.hasAmoTokens) return 'revoked'; // nothing of ours that amoCRM could still accept
    // Not `clients.amo()`: that refuses an account it thinks uninstalled and marks it for reinstall after a 401,
    // while this is the question of whether it is. The revoke hook waits for the answer: one quick try, no long
    // backoffs, 10 s at most.
    const client = this.clients.amoClient(accountId, account.subdomain, { retry: { maxServerRetries: 0, maxRateLimitRetries: 0 }, timeoutMs: 10_000 });
    try {
      await client.account.get();
      return 'authorized';
    } catch (error) {
      return error instanceof AmoAuthError ? 'revoked' : 'unreachable';
    }
  }
}
