import type { BonusOperationsRepository } from '../db/repositories/bonus-operations.js';
import type { BonusProgramSnapshot } from '../db/repositories/account-sync.js';
import type { SyncStatusView } from './widget-views.js';

/**
 * The interfaces the widget-facing services still take instead of a concrete module: the МойСклад and amoCRM calls
 * (tests substitute fakes for them), the job queue's view, idempotency and the operation log. Repositories that own
 * tables (accounts, read model, daily counters, referral notes, personal data) are used directly, from
 * `proxy/db/repositories/`, like the sync uses them; the adapters for the rest live in `proxy/services/adapters/`.
 */

// ───────────────────────────── read model ─────────────────────────────

/** The bonus operations read model (proxy/db/repositories/bonus-operations.ts). */
export type BonusOperationsPort = Pick<BonusOperationsRepository, 'upsertBonusOperations' | 'listBonusOperations'>;

// ───────────────────────────── МойСклад ─────────────────────────────

/** The bonus program as the widget services see it (the snapshot kept in `account_sync`). */
export type BonusProgramView = BonusProgramSnapshot;

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
  activeBonusProgram(token: string): Promise<BonusProgramView | null>;
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

// ───────────────────────────── idempotency, log, jobs ─────────────────────────────

export interface OperationLogPort {
  append(entry: { accountId: number; userId: number | null; kind: string; details: Record<string, unknown> }): Promise<void>;
}


export interface JobsPort {
  /** `orderingKey`: jobs with the same key run one at a time, in order (see proxy/queue). */
  enqueue(job: { kind: string; accountId: number; payload: Record<string, unknown>; jobKey?: string; orderingKey?: string }): Promise<void>;
  syncStatus(accountId: number): Promise<SyncStatusView>;
  /**
   * The connection changed (МойСклад connected again, the widget reinstalled): the sync's connect must run again —
   * re-register the webhooks under the new URLs — and runs as soon as both sides are authorised.
   */
  requestConnect(accountId: number): Promise<void>;
  /** Re-queues a failed job of this account. */
  retryFailed(accountId: number, jobId: string): Promise<'retried' | 'not_found' | 'not_failed'>;
  /** Sets a failed job of this account aside as resolved (a retry cannot fix it). */
  skipFailed(accountId: number, jobId: string): Promise<{ outcome: 'skipped'; kind: string } | { outcome: 'not_found' | 'not_failed' }>;
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

/** amoCRM install codes already presented to the install hook (shared by every process, kept while a code lives). */
export interface InstallCodesPort {
  /** True the first time this code is presented. */
  firstUse(code: string): Promise<boolean>;
}


export interface AmoUserNamesPort {
  /**
   * The full name of an amoCRM user of this account, for notes and МойСклад descriptions people can read; null when
   * amoCRM cannot tell it right now (not installed, unreachable, slow). Never throws: a name is worth little delay.
   */
  nameOf(accountId: number, userId: number): Promise<string | null>;
}

export interface AmoOAuthPort {
  /**
   * POST {accountBaseUrl}/oauth2/access_token (authorization_code grant). The base URL is rendered from our
   * configured template, never taken verbatim from the hook's `referer` (that would send our secret anywhere).
   */
  exchangeCode(accountBaseUrl: string, code: string): Promise<{ accessToken: string; refreshToken: string; expiresAt: number; accountId: number }>;
}
