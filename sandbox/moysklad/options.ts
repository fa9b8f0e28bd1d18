export interface SandboxUser {
  login: string;
  password: string;
  /** Only administrators may manage webhooks (error 30004 otherwise). */
  isAdmin: boolean;
}

export interface RateLimitOptions {
  /** Accepted requests per user in one sliding window. 11 = login/password or user token since 1 Dec 2026. */
  requestsPerWindow: number;
  /** The window, before `timeScale` is applied. */
  windowMs: number;
  /** Requests of one user in flight at once; the next one gets 429/1073. */
  parallelPerUser: number;
  /** Requests of all users of the account in flight at once (20 in the real service); also 429/1073. */
  parallelPerAccount: number;
}

export interface MoySkladEmulatorOptions {
  /** Default: one admin `admin@demo` / `sandbox-password`. */
  users?: SandboxUser[];
  /** UUID reported as `accountId` on every entity and webhook event. Default: a fixed sandbox UUID. */
  accountId?: string;
  /** Default `{ requestsPerWindow: 11, windowMs: 3000, parallelPerUser: 5, parallelPerAccount: 20 }`. */
  rateLimits?: Partial<RateLimitOptions>;
  /** Divides `rateLimits.windowMs` (e.g. 10 → a 300 ms window) so tests and benchmarks run fast. Default 1. */
  timeScale?: number;
  /** How long a webhook receiver may take before the attempt counts as failed. Default 1500. */
  webhookTimeoutMs?: number;
  /** Paid-tariff features. `webhooks: false` = free tariff: error 30006, nothing is delivered. */
  tariff?: { webhooks?: boolean };
  /**
   * Business clock for `created`/`updated`/`moment` and audit. Default `Date.now`.
   * Rate limiting always uses the real clock (a frozen business clock must not freeze the limiter).
   */
  now?: () => Date | number;
  /**
   * Clock of the rate limiter (epoch ms). Default `Date.now`. Tests inject a manual clock so that
   * window arithmetic does not depend on machine load.
   */
  rateLimitClock?: () => number;
  /** Overrides the base URL used in `meta.href` and webhook payloads (default: the listening address). */
  publicBaseUrl?: string;
  /** Seed of the fault-injection RNG. Default 1. */
  seed?: number;
  /**
   * Upper bound of a counterparty's bonus balance; an EARNING beyond it → 412/62004.
   * Default: no bound (the real cap is a tariff setting).
   */
  maxBonusBalance?: number;
  /**
   * Whether a change of `bonusPoints` also fires counterparty UPDATE webhooks (updatedFields ["bonusPoints"]).
   * Unconfirmed for the real service; default false so the product must watch bonustransaction webhooks.
   */
  counterpartyUpdateOnBonusChange?: boolean;
}

export interface ResolvedOptions {
  users: SandboxUser[];
  accountId: string;
  rateLimits: RateLimitOptions;
  timeScale: number;
  webhookTimeoutMs: number;
  webhooksAllowed: boolean;
  now: () => number;
  rateLimitClock: () => number;
  publicBaseUrl: string | undefined;
  seed: number;
  maxBonusBalance: number | undefined;
  counterpartyUpdateOnBonusChange: boolean;
}

export const DEFAULT_USER: SandboxUser = { login: 'admin@demo', password: 'sandbox-password', isAdmin: true };
export const DEFAULT_ACCOUNT_ID = '1f0e4a52-0000-4000-8000-5a4db0c5e7a1';

export function resolveOptions(options: MoySkladEmulatorOptions = {}): ResolvedOptions {
  const clock = options.now;
  return {
    users: options.users?.length ? options.users : [DEFAULT_USER],
    accountId: options.accountId ?? DEFAULT_ACCOUNT_ID,
    rateLimits: { requestsPerWindow: 11, windowMs: 3000, parallelPerUser: 5, parallelPerAccount: 20, ...options.rateLimits },
    timeScale: options.timeScale && options.timeScale > 0 ? options.timeScale : 1,
    webhookTimeoutMs: options.webhookTimeoutMs ?? 1500,
    webhooksAllowed: options.tariff?.webhooks ?? true,
    now: clock ? () => Number(clock()) : Date.now,
    rateLimitClock: options.rateLimitClock ?? Date.now,
    publicBaseUrl: options.publicBaseUrl?.replace(/\/+$/, ''),
    seed: options.seed ?? 1,
    maxBonusBalance: options.maxBonusBalance,
    counterpartyUpdateOnBonusChange: options.counterpartyUpdateOnBonusChange ?? false,
  };
}
