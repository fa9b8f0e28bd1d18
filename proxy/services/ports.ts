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

/** Failure categories the widget distinguishes; adapters map МойСклад errors onto them. */
export type MoySkladFailure =
  | 'auth_failed'
  | 'no_api_access'
  | 'tariff'
  | 'unreachable'
  | 'max_balance_exceeded'
  | 'no_active_program'
  | 'rejected';

export class MoySkladPortError extends Error {
  constructor(
    readonly failure: MoySkladFailure,
    message: string,
    /** True when the request may have been applied (network error after sending a write). */
    readonly ambiguous = false,
  ) {
    super(message);
    this.name = 'MoySkladPortError';
  }
}

export interface MoySkladPort {
  /** POST /security/token with Basic auth. Throws MoySkladPortError('auth_failed' | 'no_api_access' | …). */
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

export type StoredResponse = { status: number; body: unknown };

export type IdempotencyClaim =
  | { kind: 'claimed' }
  | { kind: 'existing'; requestHash: string; response: StoredResponse | null };

export interface IdempotencyPort {
  /** Inserts the key; a unique constraint decides which concurrent caller wins. */
  claim(accountId: number, key: string, requestHash: string, ttlMs: number): Promise<IdempotencyClaim>;
  lookup(accountId: number, key: string): Promise<{ requestHash: string; response: StoredResponse | null } | null>;
  complete(accountId: number, key: string, response: StoredResponse): Promise<void>;
  /** Releases an in-progress key after a failure that left nothing behind, so the caller may retry. */
  release(accountId: number, key: string): Promise<void>;
}


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

/** amoCRM install codes already presented to the install hook (shared by every process, kept while a code lives). */
export interface InstallCodesPort {
  /** True the first time this code is presented. */
  firstUse(code: string): Promise<boolean>;
}


export interface AmoOAuthPort {
  /**
   * POST {accountBaseUrl}/oauth2/access_token (authorization_code grant). The base URL is rendered from our
   * configured template, never taken verbatim from the hook's `referer` (that would send our secret anywhere).
   */
  exchangeCode(accountBaseUrl: string, code: string): Promise<{ accessToken: string; refreshToken: string; expiresAt: number; accountId: number }>;
}
