import { createHash } from 'node:crypto';
import { parseMoscow, toMoscowIso } from '../moysklad/moscow-time.js';
import type { WidgetAuth } from './widget-auth.js';
import { customerNoteJob, entityJob } from '../sync/jobs.js';
import { MAX_BONUS_POINTS, MIN_BONUS_POINTS } from './bonus-bounds.js';
import { DEFAULT_IDEMPOTENCY_TIMING, requestHash, runOnce, type IdempotencyStore, type IdempotencyTiming } from './idempotent-execution.js';
import { KeyedMutex } from './keyed-mutex.js';
import { type DailyCountersRepository, moscowDay } from '../db/repositories/daily-counters.js';
import type { BuyerView } from '../db/repositories/read-model.js';
import { moyskladTokenFor } from './moysklad-connection.js';
import type { InteractiveMoySklad } from './interactive-moysklad.js';
import type { BonusOperationsRepository } from '../db/repositories/bonus-operations.js';
import type { OperationLogRepository } from '../db/repositories/operation-log.js';
import type { SyncJobs } from './sync-jobs.js';
import type { AmoUserNameLookup } from './amo-user-names.js';
import type { AccountSyncRepository } from '../db/repositories/account-sync.js';
import type { AccountsRepository } from '../db/repositories/accounts.js';
import type { WidgetSettings } from './widget-settings.js';
import type { ReadModelRepository } from '../db/repositories/read-model.js';
import { ServiceError } from './service-error.js';
import type { BonusResult } from './widget-views.js';

export type BonusRequest = { operation: 'accrue' | 'redeem'; amount: number; comment?: string | undefined };

export type BonusDeps = {
  accounts: AccountsRepository;
  settings: Pick<WidgetSettings, 'get'>;
  /** Per-user daily caps (settings), shared by every process. */
  dailyCounters: Pick<DailyCountersRepository, 'reserve' | 'release'>;
  readModel: Pick<ReadModelRepository, 'setPoints'>;
  /** The bonus program snapshot the card shows, refreshed when an operation finds it changed. */
  accountSync: Pick<AccountSyncRepository, 'saveBonusProgram'>;
  moysklad: Pick<InteractiveMoySklad, 'activeBonusProgram' | 'counterpartyPoints' | 'createBonusTransaction'>;
  idempotency: IdempotencyStore;
  operationLog: Pick<OperationLogRepository, 'append'>;
  jobs: Pick<SyncJobs, 'enqueue'>;
  /** Who made the operation, by name, for the МойСклад description and the amoCRM note. */
  userNames: AmoUserNameLookup;
  /** The card's history: the operation is listed at once, with its author and comment. */
  bonusOperations: Pick<BonusOperationsRepository, 'upsertBonusOperations'>;
  timing?: IdempotencyTiming;
  /** Clock (epoch ms); tests pin it. */
  now?: () => number;
};

/** Who made an operation, as notes and МойСклад descriptions name them: the amoCRM user's name, else their id. */
type Author = { userId: number; name: string | null };

/** Manual accrual and redemption of points from the customer card, exactly once per Idempotency-Key. */
export class BonusService {
  private readonly perBuyer = new KeyedMutex();

  constructor(private readonly deps: BonusDeps) {}

  async operate(auth: WidgetAuth, buyer: BuyerView, request: BonusRequest, idempotencyKey: string): Promise<BonusResult> {
    const scope = {
      accountId: auth.accountId,
      // Namespaced: the table also holds the referral page's keys (`referral:<phone>`), which a caller must not reach.
      key: `widget:${idempotencyKey}`,
      hash: requestHash({ customer: buyer.amoCustomerId, ...request, comment: request.comment ?? '' }),
    };
    return runOnce(this.deps.idempotency, scope, () => this.execute(auth, buyer, request, idempotencyKey), this.deps.timing ?? DEFAULT_IDEMPOTENCY_TIMING);
  }

  private async execute(auth: WidgetAuth, buyer: BuyerView, request: BonusRequest, idempotencyKey: string): Promise<BonusResult> {
    if (!Number.isInteger(request.amount) || request.amount < MIN_BONUS_POINTS || request.amount > MAX_BONUS_POINTS) {
      throw new ServiceError('bonus_amount_out_of_bounds');
    }
    const token = await this.tokenOf(auth.accountId);
    const settings = await this.deps.settings.get(auth.accountId);
    if (request.amount > settings.bonusMaxPerOperation) throw new ServiceError('bonus_operation_limit_exceeded', { maxAmount: settings.bonusMaxPerOperation });
    // The user's daily total is reserved before МойСклад is called (atomically, across processes) and given back if
    // the operation does not happen, so parallel requests cannot together pass the cap.
    const day = moscowDay(new Date((this.deps.now ?? Date.now)()));
    const subject = `bonus:${request.operation}:user:${auth.userId}`;
    if (!(await this.deps.dailyCounters.reserve(auth.accountId, subject, day, request.amount, settings.bonusMaxPerUserPerDay))) {
      throw new ServiceError('bonus_daily_limit_exceeded', { dailyLimit: settings.bonusMaxPerUserPerDay });
    }
    try {
      return await this.transact(auth, buyer, request, idempotencyKey, token);
    } catch (error) {
      await this.deps.dailyCounters.release(auth.accountId, subject, day, request.amount);
      throw error;
    }
  }

  private transact(auth: WidgetAuth, buyer: BuyerView, request: BonusRequest, idempotencyKey: string, token: string): Promise<BonusResult> {
    return this.perBuyer.run(`${auth.accountId}:${buyer.moyskladId}`, async () => {
      try {
        const program = await this.deps.moysklad.activeBonusProgram(token);
        await this.deps.accountSync.saveBonusProgram(auth.accountId, program);
        if (!program?.active) throw new ServiceError('bonus_program_inactive');
        if (request.operation === 'redeem') {
          // The read model may lag behind the till; the live balance decides, and the card learns it with the refusal.
          const balance = await this.deps.moysklad.counterpartyPoints(token, buyer.moyskladId);
          if (request.amount > balance) {
            await this.deps.readModel.setPoints(auth.accountId, buyer.moyskladId, balance);
            throw new ServiceError('bonus_insufficient_points', { balance });
          }
        }
        const author: Author = { userId: auth.userId, name: await this.deps.userNames.nameOf(auth.accountId, auth.userId) };
        const transaction = await this.deps.moysklad.createBonusTransaction(token, {
          counterpartyId: buyer.moyskladId,
          bonusProgramId: program.id,
          type: request.operation === 'accrue' ? 'EARNING' : 'SPENDING',
          points: request.amount,
          externalCode: externalCodeFor(auth.accountId, idempotencyKey),
          description: describe(author, request),
        });
        const points = await this.deps.moysklad.counterpartyPoints(token, buyer.moyskladId);
        await this.deps.readModel.setPoints(auth.accountId, buyer.moyskladId, points);
        await this.record(auth, buyer, request, { ...transaction, author }, points);
        return { operationId: transaction.id, points, status: 'completed' };
      } catch (error) {
        if (error instanceof ServiceError && error.code === 'moysklad_auth_failed') {
          await this.deps.accounts.markMoySkladNeedsReauth(auth.accountId);
          throw new ServiceError('moysklad_needs_reauth');
        }
        throw error;
      }
    });
  }

  private tokenOf(accountId: number): Promise<string> {
    return moyskladTokenFor(this.deps.accounts, accountId);
  }

  private async record(
    auth: WidgetAuth,
    buyer: BuyerView,
    request: BonusRequest,
    transaction: { id: string; status: string; moment: string | null; author: Author },
    points: number,
  ): Promise<void> {
    const transactionId = transaction.id;
    const { author } = transaction;
    // МойСклад's moment is its Moscow wall clock; our clock is close enough when an answer lacks it.
    const at = transaction.moment ? parseMoscow(transaction.moment) : new Date((this.deps.now ?? Date.now)());
    await this.deps.bonusOperations.upsertBonusOperations(auth.accountId, [
      {
        id: transactionId,
        buyerMoyskladId: buyer.moyskladId,
        momentMs: at.getTime(),
        moment: toMoscowIso(at),
        type: request.operation === 'accrue' ? 'EARNING' : 'SPENDING',
        value: request.amount,
        status: transaction.status,
        retailDemandId: null,
        author: { amoUserId: author.userId, name: author.name },
        comment: request.comment ?? null,
      },
    ]);
    const details = { amoCustomerId: buyer.amoCustomerId, moyskladId: buyer.moyskladId, amount: request.amount, transactionId, balance: points, comment: request.comment ?? null };
    await this.deps.operationLog.append({ accountId: auth.accountId, userId: auth.userId, kind: `bonus.${request.operation}`, details });
    // The note is written by a queued job so a slow or failing amoCRM never breaks the operation.
    await this.deps.jobs.enqueue(customerNoteJob(auth.accountId, buyer.amoCustomerId, noteText(author, request, points), `bonus-note:${transactionId}`));
    // Our write carries X-Lognex-WebHook-DisableByPrefix, so МойСклад sends us no webhook for it: the sync is told
    // directly, and refreshes the customer's points field in amoCRM as for a transaction made at the till.
    await this.deps.jobs.enqueue(entityJob({ accountId: auth.accountId, entityType: 'bonustransaction', id: transactionId, action: 'CREATE' }));
  }
}

/** МойСклад has no syncId on bonustransaction; externalCode carries our key (hashed: fixed length, filter-safe). */
export function externalCodeFor(accountId: number, idempotencyKey: string): string {
  return `amo-${createHash('sha256').update(`${accountId}:${idempotencyKey}`).digest('hex').slice(0, 40)}`;
}

/** "Анна Админова" when amoCRM told us the name, else "пользователь amoCRM 5000001": never less than the id. */
function authorText(author: Author): string {
  return author.name ?? `пользователь amoCRM ${author.userId}`;
}

/** The МойСклад description: what, from where, who (so people reading МойСклад know whom to ask), and why. */
function describe(author: Author, request: BonusRequest): string {
  const verb = request.operation === 'accrue' ? 'Начисление' : 'Списание';
  const comment = request.comment ? `: ${request.comment}` : '';
  const who = author.name ? `${author.name}, amoCRM` : authorText(author);
  return `${verb} из amoCRM (${who})${comment}`.slice(0, 4000);
}

function noteText(author: Author, request: BonusRequest, balance: number): string {
  const verb = request.operation === 'accrue' ? 'Начислено' : 'Списано';
  const comment = request.comment ? ` Комментарий: ${request.comment}` : '';
  return `${verb} ${request.amount} бонусных баллов в МойСклад (${authorText(author)}). Баланс: ${balance}.${comment}`;
}
