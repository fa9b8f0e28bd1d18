import type { BonusProgramSnapshot } from '../db/repositories/account-sync.js';

/**
 * The interfaces the widget-facing services still take instead of a concrete module: the МойСклад and amoCRM calls
 * (tests substitute fakes for them). Repositories that own tables (accounts, read model, bonus
 * operations, operation log, daily counters, referral notes, personal data) are used directly, from
 * `proxy/db/repositories/`, like the sync uses them; what carries behaviour is a named service in `proxy/services/`
 * (`SyncJobs`, `AmoCodeExchange`); the adapters for the rest live in `proxy/services/adapters/`.
 */

// ───────────────────────────── МойСклад ─────────────────────────────

export type BonusTransactionInput = {
  counterpartyId: string;
  bonusProgramId: string;
  type: 'EARNING' | 'SPENDING';
  points: number;
  /** Our idempotency key, so a retried POST can be found instead of duplicated. */
  externalCode: string;
  description: string;
};

export interface MoySkladPort {
  /** POST /security/token with Basic auth. Throws ServiceError('moysklad_auth_failed' | 'moysklad_no_api_access' | …). */
  obtainToken(login: string, password: string): Promise<string>;
  /** GET /context/employee: proves the token works and has API access. */
  /** Proves a token works; the answer names the МойСклад account (its webhooks must carry that id). */
  checkToken(token: string): Promise<{ login: string | null; accountId: string | null }>;
  activeBonusProgram(token: string): Promise<BonusProgramSnapshot | null>;
  counterpartyPoints(token: string, counterpartyId: string): Promise<number>;
  /** Creates one bonus transaction; idempotent on `externalCode` (a retry finds the earlier one). */
  /** `moment`: МойСклад's Moscow-time stamp of the transaction, when its answer has one. */
  createBonusTransaction(token: string, input: BonusTransactionInput): Promise<{ id: string; status: string; moment: string | null }>;
  priceTypes(token: string): Promise<{ id: string; name: string }[]>;
  /** Ids of counterparties whose phone is `phone` (E.164) by the one phone rule, proxy/phone.ts (search, then exact match). */
  counterpartyIdsByPhone(token: string, phone: string): Promise<string[]>;
  /** Creates a private buyer; `syncId` makes a retried create return the first one. */
  createIndividual(token: string, input: { name: string; phone: string; syncId: string }): Promise<{ id: string }>;
  /** Deletes the account's webhooks whose URL starts with `ownedUrlPrefix` (ours only); returns how many. */
  removeWebhooks(token: string, ownedUrlPrefix: string): Promise<number>;
}

// ───────────────────────────── amoCRM ─────────────────────────────

/**
 * Whether amoCRM still accepts our stored tokens for an account: one authenticated call (with a token refresh if the
 * access token was refused). 'revoked' when amoCRM answers 401 and the refresh is refused too (or no tokens are
 * stored); 'unreachable' when amoCRM gave no clear answer (network, 5xx, a blocked account).
 */
export interface AmoAuthorizationPort {
  check(accountId: number): Promise<'authorized' | 'revoked' | 'unreachable'>;
}

export interface AmoUserNamesPort {
  /**
   * The full name of an amoCRM user of this account, for notes and МойСклад descriptions people can read; null when
   * amoCRM cannot tell it right now (not installed, unreachable, slow). Never throws: a name is worth little delay.
   */
  nameOf(accountId: number, userId: number): Promise<string | null>;
}
