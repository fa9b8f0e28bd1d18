import { createHash } from 'node:crypto';
import type { AxiosInstance } from 'axios';
import { MoySkladClient } from '../moysklad/client.js';
import { MoySkladAuthError, MoySkladError, MoySkladNetworkError, MoySkladRateLimitError } from '../moysklad/errors.js';
import type { ClientLogger } from '../logger.js';
import { obtainToken } from '../moysklad/obtain-token.js';
import type { RetryPolicy } from '../moysklad/retry-policy.js';
import { MoySkladUserLimiter } from '../moysklad/user-limiter.js';
import { MoySkladUserLimiters } from '../moysklad/user-limiters.js';
import { normalizePhone, phoneDigits } from '../phone.js';
import type { BonusProgramSnapshot } from '../db/repositories/account-sync.js';
import { ServiceError, type ServiceErrorCode } from './service-error.js';

export type BonusTransactionInput = {
  counterpartyId: string;
  bonusProgramId: string;
  type: 'EARNING' | 'SPENDING';
  points: number;
  /** Our idempotency key, so a retried POST can be found instead of duplicated. */
  externalCode: string;
  description: string;
};

export type InteractiveMoySkladOptions = {
  baseUrl: string;
  publicUrl: string;
  /** The МойСклад axios instance (createMoySkladHttp); the process's shared one by default. */
  http?: AxiosInstance;
  logger?: ClientLogger;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  retryPolicy?: Partial<RetryPolicy>;
  /** The process's МойСклад limiters (proxy/context.ts), shared with the sync: one limiter per user per process. */
  limiters: MoySkladUserLimiters;
};

/**
 * Widget calls are interactive: a person is waiting, so a failing МойСклад gets one quick retry, not the
 * sync's patient backoff (the sync's own clients keep the default policy).
 */
export const INTERACTIVE_RETRY_POLICY: Partial<RetryPolicy> = { maxAttempts: 2, baseDelayMs: 200, maxDelayMs: 1_000 };

/**
 * …and a hanging МойСклад is given up on after this long rather than the sync's minutes. Safe for writes: a
 * timed-out bonus transaction is looked up by its externalCode before any retry, a create is keyed by syncId.
 */
export const INTERACTIVE_TIMEOUT_MS = 30_000;

const NO_API_ACCESS_CODES = new Set([1061]);
const TARIFF_CODES = new Set([1043, 1070, 30006]);
const MAX_BALANCE_CODE = 62004;
const NO_ACTIVE_PROGRAM_CODES = new Set([3020]);

/**
 * Sorts a МойСклад client error into the refusals the widget tells apart. `moysklad_auth_failed` means МойСклад refused
 * the credentials: a wrong password at connect, a revoked token anywhere else (callers mark the account, see
 * proxy/services/moysklad-connection.ts).
 */
export function classifyMoySkladError(error: unknown): ServiceErrorCode {
  if (error instanceof MoySkladAuthError) return 'moysklad_auth_failed';
  if (error instanceof MoySkladNetworkError || error instanceof MoySkladRateLimitError) return 'moysklad_unreachable';
  if (error instanceof MoySkladError) {
    if (error.code !== undefined && NO_API_ACCESS_CODES.has(error.code)) return 'moysklad_no_api_access';
    if (error.code !== undefined && TARIFF_CODES.has(error.code)) return 'moysklad_tariff';
    if (error.code === MAX_BALANCE_CODE) return 'bonus_max_balance_exceeded';
    if (error.code !== undefined && NO_ACTIVE_PROGRAM_CODES.has(error.code)) return 'bonus_program_inactive';
    if (error.status === 402) return 'moysklad_tariff';
    if (error.status === 403) return 'moysklad_no_api_access';
    if (error.status === undefined || error.status >= 500) return 'moysklad_unreachable';
    return 'bonus_rejected';
  }
  return 'moysklad_unreachable';
}

/**
 * МойСклад for a person who is waiting (the widget's connect, bonus operations, price types; the referral page): one
 * quick retry and a short timeout instead of the sync's patience, and every failure classified into what the widget
 * tells apart (a `ServiceError` whose code the edge renders; the МойСклад error stays its `cause` for the logs). One limiter per МойСклад user (keyed
 * by a hash of the token, never the token itself), shared by every call this process makes as that user.
 */
export class InteractiveMoySklad {
  private readonly limiters: MoySkladUserLimiters;

  constructor(private readonly options: InteractiveMoySkladOptions) {
    this.limiters = options.limiters;
  }

  /** POST /security/token with Basic auth. Refuses with `moysklad_auth_failed`, `moysklad_no_api_access`, … */
  async obtainToken(login: string, password: string): Promise<string> {
    return this.call(() => obtainToken(login, password, { ...this.common(), limiter: new MoySkladUserLimiter() }));
  }

  /** Proves a token works (GET /context/employee); the answer names the МойСклад account (its webhooks must carry that id). */
  async checkToken(token: string): Promise<{ login: string | null; accountId: string | null }> {
    const context = await this.call(() => this.client(token).employeeContext());
    return { login: context.uid ?? null, accountId: context.accountId ?? null };
  }

  async activeBonusProgram(token: string): Promise<BonusProgramSnapshot | null> {
    const program = await this.call(() => this.client(token).bonus.activeProgram());
    if (!program) return null;
    return {
      id: program.id,
      name: program.name,
      active: program.active,
      earnRateRoublesToPoint: program.earnRateRoublesToPoint ?? 0,
      spendRatePointsToRouble: program.spendRatePointsToRouble ?? 0,
      maxPaidRatePercents: program.maxPaidRatePercents ?? 0,
    };
  }

  async counterpartyPoints(token: string, counterpartyId: string): Promise<number> {
    const counterparty = await this.call(() => this.client(token).counterparties.get(counterpartyId));
    return counterparty.bonusPoints ?? 0;
  }

  /**
   * Creates one bonus transaction; idempotent on `externalCode` (a retry finds the earlier one). `moment`: МойСклад's
   * Moscow-time stamp of the transaction, when its answer has one.
   */
  async createBonusTransaction(token: string, input: BonusTransactionInput): Promise<{ id: string; status: string; moment: string | null }> {
    const client = this.client(token);
    const base = client.transport.baseUrl;
    const transaction = await this.call(() =>
      client.bonus.createTransaction({
        operationKey: input.externalCode,
        counterpartyHref: `${base}/entity/counterparty/${encodeURIComponent(input.counterpartyId)}`,
        bonusProgramHref: `${base}/entity/bonusprogram/${encodeURIComponent(input.bonusProgramId)}`,
        transactionType: input.type,
        bonusValue: input.points,
        description: input.description,
      }),
    );
    return { id: transaction.id, status: transaction.transactionStatus ?? 'COMPLETED', moment: transaction.moment ?? null };
  }

  async priceTypes(token: string): Promise<{ id: string; name: string }[]> {
    const types = await this.call(() => this.client(token).catalog.listPriceTypes());
    return types.map((type) => ({ id: type.id, name: type.name }));
  }

  /** Ids of counterparties whose phone is `phone` (E.164) by the one phone rule, proxy/phone.ts (search, then exact match). */
  async counterpartyIdsByPhone(token: string, phone: string): Promise<string[]> {
    // МойСклад's `search` matches the stored text as a substring and phones are stored as typed
    // ("+7 (999) 123-45-67", "89991234567" …; the matching rule is unconfirmed). So search for a few
    // renderings of the tail and compare by the one phone rule here; each search reads at most 500 rows.
    const digits = phoneDigits(phone);
    const last4 = digits.slice(-4);
    const probes = [digits.slice(-10), last4, `${last4.slice(0, 2)}-${last4.slice(2)}`, `${last4.slice(0, 2)} ${last4.slice(2)}`];
    const client = this.client(token);
    const ids = new Set<string>();
    for (const search of probes) {
      await this.call(async () => {
        let seen = 0;
        for await (const counterparty of client.counterparties.iterate({ search, pageSize: 100 })) {
          if (normalizePhone(counterparty.phone) === phone) ids.add(counterparty.id);
          if (++seen >= 500) break;
        }
      });
      if (ids.size > 0) break;
    }
    return [...ids];
  }

  /** Creates a private buyer; `syncId` makes a retried create return the first one. */
  async createIndividual(token: string, input: { name: string; phone: string; syncId: string }): Promise<{ id: string }> {
    const created = await this.call(() => this.client(token).counterparties.createIndividual({ name: input.name, phone: input.phone, syncId: input.syncId }));
    return { id: created.id };
  }

  /** Deletes the account's webhooks whose URL starts with `ownedUrlPrefix` (ours only); returns how many. */
  async removeWebhooks(token: string, ownedUrlPrefix: string): Promise<number> {
    const client = this.client(token);
    // ensure([]) deletes every hook under our prefix and touches no other.
    const result = await this.call(() => client.webhooks.ensure([], ownedUrlPrefix));
    return result.removed.length;
  }

  private common() {
    return {
      baseUrl: this.options.baseUrl,
      publicUrl: this.options.publicUrl,
      ...(this.options.http ? { http: this.options.http } : {}),
      ...(this.options.logger ? { logger: this.options.logger } : {}),
      ...(this.options.sleep ? { sleep: this.options.sleep } : {}),
      retryPolicy: { ...INTERACTIVE_RETRY_POLICY, ...this.options.retryPolicy },
      timeoutMs: this.options.timeoutMs ?? INTERACTIVE_TIMEOUT_MS,
    };
  }

  private client(token: string): MoySkladClient {
    return new MoySkladClient({ ...this.common(), token, limiter: this.limiters.forToken(token) });
  }

  private async call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw new ServiceError(classifyMoySkladError(error), {}, { cause: error });
    }
  }
}
