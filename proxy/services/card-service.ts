import type { WidgetAuth } from './widget-auth.js';
import type { BonusOperationListItem, BonusOperationsRepository } from '../db/repositories/bonus-operations.js';
import { MAX_BONUS_POINTS, MIN_BONUS_POINTS } from './bonus-bounds.js';
import { requireMoySkladConnected } from './moysklad-connection.js';
import type { AccountSyncRepository, ImportProgress } from '../db/repositories/account-sync.js';
import type { ReadModelRepository } from '../db/repositories/read-model.js';
import type { AccountsRepository } from '../db/repositories/accounts.js';
import type { BuyerView } from '../db/repositories/read-model.js';
import type { WidgetSettings } from './widget-settings.js';
import type { BonusOperationPageView, BonusOperationView, CardView, FirstImportView, PurchasePage, PurchaseView } from './widget-views.js';
import { ServiceError } from './service-error.js';

/** The first import has not finished (the state `idle` is an account not yet connected by the sync: no import yet). */
function unfinished(progress: ImportProgress): FirstImportView | null {
  return progress.state === 'running' || progress.state === 'failed' ? { state: progress.state, done: progress.done, total: progress.total } : null;
}

export const CARD_FIRST_PAGE_SIZE = 10;
export const CARD_OPERATIONS_PAGE_SIZE = 5;

/**
 * The customer card: everything from our read model in one request, no live МойСклад call. The one request also
 * answers whether the account works with МойСклад (409 `not_connected` / `moysklad_needs_reauth` otherwise) and
 * whether the first import is still running (`import` on the card; 409 `customer_importing` with the progress for a
 * customer not loaded yet), so opening a card costs the widget a single round trip.
 */
export class CardService {
  constructor(private readonly deps: { readModel: Pick<ReadModelRepository, 'buyerByAmoCustomer' | 'purchasePage'>; accountSync: Pick<AccountSyncRepository, 'cardState'>; bonusOperations: Pick<BonusOperationsRepository, 'listBonusOperations'>; accounts: Pick<AccountsRepository, 'find'>; settings: Pick<WidgetSettings, 'get'>; publicUrl: string }) {}

  async card(auth: WidgetAuth, amoCustomerId: number): Promise<CardView> {
    requireMoySkladConnected(await this.deps.accounts.find(auth.accountId));
    const buyer = await this.deps.readModel.buyerByAmoCustomer(auth.accountId, amoCustomerId);
    if (!buyer) {
      // During the first import a customer from МойСклад may simply not be here yet: say so, with the progress,
      // rather than "not from МойСклад".
      const importing = unfinished((await this.deps.accountSync.cardState(auth.accountId)).import);
      if (importing) throw new ServiceError('customer_importing', { import: importing });
      throw new ServiceError('customer_not_linked');
    }
    const [page, operations, state, settings] = await Promise.all([
      this.deps.readModel.purchasePage(auth.accountId, buyer.moyskladId, null, CARD_FIRST_PAGE_SIZE),
      this.deps.bonusOperations.listBonusOperations(auth.accountId, buyer.moyskladId, { cursor: null, limit: CARD_OPERATIONS_PAGE_SIZE }),
      this.deps.accountSync.cardState(auth.accountId),
      this.deps.settings.get(auth.accountId),
    ]);
    const { program } = state;
    return {
      customer: { amoCustomerId, moyskladId: buyer.moyskladId, name: buyer.name },
      bonusCard: buyer.bonusCard,
      points: buyer.points,
      purchaseTotalKopecks: buyer.purchaseTotalKopecks,
      purchaseCount: buyer.purchaseCount,
      referralLink: buyer.referralCode ? new URL(`/r/${encodeURIComponent(buyer.referralCode)}`, this.deps.publicUrl).toString() : null,
      program: program && {
        active: program.active,
        name: program.name,
        earnRateRoublesToPoint: program.earnRateRoublesToPoint,
        spendRatePointsToRouble: program.spendRatePointsToRouble,
        maxPaidRatePercents: program.maxPaidRatePercents,
      },
      purchases: page.items,
      nextCursor: page.nextCursor,
      operations: operations.items.map(toOperationView),
      operationsCursor: operations.nextCursor,
      // The admin's per-operation cap, so the form refuses what the proxy would.
      bounds: { minAmount: MIN_BONUS_POINTS, maxAmount: Math.min(MAX_BONUS_POINTS, settings.bonusMaxPerOperation) },
      import: unfinished(state.import),
    };
  }

  async purchases(auth: WidgetAuth, amoCustomerId: number, cursor: string | null, limit: number): Promise<PurchasePage> {
    const buyer = await this.buyer(auth, amoCustomerId);
    return this.deps.readModel.purchasePage(auth.accountId, buyer.moyskladId, cursor, limit);
  }

  async operations(auth: WidgetAuth, amoCustomerId: number, cursor: string | null, limit: number): Promise<BonusOperationPageView> {
    const buyer = await this.buyer(auth, amoCustomerId);
    const page = await this.deps.bonusOperations.listBonusOperations(auth.accountId, buyer.moyskladId, { cursor, limit });
    return { items: page.items.map(toOperationView), nextCursor: page.nextCursor };
  }

  /** 404 both for "no such customer" and "customer of another account": ids are not an oracle. */
  async buyer(auth: WidgetAuth, amoCustomerId: number): Promise<BuyerView> {
    const buyer = await this.deps.readModel.buyerByAmoCustomer(auth.accountId, amoCustomerId);
    if (!buyer) throw new ServiceError('customer_not_linked');
    return buyer;
  }
}

const STATUS_VIEW: Record<string, BonusOperationView['status']> = { WAIT_PROCESSING: 'pending', CANCELED: 'canceled' };

function toOperationView(item: BonusOperationListItem): BonusOperationView {
  return {
    id: item.id,
    moment: item.moment,
    kind: item.type === 'EARNING' ? 'earned' : 'spent',
    points: item.value,
    status: STATUS_VIEW[item.status] ?? 'completed',
    author: item.author,
    comment: item.comment,
    purchaseNumber: item.purchaseNumber,
  };
}
