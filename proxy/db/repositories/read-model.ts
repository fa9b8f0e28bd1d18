import { createHash } from 'node:crypto';
import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import { z } from 'zod';
import { decodePageCursor, encodePageCursor } from '../page-cursor.js';
import type { BuyersTable, Database } from '../schema.js';
import type { BuyerSnapshot } from '../../sync/mapping/buyer.js';

/**
 * The read model the widget's card is served from — buyers, purchases, their lines and returns — and its one owner:
 * the sync writes what it reads from МойСклад here, the widget services read the card and write what they change
 * (points after a bonus operation, a referred buyer). A write of several statements (a purchase with its lines,
 * returns and the buyer's totals) runs in one transaction, so a reader never sees a purchase without its lines or
 * totals that disagree with the purchases. Rows are locked in one order (purchases before buyers, each by id), so two
 * concurrent writers on PostgreSQL wait for each other instead of deadlocking.
 */

/** A buyer as the widget services see it. */
export type BuyerView = {
  moyskladId: string;
  amoCustomerId: number;
  name: string;
  phone: string | null;
  bonusCard: string | null;
  points: number;
  purchaseTotalKopecks: number;
  purchaseCount: number;
  referralCode: string | null;
};

/** A referred buyer who made a purchase, whose referrer reward is not settled yet. */
export type PendingReferral = {
  accountId: number;
  buyerMoyskladId: string;
  buyerName: string;
  /** The referred buyer's amoCRM customer, once the sync made it (null before). */
  buyerAmoCustomerId: number | null;
  referrerMoyskladId: string;
  referrerName: string;
  referrerAmoCustomerId: number | null;
};

/** One page of a buyer's purchases as the card shows them (newest first; `nextCursor` pages on). */
export type CardPurchasePage = {
  items: { id: string; number: string; moment: string; sumKopecks: number; items: { name: string; quantity: number; priceKopecks: number }[]; pointsEarned: number; pointsSpent: number; returned: boolean }[];
  nextCursor: string | null;
};

type Executor = Kysely<Database> | Transaction<Database>;

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

/** Buyers, purchases, their lines and returns: every read and write of those tables. */
export class ReadModelRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
  ) {}

  async upsertBuyer(accountId: number, buyer: BuyerSnapshot, amoCustomerId: number | null): Promise<void> {
    await this.upsertBuyers(accountId, [{ buyer, amoCustomerId }], null);
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

  /**
   * One statement per 500 buyers (a page of the import is one write, not one per row), all in one transaction, rows in
   * id order. `readAt`: when these buyers were read from МойСклад (live jobs), so events older than the read can be
   * skipped.
   */
  async upsertBuyers(accountId: number, rows: readonly { buyer: BuyerSnapshot; amoCustomerId: number | null }[], readAt: number | null = null): Promise<void> {
    if (rows.length === 0) return;
    const sorted = [...rows].sort((a, b) => compareIds(a.buyer.moyskladId, b.buyer.moyskladId));
    await this.write(async (trx) => {
      await this.upsertBuyerRows(trx, accountId, sorted, readAt);
    });
  }

  private async upsertBuyerRows(executor: Executor, accountId: number, rows: readonly { buyer: BuyerSnapshot; amoCustomerId: number | null }[], readAt: number | null): Promise<void> {
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

  /** The buyer's points as МойСклад last told them (the sync's read, or a widget operation's answer). */
  async setPoints(accountId: number, moyskladId: string, points: number): Promise<void> {
    await this.db.updateTable('buyers').set({ points, updated_at: this.now() }).where('account_id', '=', accountId).where('moysklad_id', '=', moyskladId).execute();
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

  async upsertPurchase(accountId: number, purchase: PurchaseRecord): Promise<void> {
    await this.upsertPurchases(accountId, [purchase]);
  }

  /**
   * Replaces purchases and their lines, then recomputes the totals of their buyers once each. A purchase already
   * marked returned stays returned (the return is its own fact). One transaction; purchases in id order, then buyers.
   */
  async upsertPurchases(accountId: number, records: readonly PurchaseRecord[]): Promise<void> {
    if (records.length === 0) return;
    const purchases = [...records].sort((a, b) => compareIds(a.id, b.id));
    await this.write((trx) => this.writePurchases(trx, accountId, purchases));
    await this.reapplyReturns(accountId, purchases.map((p) => p.id));
  }

  private async writePurchases(executor: Executor, accountId: number, purchases: readonly PurchaseRecord[]): Promise<void> {
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
    for (const buyer of [...new Set(purchases.map((p) => p.buyerMoyskladId))].sort(compareIds)) await this.recomputeTotals(accountId, buyer, executor);
  }

  /**
   * Records one return of a sale (replays change nothing) and derives the sale's net: the returned sum, the returned
   * part of each line, and whether it is returned whole. Several partial returns of one sale add up in any order.
   * One transaction.
   */
  async upsertReturn(accountId: number, ret: ReturnRecord): Promise<void> {
    await this.write((trx) => this.writeReturn(trx, accountId, ret));
    await this.reapplyReturns(accountId, [ret.purchaseId]);
  }

  /**
   * A sale and its return written at the same moment by two writers (two processes, or the live and bulk lanes) cannot
   * see each other's uncommitted rows: each transaction may miss the other and leave the sale's net without the
   * return. So once its own write is committed, each writer derives the net again from what is committed, with the
   * sale's row locked first: whichever commits last sees both, and two derivations wait for each other instead of
   * the older one landing last. Costs one query when none of the sales has a return.
   */
  private async reapplyReturns(accountId: number, purchaseIds: readonly string[]): Promise<void> {
    const withReturns = (await this.withReturns(accountId, purchaseIds, this.db)).sort(compareIds);
    if (withReturns.length === 0) return;
    await this.write(async (trx) => {
      const buyers = new Set<string>();
      for (const purchaseId of withReturns) {
        await trx.updateTable('purchases').set({ updated_at: this.now() }).where('account_id', '=', accountId).where('id', '=', purchaseId).execute();
        const purchase = await trx.selectFrom('purchases').select('buyer_moysklad_id').where('account_id', '=', accountId).where('id', '=', purchaseId).executeTakeFirst();
        if (purchase) buyers.add(purchase.buyer_moysklad_id);
      }
      await this.applyReturns(accountId, withReturns, trx);
      for (const buyer of [...buyers].sort(compareIds)) await this.recomputeTotals(accountId, buyer, trx);
    });
  }

  private async writeReturn(executor: Executor, accountId: number, ret: ReturnRecord): Promise<void> {
    // The sale's row is locked first, as `upsertPurchases` locks it, so a return and its sale written at once wait for
    // each other in the same order (a no-op where the sale is not recorded yet).
    await executor.updateTable('purchases').set({ updated_at: this.now() }).where('account_id', '=', accountId).where('id', '=', ret.purchaseId).execute();
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
  async returnsOf(accountId: number, purchaseId: string, executor: Executor = this.db): Promise<ReturnRecord[]> {
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
  private async withReturns(accountId: number, purchaseIds: readonly string[], executor: Executor): Promise<string[]> {
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
  private async applyReturns(accountId: number, purchaseIds: readonly string[], executor: Executor): Promise<void> {
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

  // ── what the widget services read and write ──

  /**
   * Buyers are served only while their account is active: from a confirmed uninstall on, the card API and the
   * referral page find nobody, even before the personal data is purged (PERSONAL_DATA_GRACE_HOURS).
   */
  private activeBuyers() {
    return this.db
      .selectFrom('buyers')
      .selectAll('buyers')
      .where(({ exists, selectFrom }) => exists(selectFrom('accounts').select('accounts.id').whereRef('accounts.id', '=', 'buyers.account_id').where('accounts.status', '=', 'active')));
  }

  async buyerByAmoCustomer(accountId: number, amoCustomerId: number): Promise<BuyerView | null> {
    const row = await this.activeBuyers().where('buyers.account_id', '=', accountId).where('buyers.amo_customer_id', '=', amoCustomerId).executeTakeFirst();
    return row ? toBuyerView(row) : null;
  }

  async buyerByReferralCode(code: string): Promise<{ accountId: number; buyer: BuyerView } | null> {
    const row = await this.activeBuyers().where('buyers.referral_code', '=', code).executeTakeFirst();
    return row ? { accountId: Number(row.account_id), buyer: toBuyerView(row) } : null;
  }

  /** A page of the buyer's purchases for the card, newest first; `cursor` is opaque and produced here. */
  async purchasePage(accountId: number, buyerMoyskladId: string, cursor: string | null, limit: number): Promise<CardPurchasePage> {
    // A cursor that does not decode is treated as "from the start" rather than an error: it can only come
    // from an old client, and the first page is a safe answer.
    const after = cursor ? decodePageCursor(cursor) : null;
    let query = this.db
      .selectFrom('purchases')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('buyer_moysklad_id', '=', buyerMoyskladId);
    if (after) {
      const [momentMs, id] = after;
      query = query.where((eb) => eb.or([eb('moment_ms', '<', momentMs), eb.and([eb('moment_ms', '=', momentMs), eb('id', '<', id)])]));
    }
    const rows = await query.orderBy('moment_ms', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
    const page = rows.slice(0, limit);
    const ids = page.map((row) => row.id);
    const items = ids.length
      ? await this.db
          .selectFrom('purchase_items')
          .selectAll()
          .where('account_id', '=', accountId)
          .where('purchase_id', 'in', ids)
          .orderBy('purchase_id')
          .orderBy('position')
          .execute()
      : [];
    const last = page.at(-1);
    return {
      items: page.map((row) => {
        const returned = Number(row.returned) === 1;
        const lines = items
          .filter((item) => item.purchase_id === row.id)
          .map((item) => ({ name: item.name, quantity: Number(item.quantity), priceKopecks: Number(item.price_kopecks), returnedQuantity: Number(item.returned_quantity) }));
        // A sale returned in part shows what the buyer kept (net sum, remaining lines); one returned whole shows what
        // was sold, marked returned.
        const kept = returned ? lines : remainingItems(lines);
        return {
          id: row.id,
          number: row.number,
          moment: row.moment,
          sumKopecks: returned ? Number(row.sum_kopecks) : Number(row.sum_kopecks) - Number(row.returned_kopecks),
          items: kept.map(({ name, quantity, priceKopecks }) => ({ name, quantity, priceKopecks })),
          pointsEarned: Number(row.points_earned),
          pointsSpent: Number(row.points_spent),
          returned,
        };
      }),
      nextCursor: rows.length > limit && last ? encodePageCursor(Number(last.moment_ms), last.id) : null,
    };
  }

  /** A buyer made by the referral page, with its referrer (the sync fills in the rest when it reads the buyer). */
  async recordReferral(accountId: number, buyer: { moyskladId: string; name: string; phone: string }, referrerMoyskladId: string): Promise<void> {
    const now = this.now();
    await this.db
      .insertInto('buyers')
      .values({
        account_id: accountId,
        moysklad_id: buyer.moyskladId,
        amo_customer_id: null,
        name: buyer.name,
        phone: buyer.phone,
        email: null,
        bonus_card: null,
        points: 0,
        purchase_total_kopecks: 0,
        purchase_count: 0,
        referral_code: referralCodeFor(accountId, buyer.moyskladId),
        referrer_moysklad_id: referrerMoyskladId,
        updated_at: now,
      })
      .onConflict((oc) => oc.columns(['account_id', 'moysklad_id']).doUpdateSet({ referrer_moysklad_id: referrerMoyskladId, updated_at: now }))
      .execute();
  }

  /**
   * Referred buyers who have made a purchase and whose referrer reward is not yet settled: no idempotency key
   * `${rewardKeyPrefix}${buyer's МойСклад id}` exists in their account. Oldest first, at most `limit`.
   */
  async referralsAwaitingReward(rewardKeyPrefix: string, limit: number): Promise<PendingReferral[]> {
    const rows = await this.db
      .selectFrom('buyers as b')
      .leftJoin('buyers as r', (join) => join.onRef('r.account_id', '=', 'b.account_id').onRef('r.moysklad_id', '=', 'b.referrer_moysklad_id'))
      .select(['b.account_id', 'b.moysklad_id', 'b.name', 'b.amo_customer_id', 'b.referrer_moysklad_id', 'r.name as referrer_name', 'r.amo_customer_id as referrer_amo_customer_id'])
      .where('b.referrer_moysklad_id', 'is not', null)
      .where('b.purchase_count', '>', 0)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('idempotency_keys as k')
              .select('k.key')
              .whereRef('k.account_id', '=', 'b.account_id')
              .where('k.key', '=', sql<string>`cast(${rewardKeyPrefix} as text) || b.moysklad_id`),
          ),
        ),
      )
      .orderBy('b.updated_at')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      accountId: Number(row.account_id),
      buyerMoyskladId: row.moysklad_id,
      buyerName: row.name,
      buyerAmoCustomerId: row.amo_customer_id === null ? null : Number(row.amo_customer_id),
      referrerMoyskladId: String(row.referrer_moysklad_id),
      referrerName: row.referrer_name ?? '',
      referrerAmoCustomerId: row.referrer_amo_customer_id === null || row.referrer_amo_customer_id === undefined ? null : Number(row.referrer_amo_customer_id),
    }));
  }

  /** Runs a multi-statement write in one transaction. */
  private write<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(work);
  }

  /** Totals are derived, never incremented: replays and reorders cannot drift them. */
  private async recomputeTotals(accountId: number, buyerMoyskladId: string, executor: Executor): Promise<void> {
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

function toBuyerView(row: Selectable<BuyersTable>): BuyerView {
  return {
    moyskladId: row.moysklad_id,
    amoCustomerId: Number(row.amo_customer_id),
    name: row.name,
    phone: row.phone,
    bonusCard: row.bonus_card,
    points: Number(row.points),
    purchaseTotalKopecks: Number(row.purchase_total_kopecks),
    purchaseCount: Number(row.purchase_count),
    referralCode: row.referral_code,
  };
}

/** Ids in one fixed order (code units, as both databases compare these ASCII ids): the order rows are locked in. */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
