import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/schema.js';
import type { BuyerSnapshot } from './mapping/buyer.js';

export interface PurchaseItemRecord {
  name: string;
  quantity: number;
  priceKopecks: number;
  /** МойСклад assortment of the line (product, variant, service, …). */
  assortmentId?: string | null;
  /** The product whose amoCRM catalog element the purchase carries (a variant's product); null for services. */
  productId?: string | null;
}

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
  items: PurchaseItemRecord[];
}

/** A purchase of the read model with its lines, as the amoCRM writer needs it. */
export interface StoredPurchase extends PurchaseRecord {
  /** Every line was taken back. */
  returned: boolean;
  /** Σ of the sums of its returns so far: the purchase's net sum is `sumKopecks − returnedKopecks`. */
  returnedKopecks: number;
  /** The lines as sold, each with how much of it returns took back. */
  items: (PurchaseItemRecord & { returnedQuantity: number })[];
}

/** One retail return of a sale (МойСклад retailsalesreturn), as the read model keeps it. */
export interface ReturnRecord {
  id: string;
  purchaseId: string;
  number: string;
  momentMs: number;
  sumKopecks: number;
  /** Points earned on the sale that the return took back, and points spent on it that it gave back. */
  pointsTakenBack: number;
  pointsGivenBack: number;
  lines: { assortmentId: string; quantity: number }[];
}

const returnLinesSchema = z.array(z.object({ assortmentId: z.string(), quantity: z.number() }));

/** Quantities are decimals in МойСклад (weight goods): compare with a tolerance, not exactly. */
const QUANTITY_EPSILON = 1e-9;

/**
 * Which part of each line the returns took back: the returned quantity of an item is spread over the sale's lines of
 * that item first to last (the till does the same when a return names an item, not a line). Pure, so the writer and
 * its tests share one rule.
 */
export function returnedQuantities(items: readonly { assortmentId?: string | null; quantity: number }[], returns: readonly { lines: readonly { assortmentId: string; quantity: number }[] }[]): number[] {
  const left = new Map<string, number>();
  for (const ret of returns) for (const line of ret.lines) left.set(line.assortmentId, (left.get(line.assortmentId) ?? 0) + line.quantity);
  return items.map((item) => {
    const id = item.assortmentId;
    if (!id) return 0;
    const available = left.get(id) ?? 0;
    const taken = Math.min(available, item.quantity);
    if (taken > 0) left.set(id, available - taken);
    return taken > QUANTITY_EPSILON ? taken : 0;
  });
}

/** The lines of a purchase that are still the buyer's after its returns (what amoCRM's purchase must carry). */
export function remainingItems<T extends { quantity: number; returnedQuantity: number }>(items: readonly T[]): (T & { quantity: number })[] {
  return items.flatMap((item) => {
    const quantity = item.quantity - item.returnedQuantity;
    return quantity > QUANTITY_EPSILON ? [{ ...item, quantity: Math.round(quantity * 1000) / 1000 }] : [];
  });
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
    await this.upsertBuyers(accountId, [{ buyer, amoCustomerId }], null, executor);
  }

  /** The name, bonus card and points the sync last took from МойСклад for a buyer (what amoCRM's customer must say). */
  async buyerCustomerFields(accountId: number, moyskladId: string): Promise<{ name: string; bonusCard: string | null; points: number } | null> {
    const row = await this.db.selectFrom('buyers').select(['name', 'bonus_card', 'points']).where('account_id', '=', accountId).where('moysklad_id', '=', moyskladId).executeTakeFirst();
    return row ? { name: row.name, bonusCard: row.bonus_card, points: Number(row.points) } : null;
  }

  /** When the buyer was last read from МойСклад (null: never recorded). */
  async buyerReadAt(accountId: number, moyskladId: string): Promise<number | null> {
    return (await this.buyersReadAt(accountId, [moyskladId])).get(moyskladId) ?? null;
  }

  /** When these buyers were last read from МойСклад; buyers without a recorded read are left out. */
  async buyersReadAt(accountId: number, moyskladIds: readonly string[]): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    for (let i = 0; i < moyskladIds.length; i += 500) {
      const rows = await this.db
        .selectFrom('buyers')
        .select(['moysklad_id', 'read_at'])
        .where('account_id', '=', accountId)
        .where('moysklad_id', 'in', moyskladIds.slice(i, i + 500))
        .where('read_at', 'is not', null)
        .execute();
      for (const row of rows) found.set(row.moysklad_id, Number(row.read_at));
    }
    return found;
  }

  /** One statement per 500 buyers: a page of the import is one write, not one per row. */
  /** `readAt`: when these buyers were read from МойСклад (live jobs), so events older than the read can be skipped. */
  async upsertBuyers(accountId: number, rows: readonly { buyer: BuyerSnapshot; amoCustomerId: number | null }[], readAt: number | null = null, executor: Kysely<Database> = this.db): Promise<void> {
    const now = this.now();
    for (let i = 0; i < rows.length; i += 500) {
      await executor
        .insertInto('buyers')
        .values(
          rows.slice(i, i + 500).map(({ buyer, amoCustomerId }) => ({
            account_id: accountId,
            moysklad_id: buyer.moyskladId,
            amo_customer_id: amoCustomerId,
            name: buyer.name,
            phone: buyer.phone,
            email: buyer.email,
            bonus_card: buyer.bonusCard,
            points: buyer.points,
            purchase_total_kopecks: 0,
            purchase_count: 0,
            referral_code: referralCodeFor(accountId, buyer.moyskladId),
            referrer_moysklad_id: null,
            read_at: readAt,
            updated_at: now,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['account_id', 'moysklad_id']).doUpdateSet((eb) => ({
            name: eb.ref('excluded.name'),
            phone: eb.ref('excluded.phone'),
            email: eb.ref('excluded.email'),
            bonus_card: eb.ref('excluded.bonus_card'),
            points: eb.ref('excluded.points'),
            // A buyer whose customer could not be written keeps the customer it had.
            amo_customer_id: eb.fn.coalesce(eb.ref('excluded.amo_customer_id'), eb.ref('buyers.amo_customer_id')),
            read_at: eb.fn.coalesce(eb.ref('excluded.read_at'), eb.ref('buyers.read_at')),
            updated_at: now,
          })),
        )
        .execute();
    }
  }

  async setPoints(accountId: number, moyskladId: string, points: number, executor: Kysely<Database> = this.db): Promise<void> {
    await executor.updateTable('buyers').set({ points, updated_at: this.now() }).where('account_id', '=', accountId).where('moysklad_id', '=', moyskladId).execute();
  }

  /** Which of these МойСклад ids are buyers of the read model (individuals the sync has seen). */
  async knownBuyers(accountId: number, moyskladIds: readonly string[]): Promise<Set<string>> {
    const known = new Set<string>();
    const unique = [...new Set(moyskladIds)];
    for (let i = 0; i < unique.length; i += 500) {
      const rows = await this.db.selectFrom('buyers').select('moysklad_id').where('account_id', '=', accountId).where('moysklad_id', 'in', unique.slice(i, i + 500)).execute();
      for (const row of rows) known.add(row.moysklad_id);
    }
    return known;
  }

  async upsertPurchase(accountId: number, purchase: PurchaseRecord, executor: Kysely<Database> = this.db): Promise<void> {
    await this.upsertPurchases(accountId, [purchase], executor);
  }

  /**
   * Replaces purchases and their lines, then recomputes the totals of their buyers once each. A purchase already
   * marked returned stays returned (the return is its own fact).
   */
  async upsertPurchases(accountId: number, purchases: readonly PurchaseRecord[], executor: Kysely<Database> = this.db): Promise<void> {
    if (purchases.length === 0) return;
    const now = this.now();
    for (const purchase of purchases) {
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
          .values(
            purchase.items.map((item, position) => ({
              account_id: accountId,
              purchase_id: purchase.id,
              position,
              name: item.name,
              quantity: item.quantity,
              price_kopecks: item.priceKopecks,
              assortment_id: item.assortmentId ?? null,
              product_id: item.productId ?? null,
            })),
          )
          .execute();
      }
    }
    // Lines were just replaced: what returns took back is derived again (only for sales that have returns).
    await this.applyReturns(accountId, await this.withReturns(accountId, purchases.map((p) => p.id), executor), executor);
    for (const buyer of new Set(purchases.map((p) => p.buyerMoyskladId))) await this.recomputeTotals(accountId, buyer, executor);
  }

  /**
   * Records one return of a sale (replays change nothing) and derives the sale's net: the returned sum, the returned
   * part of each line, and whether it is returned whole. Several partial returns of one sale add up in any order.
   */
  async upsertReturn(accountId: number, ret: ReturnRecord, executor: Kysely<Database> = this.db): Promise<void> {
    const row = {
      purchase_id: ret.purchaseId,
      number: ret.number,
      moment_ms: ret.momentMs,
      sum_kopecks: ret.sumKopecks,
      points_taken_back: ret.pointsTakenBack,
      points_given_back: ret.pointsGivenBack,
      lines_json: JSON.stringify(ret.lines),
      updated_at: this.now(),
    };
    await executor
      .insertInto('purchase_returns')
      .values({ account_id: accountId, id: ret.id, ...row })
      .onConflict((oc) => oc.columns(['account_id', 'id']).doUpdateSet(row))
      .execute();
    await this.applyReturns(accountId, [ret.purchaseId], executor);
    const purchase = await executor.selectFrom('purchases').select('buyer_moysklad_id').where('account_id', '=', accountId).where('id', '=', ret.purchaseId).executeTakeFirst();
    if (purchase) await this.recomputeTotals(accountId, purchase.buyer_moysklad_id, executor);
  }

  /** The returns of one sale, oldest first. */
  async returnsOf(accountId: number, purchaseId: string, executor: Kysely<Database> = this.db): Promise<ReturnRecord[]> {
    const rows = await executor.selectFrom('purchase_returns').selectAll().where('account_id', '=', accountId).where('purchase_id', '=', purchaseId).orderBy('moment_ms').orderBy('id').execute();
    return rows.map((row) => ({
      id: row.id,
      purchaseId: row.purchase_id,
      number: row.number,
      momentMs: Number(row.moment_ms),
      sumKopecks: Number(row.sum_kopecks),
      pointsTakenBack: Number(row.points_taken_back),
      pointsGivenBack: Number(row.points_given_back),
      lines: parseLines(row.lines_json),
    }));
  }

  /** Which of these sales have returns recorded (or were returned whole before returns were recorded one by one). */
  private async withReturns(accountId: number, purchaseIds: readonly string[], executor: Kysely<Database>): Promise<string[]> {
    const found = new Set<string>();
    for (let i = 0; i < purchaseIds.length; i += 500) {
      const chunk = purchaseIds.slice(i, i + 500);
      const rows = await executor
        .selectFrom('purchases as p')
        .select('p.id')
        .where('p.account_id', '=', accountId)
        .where('p.id', 'in', chunk)
        .where((eb) => eb.or([eb('p.returned', '=', 1), eb.exists(eb.selectFrom('purchase_returns as r').select('r.id').whereRef('r.account_id', '=', 'p.account_id').whereRef('r.purchase_id', '=', 'p.id'))]))
        .execute();
      for (const row of rows) found.add(row.id);
    }
    return [...found];
  }

  /**
   * Derives each sale's net from its returns (never incremented, so replays and reorders cannot drift it). A sale
   * returned whole before returns were recorded one by one (no rows) stays returned whole.
   */
  private async applyReturns(accountId: number, purchaseIds: readonly string[], executor: Kysely<Database>): Promise<void> {
    const now = this.now();
    for (const purchaseId of purchaseIds) {
      const purchase = await executor.selectFrom('purchases').select(['sum_kopecks', 'returned']).where('account_id', '=', accountId).where('id', '=', purchaseId).executeTakeFirst();
      if (!purchase) continue; // the return came first: derived when its sale is recorded
      const returns = await this.returnsOf(accountId, purchaseId, executor);
      const items = await executor.selectFrom('purchase_items').select(['position', 'quantity', 'assortment_id']).where('account_id', '=', accountId).where('purchase_id', '=', purchaseId).orderBy('position').execute();
      const sum = Number(purchase.sum_kopecks);
      const legacyWhole = returns.length === 0 && Number(purchase.returned) === 1;
      const returnedKopecks = legacyWhole ? sum : Math.min(sum, returns.reduce((total, ret) => total + ret.sumKopecks, 0));
      const quantities = legacyWhole ? items.map((item) => Number(item.quantity)) : returnedQuantities(items.map((item) => ({ assortmentId: item.assortment_id, quantity: Number(item.quantity) })), returns);
      for (const [index, item] of items.entries()) {
        await executor
          .updateTable('purchase_items')
          .set({ returned_quantity: quantities[index]! })
          .where('account_id', '=', accountId)
          .where('purchase_id', '=', purchaseId)
          .where('position', '=', item.position)
          .execute();
      }
      const allLinesBack = items.length > 0 && items.every((item, index) => Number(item.quantity) - quantities[index]! <= QUANTITY_EPSILON);
      const whole = legacyWhole || allLinesBack || (returns.length > 0 && returnedKopecks >= sum);
      await executor
        .updateTable('purchases')
        .set({ returned_kopecks: returnedKopecks, returned: whole ? 1 : 0, updated_at: now })
        .where('account_id', '=', accountId)
        .where('id', '=', purchaseId)
        .execute();
    }
  }

  /** Purchases of these buyers with their lines (the amoCRM writer compares them with the links it has). */
  async purchasesOf(accountId: number, buyerIds: readonly string[]): Promise<StoredPurchase[]> {
    const purchases: StoredPurchase[] = [];
    const unique = [...new Set(buyerIds)];
    for (let i = 0; i < unique.length; i += 500) {
      const rows = await this.db
        .selectFrom('purchases')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('buyer_moysklad_id', 'in', unique.slice(i, i + 500))
        .orderBy('moment_ms')
        .orderBy('id')
        .execute();
      if (rows.length === 0) continue;
      const items = await this.itemsOf(accountId, rows.map((row) => row.id));
      for (const row of rows) {
        purchases.push({
          id: row.id,
          buyerMoyskladId: row.buyer_moysklad_id,
          number: row.number,
          moment: row.moment,
          momentMs: Number(row.moment_ms),
          sumKopecks: Number(row.sum_kopecks),
          pointsEarned: Number(row.points_earned),
          pointsSpent: Number(row.points_spent),
          returned: Number(row.returned) === 1,
          returnedKopecks: Number(row.returned_kopecks),
          items: items.get(row.id) ?? [],
        });
      }
    }
    return purchases;
  }

  async purchase(accountId: number, purchaseId: string): Promise<StoredPurchase | null> {
    const row = await this.db.selectFrom('purchases').select('buyer_moysklad_id').where('account_id', '=', accountId).where('id', '=', purchaseId).executeTakeFirst();
    if (!row) return null;
    return (await this.purchasesOf(accountId, [row.buyer_moysklad_id])).find((p) => p.id === purchaseId) ?? null;
  }

  /**
   * Buyers with purchases (not returned) that have no amoCRM purchase yet, `limit` at a time after `afterBuyerId`
   * in id order: the import's purchase writer walks them in chunks.
   */
  async buyersWithUnwrittenTransactions(accountId: number, afterBuyerId: string | null, limit: number): Promise<string[]> {
    let query = this.db
      .selectFrom('purchases as p')
      .select('p.buyer_moysklad_id')
      .distinct()
      .where('p.account_id', '=', accountId)
      .where('p.returned', '=', 0)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('links as t').select('t.amo_id').whereRef('t.account_id', '=', 'p.account_id').where('t.kind', '=', 'retaildemand').whereRef('t.moysklad_id', '=', 'p.id'))))
      .orderBy('p.buyer_moysklad_id')
      .limit(limit);
    if (afterBuyerId !== null) query = query.where('p.buyer_moysklad_id', '>', afterBuyerId);
    return (await query.execute()).map((row) => row.buyer_moysklad_id);
  }

  async countBuyersWithUnwrittenTransactions(accountId: number): Promise<number> {
    const row = await this.db
      .selectFrom('purchases as p')
      .select((eb) => eb.fn.count<number>('p.buyer_moysklad_id').distinct().as('n'))
      .where('p.account_id', '=', accountId)
      .where('p.returned', '=', 0)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('links as t').select('t.amo_id').whereRef('t.account_id', '=', 'p.account_id').where('t.kind', '=', 'retaildemand').whereRef('t.moysklad_id', '=', 'p.id'))))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Purchases without an amoCRM note, `limit` at a time after `afterId` in id order, with their buyer. */
  async purchasesWithoutNote(accountId: number, afterId: string | null, limit: number): Promise<{ id: string; buyerMoyskladId: string }[]> {
    let query = this.db
      .selectFrom('purchases as p')
      .select(['p.id', 'p.buyer_moysklad_id'])
      .where('p.account_id', '=', accountId)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('links as n').select('n.amo_id').whereRef('n.account_id', '=', 'p.account_id').where('n.kind', '=', 'retaildemand_note').whereRef('n.moysklad_id', '=', 'p.id'))))
      .orderBy('p.id')
      .limit(limit);
    if (afterId !== null) query = query.where('p.id', '>', afterId);
    return (await query.execute()).map((row) => ({ id: row.id, buyerMoyskladId: row.buyer_moysklad_id }));
  }

  private async itemsOf(accountId: number, purchaseIds: readonly string[]): Promise<Map<string, StoredPurchase['items']>> {
    const byPurchase = new Map<string, StoredPurchase['items']>();
    for (let i = 0; i < purchaseIds.length; i += 500) {
      const rows = await this.db
        .selectFrom('purchase_items')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('purchase_id', 'in', purchaseIds.slice(i, i + 500))
        .orderBy('purchase_id')
        .orderBy('position')
        .execute();
      for (const row of rows) {
        const list = byPurchase.get(row.purchase_id) ?? [];
        list.push({ name: row.name, quantity: Number(row.quantity), priceKopecks: Number(row.price_kopecks), assortmentId: row.assortment_id, productId: row.product_id, returnedQuantity: Number(row.returned_quantity) });
        byPurchase.set(row.purchase_id, list);
      }
    }
    return byPurchase;
  }

  /** Totals are derived, never incremented: replays and reorders cannot drift them. */
  private async recomputeTotals(accountId: number, buyerMoyskladId: string, executor: Kysely<Database>): Promise<void> {
    const totals = await executor
      .selectFrom('purchases')
      // A partly returned purchase counts with what the buyer kept.
      .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.coalesce(eb.fn.sum<number>(eb('sum_kopecks', '-', eb.ref('returned_kopecks'))), eb.lit(0)).as('total')])
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

function parseLines(json: string): ReturnRecord['lines'] {
  try {
    const parsed = returnLinesSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}
