import type { WidgetAuth } from '../http/auth/verify-disposable-token.js';
import { MAX_BONUS_POINTS, MIN_BONUS_POINTS } from './bonus-bounds.js';
import type { AccountsPort, BonusProgramView, BuyerView, PurchasePage, PurchaseView, ReadModelPort } from './ports.js';
import { ServiceError } from './service-error.js';

export type CardView = {
  customer: { amoCustomerId: number; moyskladId: string; name: string };
  bonusCard: string | null;
  points: number;
  purchaseTotalKopecks: number;
  purchaseCount: number;
  referralLink: string | null;
  /** The snapshot of the active bonus program, without its МойСклад id (the widget never needs it). */
  program: Omit<BonusProgramView, 'id'> | null;
  purchases: PurchaseView[];
  nextCursor: string | null;
  bounds: { minAmount: number; maxAmount: number };
};

export const CARD_FIRST_PAGE_SIZE = 10;

/** The customer card: everything from our read model in one request, no live МойСклад call. */
export class CardService {
  constructor(private readonly deps: { readModel: ReadModelPort; accounts: Pick<AccountsPort, 'getSettings'>; publicUrl: string }) {}

  async card(auth: WidgetAuth, amoCustomerId: number): Promise<CardView> {
    const buyer = await this.buyer(auth, amoCustomerId);
    const [page, program, settings] = await Promise.all([
      this.deps.readModel.purchases(auth.accountId, buyer.moyskladId, null, CARD_FIRST_PAGE_SIZE),
      this.deps.readModel.bonusProgram(auth.accountId),
      this.deps.accounts.getSettings(auth.accountId),
    ]);
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
      // The admin's per-operation cap, so the form refuses what the proxy would.
      bounds: { minAmount: MIN_BONUS_POINTS, maxAmount: Math.min(MAX_BONUS_POINTS, settings.bonusMaxPerOperation) },
    };
  }

  async purchases(auth: WidgetAuth, amoCustomerId: number, cursor: string | null, limit: number): Promise<PurchasePage> {
    const buyer = await this.buyer(auth, amoCustomerId);
    return this.deps.readModel.purchases(auth.accountId, buyer.moyskladId, cursor, limit);
  }

  /** 404 both for "no such customer" and "customer of another account": ids are not an oracle. */
  async buyer(auth: WidgetAuth, amoCustomerId: number): Promise<BuyerView> {
    const buyer = await this.deps.readModel.buyerByAmoCustomer(auth.accountId, amoCustomerId);
    if (!buyer) throw new ServiceError(404, 'customer_not_linked');
    return buyer;
  }
}
