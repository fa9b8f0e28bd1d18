import { amoAccess, moyskladTokenIfAllowed, type SyncBlocker } from '../account-readiness.js';
import { AmoAccountLimiter } from '../amocrm/account-limiter.js';
import { AmoClient } from '../amocrm/client.js';
import type { RateLimitStore } from '../amocrm/rate-limit-store.js';
import type { AmoRetryOptions, AmoTransportOptions } from '../amocrm/transport.js';
import type { TokenStore } from '../amocrm/token-store.js';
import type { AccountsRepository } from '../db/repositories/accounts.js';
import { MoySkladClient } from '../moysklad/client.js';
import { MoySkladUserLimiters } from '../moysklad/user-limiters.js';
import type { SyncLane } from './rule-context.js';

export interface AccountClientsConfig {
  publicUrl: string;
  moyskladApiUrl: string;
  amoBaseUrlTemplate: string;
  amoClientId: string;
  amoClientSecret: string;
  amoRedirectUri: string;
  amoRequestsPerSecond: number;
  /** Sandbox/benchmark only: scales amoCRM's one-second window like the emulator does. */
  amoTimeScale?: number;
  /** Sandbox/benchmark only: shorter amoCRM retry backoffs, matching a time-compressed emulator. */
  amoRetry?: Partial<AmoRetryOptions>;
}

/**
 * The account cannot be synced until a human acts (connect МойСклад, or again after МойСклад refused the token;
 * reinstall the widget). Thrown before any request: the job is parked (proxy/sync/module.ts) and resumes by itself
 * when the connection is restored (proxy/sync/connect.ts).
 */
export class AccountNotReadyError extends Error {
  constructor(
    readonly accountId: number,
    readonly reason: SyncBlocker,
  ) {
    super(`account ${accountId}: ${reason.replaceAll('_', ' ')}`);
    this.name = 'AccountNotReadyError';
  }
}

/** What a caller with its own policy may set on an amoCRM client (see `AccountClients.amoClient`). */
export type AmoClientPolicy = Pick<AmoTransportOptions, 'lane' | 'retry' | 'timeoutMs' | 'onNeedsReinstall'>;

/**
 * Builds the two API clients of an account. One instance per process (`ProxyContext.amoClients`, proxy/context.ts),
 * shared by the widget and the sync. МойСклад limiters come from the process-wide registry: everything acting as one
 * МойСклад user must share one limiter, or it would overrun it. Likewise the one amoCRM limiter here: its live-lane
 * priority and its 429 slow-down are in memory, so every amoCRM call of the process must go through it.
 */
export class AccountClients {
  /** The process's amoCRM limiter (read by tests that check the sharing). */
  readonly amoLimiter: AmoAccountLimiter;

  constructor(
    private readonly config: AccountClientsConfig,
    private readonly accounts: AccountsRepository,
    private readonly tokenStore: TokenStore,
    private readonly moyskladLimiters: MoySkladUserLimiters,
    amoRateLimitStore?: RateLimitStore,
  ) {
    this.amoLimiter = new AmoAccountLimiter({
      requestsPerSecond: config.amoRequestsPerSecond,
      ...(amoRateLimitStore ? { store: amoRateLimitStore } : {}),
      ...(config.amoTimeScale ? { timeScale: config.amoTimeScale } : {}),
    });
  }

  /**
   * Only while the account may call МойСклад (proxy/account-readiness.ts): after the first 401 no client is built for
   * it until an admin connects again, and every client of the refused token stops before its next request.
   */
  async moysklad(accountId: number, lane: SyncLane = 'live'): Promise<MoySkladClient> {
    const allowed = await moyskladTokenIfAllowed(this.accounts, accountId);
    if (allowed.access !== 'connected') throw new AccountNotReadyError(accountId, allowed.access === 'needs_reauth' ? 'moysklad_needs_reauth' : 'moysklad_not_connected');
    const { token } = allowed;
    const limiter = this.moyskladLimiters.forToken(token);
    return new MoySkladClient({
      token,
      limiter,
      publicUrl: this.config.publicUrl,
      baseUrl: this.config.moyskladApiUrl,
      lane,
      onAuthLost: () => this.accounts.markMoySkladNeedsReauth(accountId),
    });
  }

  async amo(accountId: number, lane: SyncLane = 'live'): Promise<AmoClient> {
    const account = await this.accounts.find(accountId);
    if (!account) throw new AccountNotReadyError(accountId, 'unknown_account');
    if (amoAccess(account) !== 'installed') throw new AccountNotReadyError(accountId, 'amocrm_not_installed');
    return this.amoClient(accountId, account.subdomain, {
      lane,
      onNeedsReinstall: () => this.accounts.markNeedsReinstall(accountId),
      ...(this.config.amoRetry ? { retry: this.config.amoRetry } : {}),
    });
  }

  /**
   * An amoCRM client on the process's limiter and token store, without the readiness gate of `amo()` and with the
   * caller's own retry, timeout and reinstall policy: for a question that is not sync work (the authorization check,
   * proxy/services/amo-authorization.ts, asks before and regardless of the installation state).
   */
  amoClient(accountId: number, subdomain: string, policy: AmoClientPolicy = {}): AmoClient {
    return new AmoClient({
      accountId: String(accountId),
      subdomain,
      baseUrlTemplate: this.config.amoBaseUrlTemplate,
      credentials: { clientId: this.config.amoClientId, clientSecret: this.config.amoClientSecret, redirectUri: this.config.amoRedirectUri },
      tokenStore: this.tokenStore,
      limiter: this.amoLimiter,
      publicUrl: this.config.publicUrl,
      ...policy,
    });
  }
}
