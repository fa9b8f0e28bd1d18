import { AmoAccountLimiter } from '../amocrm/account-limiter.js';
import { AmoClient } from '../amocrm/client.js';
import type { RateLimitStore } from '../amocrm/rate-limit-store.js';
import type { AmoRetryOptions } from '../amocrm/transport.js';
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

/** The account cannot be synced until a human acts (connect МойСклад, reinstall the widget). */
export class AccountNotReadyError extends Error {
  constructor(
    readonly accountId: number,
    readonly reason: 'unknown_account' | 'moysklad_not_connected' | 'amocrm_not_installed',
  ) {
    super(`account ${accountId}: ${reason.replaceAll('_', ' ')}`);
    this.name = 'AccountNotReadyError';
  }
}

/**
 * Builds the two API clients of an account. МойСклад limiters come from the process-wide registry (shared with
 * the widget's routes): everything acting as one МойСклад user must share one limiter, or it would overrun it.
 */
export class AccountClients {
  private readonly amoLimiter: AmoAccountLimiter;

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

  async moysklad(accountId: number, lane: SyncLane = 'live'): Promise<MoySkladClient> {
    const token = await this.accounts.moyskladToken(accountId);
    if (!token) throw new AccountNotReadyError(accountId, 'moysklad_not_connected');
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
    if (!account.hasAmoTokens || account.needsReinstall) throw new AccountNotReadyError(accountId, 'amocrm_not_installed');
    return new AmoClient({
      accountId: String(accountId),
      subdomain: account.subdomain,
      baseUrlTemplate: this.config.amoBaseUrlTemplate,
      credentials: { clientId: this.config.amoClientId, clientSecret: this.config.amoClientSecret, redirectUri: this.config.amoRedirectUri },
      tokenStore: this.tokenStore,
      limiter: this.amoLimiter,
      publicUrl: this.config.publicUrl,
      lane,
      onNeedsReinstall: () => this.accounts.markNeedsReinstall(accountId),
      ...(this.config.amoRetry ? { retry: this.config.amoRetry } : {}),
    });
  }
}
