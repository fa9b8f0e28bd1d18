import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { BuyerSnapshot } from './mapping/buyer.js';

export interface PurchaseRecord {
  id: string;
  buyerMoyskladId: string;
  number: string;
  /** ISO-8601 with the Moscow offset, e.g. "2026-03-12T14:05:00.000+03:00". */
  moment: string;
  momentMs: number;
  sumKopecks: number;
  pointsEarned: number;
  pointsSpent: number;
  items: { name: string; quantity: number; priceKopecks: number }[];
}

/**
 * A stable referral code per buyer: derived from the account and the МойСклад id, so every process and every
 * re-import computes the same code without coordination (and it reveals neither id).
 */
export function referralCodeFor(accountId: number, moyskladId: string): string {
  return createHash('sha256').update(`${accountId}:${moyskladId}`).digest('base64url').slice(0, 10);
}

/** Writes the read model the widget's card is served from (buyers, purchases, items, totals). */
export class ReadModelWriter {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
  ) {}

  async upsertBuyer(accountId: number, buyer: BuyerSnapshot, amoCustomerId: number | null, executor: Kysely<Database> = this.db): Promise<void> {
    const now = this.now();
    const changes = {
      name: buyer.name,
      phone: buyer.phone,
      email: buyer.email,
      bonus_card: buyer.bonusCard,
      points: buyer.points,
      updated_at: now,
      ...(amoCustomerId !== null ? { amo_customer_id: amoCustomerId } : {}),
    };
    await executor
      .insertInto('buyers')
      .values({
        account_id: accountId,
        moysklad_id: buyer.moyskladId,
        amo_customer_id: amoCustomerId,
        purchase_total_kopecks: 0,
        purchase_count: 0,
        referral_code: referralCodeFor(accountId, buyer.moyskladId),
        referrer_moysklad_id: null,
        ...changes,
      })
      .onConflict((oc) => oc.columns(['account_id', 'moysklad_id']).doUpdateSet(changes))
      .execute();
  }

  async setPoints(accountId: number, moyskladId: string, points: number, executor: Kysely<Database> = this.db): Promise<void> {
    await executor.updateTable('buyers').set({ points, updated_at: this.now() }).where('account_id', '=', accountId).where('moysklad_id', '=', moyskladId).execute();
  }

  /** Replaces the purchase and its items, then recomputes the buyer's totals from all purchases not returned. */
  async upsertPurchase(accountId: number, purchase: PurchaseRecord, executor: Kysely<Database> = this.db): Promise<void> {
    const now = this.now();
    const row = {
      buyer_moysklad_id: purchase.buyerMoyskladId,
      number: purchase.number,
      moment: purchase.moment,
      moment_ms: purchase.momentMs,
      sum_kopecks: purchase.sumKopecks,
      points_earned: purchase.pointsEarned,
      points_spent: purchase.pointsSpent,
      updated_at: now,
    };
    await executor
      .insertInto('purchases')
      .values({ account_id: accountId, id: purchase.id, returned: 0, ...row })
      .onConflict((oc) => oc.columns(['account_id', 'id']).doUpdateSet(row))
      .execute();
    await executor.deleteFrom('purchase_items').where('account_id', '=', accountId).where('purchase_id', '=', purchase.id).execute();
    if (purchase.items.length > 0) {
      await executor
        .insertInto('purchase_items')
        .values(purchase.items.map((item, position) => ({ account_id: accountId, purchase_id: purchase.id, position, name: item.name, quantity: item.quantity, price_kopecks: item.priceKopecks })))
        .execute();
    }
    await this.recomputeTotals(accountId, purchase.buyerMoyskladId, executor);
  }

  async markReturned(accountId: number, purchaseId: string, executor: Kysely<Database> = this.db): Promise<void> {
    const purchase = await executor.selectFrom('purchases').select('buyer_moysklad_id').where('account_id', '=', accountId).where('id', '=', purchaseId).executeTakeFirst();
    if (!purchase) return;
    await executor.updateTable('purchases').set({ returned: 1, updated_at: this.now() }).where('account_id', '=', accountId).where('id', '=', purchaseId).execute();
    await this.recomputeTotals(accountId, purchase.buyer_moysklad_id, executor);
  }

  /** Totals are derived, never incremented: replays and reorders cannot drift them. */
  private async recomputeTotals(accountId: number, buyerMoyskladId: string, executor: Kysely<Database>): Promise<void> {
    const totals = await executor
      .selectFrom('purchases')
      .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.coalesce(eb.fn.sum<number>('sum_kopecks'), eb.lit(0)).as('total')])
      .where('account_id', '=', accountId)
      .where('buyer_moysklad_id', '=', buyerMoyskladId)
      .where('returned', '=', 0)
      .executeTakeFirstOrThrow();
    await executor
      .updateTable('buyers')
      .set({ purchase_count: Number(totals.count), purchase_total_kopecks: Number(totals.total), updated_at: this.now() })
      .where('account_id', '=', accountId)
      .where('moysklad_id', '=', buyerMoyskladId)
      .execute();
  }
}
