import { MAX_BATCH_SIZE } from '../../amocrm/batch.js';
import { AmoError } from '../../amocrm/errors.js';
import type { TransactionWrite } from '../../amocrm/resources/customers.js';
import { MoySkladNotFoundError } from '../../moysklad/errors.js';
import { parseMoscow, toMoscowIso, toMoscowString } from '../../moysklad/moscow-time.js';
import { kopecksFromApi } from '../../moysklad/money.js';
import { idFromHref } from '../../moysklad/schemas/common.js';
import { counterpartySchema, type BonusTransaction, type Counterparty, type Position, type RetailDemand, type RetailSalesReturn } from '../../moysklad/schemas/entities.js';
import { isSyncableBuyer } from '../mapping/buyer.js';
import { returnMarker, returnNoteText, saleMarker, saleNoteText, transactionPayload, type SaleFacts } from '../mapping/sale.js';
import { remainingItems, type PurchaseItemRecord, type PurchaseRecord, type ReturnRecord, type StoredPurchase } from '../../db/repositories/read-model.js';
import type { RuleContext } from '../rule-context.js';
import { writtenHash } from '../written-hash.js';
import { findNoteWithMarker, findTransactionWithMarker, isGoneInAmo, rejectedAsGone, singleId } from './amo-writes.js';
import { syncBuyers, type SyncBuyersOptions } from './buyers.js';
import { createOnce } from './create-intent.js';
import { buyerLease, withLeases } from '../leases.js';
import { FolderCache, syncProducts } from './products.js';
import { reportRejected } from './rejected.js';
import { recordBonusOperations } from './bonus-operations.js';

export type Document<T> = T & { allPositions: Position[] };


export type SalePoints = Map<string, { earned: number; spent: number }>;

/**
 * Points earned and spent per sale, from bonus operations whose `parentDocument` is the sale (it is not filterable,
 * so operations are read in bulk and matched here). Canceled operations do not count.
 */
export function pointsBySale(transactions: Iterable<BonusTransaction>, into: SalePoints = new Map()): SalePoints {
  for (const tx of transactions) {
    if (!tx.parentDocument || tx.parentDocument.meta.type !== 'retaildemand' || tx.transactionStatus === 'CANCELED') continue;
    const saleId = idFromHref(tx.parentDocument.meta.href);
    const points = into.get(saleId) ?? { earned: 0, spent: 0 };
    if (tx.transactionType === 'EARNING') points.earned += tx.bonusValue;
    else points.spent += tx.bonusValue;
    into.set(saleId, points);
  }
  return into;
}

/** МойСклад writes a sale's bonus operations with the sale: those created since a minute before it are enough. */
const POINTS_LOOKBACK_MS = 60_000;

/**
 * The bonus operations of a few sales: one listing by buyer for a single sale (a webhook), one listing by creation
 * time for a page of them (reconciliation).
 */
export async function loadSalePoints(ctx: RuleContext, sales: readonly Document<RetailDemand>[]): Promise<SalePoints> {
  if (sales.length === 0) return new Map();
  const since = new Date(Math.min(...sales.map((sale) => parseMoscow(sale.created ?? sale.moment).getTime())) - POINTS_LOOKBACK_MS);
  const agents = new Set(sales.map((sale) => sale.agent.meta.href));
  const transactions: BonusTransaction[] = [];
  const filter = agents.size === 1 ? { agentHref: [...agents][0]!, createdSince: since } : { createdSince: since };
  for await (const tx of ctx.ms.bonus.iterateAll(filter)) transactions.push(tx);
  await recordBonusOperations(ctx, transactions);
  return pointsBySale(transactions);
}

/** The product a line belongs to: itself, or a modification's product (expanded assortments carry `product`). */
function productOf(position: Position): string | null {
  const assortment = position.assortment;
  if (assortment.meta.type === 'product') return assortment.id ?? idFromHref(assortment.meta.href);
  if (assortment.meta.type === 'variant') {
    const product = (assortment as { product?: { meta?: { href?: string } } }).product?.meta?.href;
    return product ? idFromHref(product) : null;
  }
  return null;
}

function purchaseRecord(sale: Document<RetailDemand>, points: SalePoints): PurchaseRecord {
  const items: PurchaseItemRecord[] = sale.allPositions.map((position) => {
    const assortmentId = position.assortment.id ?? idFromHref(position.assortment.meta.href);
    return { name: position.assortment.name ?? assortmentId, quantity: position.quantity, priceKopecks: kopecksFromApi(position.price), assortmentId, productId: productOf(position) };
  });
  const earnedSpent = points.get(sale.id) ?? { earned: 0, spent: 0 };
  return {
    id: sale.id,
    buyerMoyskladId: idFromHref(sale.agent.meta.href),
    number: sale.name,
    moment: toMoscowIso(parseMoscow(sale.moment)),
    momentMs: parseMoscow(sale.moment).getTime(),
    sumKopecks: kopecksFromApi(sale.sum),
    pointsEarned: earnedSpent.earned,
    pointsSpent: earnedSpent.spent,
    items,
  };
}

/**
 * Retail sales → the read model (the card's purchases and totals). Only sales of persons: a buyer the sync does not
 * know yet is synced first from the sale's expanded `agent` (read with the sale, no request of its own); anonymous
 * and company sales stay out. Returns the buyers whose purchases were recorded.
 */
export async function recordSales(
  ctx: RuleContext,
  sales: readonly Document<RetailDemand>[],
  points: SalePoints,
  options: SyncBuyersOptions = {},
): Promise<string[]> {
  const known = await ctx.readModel.knownBuyers(ctx.accountId, sales.map((sale) => idFromHref(sale.agent.meta.href)));
  // A buyer made at the till after a pass read the buyers, whose sale the same pass reads: without this the sales
  // stream would move past the sale and no later pass would read it again.
  const newcomers = new Map<string, Counterparty>();
  for (const sale of sales) {
    const agent = counterpartySchema.safeParse(sale.agent);
    if (agent.success && !known.has(agent.data.id) && isSyncableBuyer(agent.data)) newcomers.set(agent.data.id, agent.data);
  }
  if (newcomers.size > 0) {
    const synced = await withLeases(ctx, [...newcomers.keys()].map(buyerLease), () => syncBuyers(ctx, [...newcomers.values()], options));
    for (const id of synced.keys()) known.add(id);
  }
  const records = sales.map((sale) => purchaseRecord(sale, points)).filter((record) => known.has(record.buyerMoyskladId));
  await ctx.readModel.upsertPurchases(ctx.accountId, records);
  return [...new Set(records.map((record) => record.buyerMoyskladId))];
}

const saleIntent = (id: string) => `retaildemand:${id}`;
const noteIntent = (id: string) => `retaildemand_note:${id}`;

/**
 * A stored purchase as amoCRM shows it: `sold` for the sale's note (history), `net` for the amoCRM purchase, which
 * carries what the buyer kept after partial returns (its sum and remaining lines).
 */
function factsOf(purchase: StoredPurchase, elements: Map<string, number>, view: 'sold' | 'net' = 'sold'): SaleFacts {
  const net = view === 'net' && purchase.returnedKopecks > 0;
  const items = net ? remainingItems(purchase.items) : purchase.items;
  return {
    moyskladId: purchase.id,
    number: purchase.number,
    moment: toMoscowString(new Date(purchase.momentMs)),
    sumKopecks: net ? Math.max(0, purchase.sumKopecks - purchase.returnedKopecks) : purchase.sumKopecks,
    lines: items.map((item) => ({
      name: item.name,
      quantity: item.quantity,
      priceKopecks: item.priceKopecks,
      catalogElementId: item.productId ? (elements.get(item.productId) ?? null) : null,
    })),
    pointsEarned: purchase.pointsEarned,
    pointsSpent: purchase.pointsSpent,
    ...(net ? { partlyReturned: true } : {}),
  };
}

/** The amoCRM purchase of a stored purchase (what the buyer kept) and its digest, kept in `links.written_hash`. */
function transactionOf(purchase: StoredPurchase, elements: Map<string, number>, catalogId: number | null): { payload: TransactionWrite; hash: string } {
  const payload = transactionPayload(factsOf(purchase, elements, 'net'), catalogId);
  return { payload, hash: writtenHash(payload) };
}

export interface WritePurchasesOptions {
  /** amoCRM requests in flight at once for different customers (purchases are one request per customer). */
  concurrency?: number;
  /** Write amoCRM purchases (default true). */
  transactions?: boolean;
  /** Write notes (default true); only of these purchases when given. */
  notes?: boolean | ReadonlySet<string>;
}

/**
 * Puts what amoCRM does not have yet of these buyers' purchases there: per customer ONE purchases request carrying
 * all of them (catalog elements with quantities, which dynamic segmentation reads), then every note in bulk, 250 a
 * request. The read model is the source; links say what is written; intents guard every create against crashes.
 * The caller holds the buyers' leases. A returned purchase gets its note (history) but no amoCRM purchase.
 */
export async function writePurchases(ctx: RuleContext, buyerIds: readonly string[], options: WritePurchasesOptions = {}): Promise<void> {
  const { accountId, links } = ctx;
  if (buyerIds.length === 0) return;
  const purchases = await ctx.readModel.purchasesOf(accountId, buyerIds);
  if (purchases.length === 0) return;
  const saleIds = purchases.map((p) => p.id);
  const [transactions, notes, intents] = await Promise.all([
    links.lookup(accountId, 'retaildemand', saleIds),
    links.lookup(accountId, 'retaildemand_note', saleIds),
    ctx.intents.existing(accountId, saleIds.flatMap((id) => [saleIntent(id), noteIntent(id)])),
  ]);
  const wantNote = options.notes ?? true;
  const needTransaction = options.transactions === false ? [] : purchases.filter((p) => !p.returned && !transactions.has(p.id));
  const needNote = wantNote === false ? [] : purchases.filter((p) => !notes.has(p.id) && (wantNote === true || wantNote.has(p.id)));
  if (needTransaction.length === 0 && needNote.length === 0) return;

  let customers = await customersOf(ctx, buyerIds);
  const elements = await catalogElements(ctx, [...needTransaction, ...needNote]);
  const catalog = await ctx.catalog();

  // Purchases and notes go out side by side (they only need the customer): a till sale's two writes take two of
  // amoCRM's slots at once instead of one after the other.
  const gone = new Set<string>();
  const transactionsDone = forEachConcurrently(groupBy(needTransaction, (p) => p.buyerMoyskladId), options.concurrency ?? 1, async ([buyerId, list]) => {
    const customerId = customers.get(buyerId);
    if (customerId === undefined) return;
    try {
      await writeTransactions(ctx, customerId, list, intents, elements, catalog?.catalogId ?? null);
    } catch (error) {
      if (!isGoneInAmo(error)) throw error;
      gone.add(buyerId);
    }
  });
  let pendingNotes = needNote.filter((p) => customers.has(p.buyerMoyskladId));
  // Both settle before anything is thrown: no write may still be in flight when the caller's leases are released.
  const [transactionsOutcome, notesOutcome] = await Promise.allSettled([transactionsDone, writeNotes(ctx, pendingNotes, customers, intents, elements)]);
  if (transactionsOutcome.status === 'rejected') throw transactionsOutcome.reason;
  if (notesOutcome.status === 'rejected') throw notesOutcome.reason;
  for (const buyerId of notesOutcome.value) gone.add(buyerId);

  if (gone.size > 0) {
    // Customers deleted in amoCRM after our last write to them (an unchanged buyer is not re-sent, so nothing told
    // us earlier): the buyers are made again and their purchases and notes written to the new customers.
    for (const buyerId of gone) {
      await links.unlinkByMoyskladId(accountId, 'counterparty', buyerId);
    }
    await syncBuyers(ctx, await Promise.all([...gone].map((id) => ctx.ms.counterparties.get(id))));
    customers = await customersOf(ctx, [...gone]);
    for (const [buyerId, list] of groupBy(needTransaction.filter((p) => gone.has(p.buyerMoyskladId)), (p) => p.buyerMoyskladId)) {
      const customerId = customers.get(buyerId);
      if (customerId !== undefined) await writeTransactions(ctx, customerId, list, intents, elements, catalog?.catalogId ?? null);
    }
    pendingNotes = needNote.filter((p) => gone.has(p.buyerMoyskladId) && customers.has(p.buyerMoyskladId));
    const again = await writeNotes(ctx, pendingNotes, customers, intents, elements);
    if (again.length > 0) throw new AmoError(`amoCRM customers of buyers ${again.join(', ')} vanished twice while their purchases were written`);
  }
}

async function customersOf(ctx: RuleContext, buyerIds: readonly string[]): Promise<Map<string, number>> {
  const rows = await ctx.links.lookup(ctx.accountId, 'counterparty', buyerIds);
  return new Map([...rows].map(([id, link]) => [id, link.amoId]));
}

/**
 * amoCRM catalog elements of the purchases' products. A product the sync has not written yet (the sale came first)
 * is read from МойСклад and written now, so the purchase carries it.
 */
async function catalogElements(ctx: RuleContext, purchases: readonly StoredPurchase[]): Promise<Map<string, number>> {
  const productIds = [...new Set(purchases.flatMap((p) => p.items.map((item) => item.productId).filter((id): id is string => !!id)))];
  if (productIds.length === 0 || !(await ctx.catalog())) return new Map();
  let linked = await ctx.links.lookup(ctx.accountId, 'product', productIds);
  const missing = productIds.filter((id) => !linked.has(id));
  if (missing.length > 0) {
    const products = [];
    for (const id of missing) {
      try {
        products.push(await ctx.ms.catalog.getProduct(id));
      } catch (error) {
        if (!(error instanceof MoySkladNotFoundError)) throw error;
      }
    }
    await syncProducts(ctx, products, new FolderCache());
    linked = await ctx.links.lookup(ctx.accountId, 'product', productIds);
  }
  return new Map([...linked].map(([id, link]) => [id, link.amoId]));
}

async function writeTransactions(ctx: RuleContext, customerId: number, purchases: readonly StoredPurchase[], intents: Set<string>, elements: Map<string, number>, catalogId: number | null): Promise<void> {
  const { accountId, amo, links } = ctx;
  const fresh: StoredPurchase[] = [];
  for (const purchase of purchases) {
    if (!intents.has(saleIntent(purchase.id))) {
      fresh.push(purchase);
      continue;
    }
    // An earlier attempt may have written this purchase before crashing: its comment carries our marker.
    const found = await findTransactionWithMarker(amo, customerId, saleMarker(purchase.id));
    if (found === null) fresh.push(purchase);
    else {
      await links.linkMany(accountId, 'retaildemand', [{ moyskladId: purchase.id, amoId: found, writtenHash: transactionOf(purchase, elements, catalogId).hash }]);
      await ctx.intents.clear(accountId, [saleIntent(purchase.id)]);
    }
  }
  if (fresh.length === 0) return;
  await ctx.intents.record(accountId, fresh.map((p) => saleIntent(p.id)));
  ctx.signal?.throwIfAborted();
  const planned = new Map(fresh.map((purchase) => [purchase.id, transactionOf(purchase, elements, catalogId)]));
  const payloads: TransactionWrite[] = [...planned.values()].map((plan) => plan.payload);
  const outcome = await amo.customers.createTransactions(customerId, payloads, { batchSize: MAX_BATCH_SIZE, skipInvalid: true });
  // The digest says which sum and lines amoCRM has: a later partial return re-creates the purchase only if they differ.
  const written = outcome.done.map(({ item, result }) => ({ moyskladId: String(item.request_id), amoId: result.id, writtenHash: planned.get(String(item.request_id))?.hash ?? null }));
  await links.linkMany(accountId, 'retaildemand', written);
  await ctx.intents.clear(accountId, written.map((row) => saleIntent(row.moyskladId)));
  if (outcome.rejected.some(rejectedAsGone)) throw new AmoError(`amoCRM customer ${customerId} is gone`, { status: 404 });
  await reportRejected(ctx, 'purchase', outcome.rejected, 'retaildemand');
}

/** Notes of many customers in bulk; returns the buyers whose customer turned out to be deleted in amoCRM. */
async function writeNotes(ctx: RuleContext, purchases: readonly StoredPurchase[], customers: Map<string, number>, intents: Set<string>, elements: Map<string, number>): Promise<string[]> {
  const { accountId, amo, links } = ctx;
  const fresh: StoredPurchase[] = [];
  for (const purchase of purchases) {
    const customerId = customers.get(purchase.buyerMoyskladId)!;
    if (!intents.has(noteIntent(purchase.id))) {
      fresh.push(purchase);
      continue;
    }
    const found = await findNoteWithMarker(amo, customerId, saleMarker(purchase.id));
    if (found === null) fresh.push(purchase);
    else {
      await links.link(accountId, 'retaildemand_note', purchase.id, found);
      await ctx.intents.clear(accountId, [noteIntent(purchase.id)]);
    }
  }
  if (fresh.length === 0) return [];
  await ctx.intents.record(accountId, fresh.map((p) => noteIntent(p.id)));
  ctx.signal?.throwIfAborted();
  const outcome = await amo.customers.addNotesMany(
    fresh.map((purchase) => ({
      entity_id: customers.get(purchase.buyerMoyskladId)!,
      note_type: 'extended_service_message' as const,
      params: { service: 'МойСклад', text: saleNoteText(factsOf(purchase, elements)) },
      request_id: purchase.id,
    })),
    { batchSize: MAX_BATCH_SIZE, skipInvalid: true },
  );
  const written = outcome.done.map(({ item, result }) => ({ moyskladId: String(item.request_id), amoId: result.id }));
  await links.linkMany(accountId, 'retaildemand_note', written);
  await ctx.intents.clear(accountId, written.map((row) => noteIntent(row.moyskladId)));
  const byId = new Map(fresh.map((p) => [p.id, p]));
  const gone = outcome.rejected.filter(rejectedAsGone);
  await reportRejected(ctx, 'purchase note', outcome.rejected.filter((entry) => !rejectedAsGone(entry)), 'retaildemand');
  // Their intents stay: the customer may have got the note before it vanished; the retry searches first.
  return [...new Set(gone.map((entry) => byId.get(entry.requestId)?.buyerMoyskladId).filter((id): id is string => id !== undefined))];
}

/** Purchase notes per bulk request: amoCRM's maximum. */
const NOTES_PER_REQUEST = 250;

/**
 * The bulk lane's way to write many buyers' purchases (the import, a reconciliation page): each customer's purchases
 * go in one request under that buyer's lease alone, `concurrency` customers at a time, and the notes follow 250 a
 * request under the leases of just their buyers. A live job for one of these buyers waits one request at most.
 */
export async function writePurchasesInBulk(ctx: RuleContext, buyerIds: readonly string[], options: { concurrency: number; transactions?: boolean; notes?: boolean; onBuyerDone?: () => Promise<void> }): Promise<void> {
  if (options.transactions !== false) {
    await forEachConcurrently(new Map(buyerIds.map((id) => [id, id])), options.concurrency, async ([buyerId]) => {
      await withLeases(ctx, [buyerLease(buyerId)], () => writePurchases(ctx, [buyerId], { notes: false }));
      await options.onBuyerDone?.();
    });
  }
  if (options.notes === false) return;
  const wanted = new Set(buyerIds);
  const pending = (await ctx.readModel.purchasesOf(ctx.accountId, buyerIds)).map((p) => ({ id: p.id, buyerMoyskladId: p.buyerMoyskladId })).filter((p) => wanted.has(p.buyerMoyskladId));
  const noted = await ctx.links.lookup(ctx.accountId, 'retaildemand_note', pending.map((p) => p.id));
  await writeNotesInChunks(ctx, pending.filter((p) => !noted.has(p.id)));
}

/** Notes of these purchases, 250 a request, each request under the leases of its buyers only. */
export async function writeNotesInChunks(ctx: RuleContext, purchases: readonly { id: string; buyerMoyskladId: string }[]): Promise<void> {
  for (let i = 0; i < purchases.length; i += NOTES_PER_REQUEST) {
    const chunk = purchases.slice(i, i + NOTES_PER_REQUEST);
    const buyers = [...new Set(chunk.map((p) => p.buyerMoyskladId))];
    await withLeases(ctx, buyers.map(buyerLease), () => writePurchases(ctx, buyers, { transactions: false, notes: new Set(chunk.map((p) => p.id)) }));
  }
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** Runs `work` over the entries with at most `concurrency` at once; the first failure stops taking new ones. */
async function forEachConcurrently<K, V>(entries: Map<K, V>, concurrency: number, work: (entry: [K, V]) => Promise<void>): Promise<void> {
  const queue = [...entries];
  let failure: unknown = null;
  const runners = Array.from({ length: Math.max(1, Math.min(concurrency, queue.length)) }, async () => {
    while (queue.length > 0 && failure === null) {
      const entry = queue.shift()!;
      try {
        await work(entry);
      } catch (error) {
        failure ??= error;
      }
    }
  });
  await Promise.all(runners);
  if (failure !== null) throw failure;
}

/**
 * A retail return, whole or partial (a till may return a sale in several parts). The read model records it and
 * derives what the buyer kept (net sum, remaining lines; see ReadModelRepository.upsertReturn). amoCRM cannot edit a
 * purchase, so one whose sum or lines changed is deleted and made again with the net (a whole return only deletes
 * it, so ltv and purchase count drop); a note says what came back and how many points moved. A return without a
 * known sale only refreshes the points. The caller holds the buyer's lease.
 *
 * Crash safety: the old purchase is deleted and unlinked before the new one is created, and the create is guarded
 * like every purchase create (intent + our marker), so a crash leaves at most a moment with none (the job's retry
 * finishes it) and never two.
 */
export async function syncReturn(ctx: RuleContext, doc: Document<RetailSalesReturn>, options: { points?: ReturnPoints } = {}): Promise<'reversed' | 'reduced' | 'unlinked'> {
  const { accountId, amo, links } = ctx;
  const agentId = idFromHref(doc.agent.meta.href);
  const saleId = doc.demand ? idFromHref(doc.demand.meta.href) : null;
  if (saleId !== null && (await ctx.readModel.purchase(accountId, saleId)) === null) {
    // The return came before its sale (reordered webhooks, or both between two reconciliations). Applying the sale
    // first makes the outcome order-independent: otherwise the sale, applied later, would re-create the purchase.
    try {
      const sale = await ctx.ms.retail.getRetailDemand(saleId);
      await recordSales(ctx, [sale], await loadSalePoints(ctx, [sale]));
    } catch (error) {
      if (!(error instanceof MoySkladNotFoundError)) throw error;
    }
  }
  const customerId = await links.amoIdFor(accountId, 'counterparty', agentId);
  const known = saleId === null ? null : await ctx.readModel.purchase(accountId, saleId);
  if (saleId === null || customerId === null || known === null) {
    if (customerId !== null) await syncBuyers(ctx, [await ctx.ms.counterparties.get(agentId)]);
    return 'unlinked';
  }
  const noted = (await links.amoIdFor(accountId, 'retailsalesreturn_note', doc.id)) !== null;
  const recorded = (await ctx.readModel.returnsOf(accountId, saleId)).find((ret) => ret.id === doc.id);
  // Bulk work read the operations of the whole page (`options.points`); a replay of a return already recorded and
  // noted needs no read of them at all.
  const none = { takenBack: 0, givenBack: 0 };
  const points = options.points
    ? (options.points.get(doc.id) ?? none)
    : recorded && noted
      ? { takenBack: recorded.pointsTakenBack, givenBack: recorded.pointsGivenBack }
      : ((await loadReturnPoints(ctx, [doc])).get(doc.id) ?? none);
  await ctx.readModel.upsertReturn(accountId, returnRecord(doc, saleId, points));
  const sale = (await ctx.readModel.purchase(accountId, saleId))!;

  await dropOutdatedTransaction(ctx, sale);
  // The net purchase (when something is left) and the sale's own note when it was never written.
  await writePurchases(ctx, [agentId]);
  if (!noted) {
    const remaining = sale.returned ? null : Math.max(0, sale.sumKopecks - sale.returnedKopecks);
    const text = returnNoteText(
      { moyskladId: saleId, number: sale.number, moment: toMoscowString(new Date(sale.momentMs)) },
      {
        moyskladId: doc.id,
        number: doc.name,
        sumKopecks: kopecksFromApi(doc.sum),
        lines: doc.allPositions.map((position) => ({ name: position.assortment.name ?? position.assortment.id ?? idFromHref(position.assortment.meta.href), quantity: position.quantity, priceKopecks: kopecksFromApi(position.price) })),
        pointsTakenBack: points.takenBack,
        pointsGivenBack: points.givenBack,
        remainingKopecks: remaining,
      },
    );
    const marker = returnMarker(saleId, doc.id);
    await createOnce(ctx, `retailsalesreturn_note:${doc.id}`, {
      search: () => findNoteWithMarker(amo, customerId, marker),
      create: async () => singleId(await amo.customers.addNotes(customerId, [{ note_type: 'extended_service_message', params: { service: 'МойСклад', text }, request_id: doc.id }]), 'note'),
      link: (id) => links.link(accountId, 'retailsalesreturn_note', doc.id, id),
    });
  }
  await syncBuyers(ctx, [await ctx.ms.counterparties.get(agentId)]);
  return sale.returned ? 'reversed' : 'reduced';
}

/**
 * The amoCRM purchase of a sale that returns changed: deleted when nothing is left, or when what amoCRM has (its
 * digest) differs from what the buyer kept — `writePurchases` then makes it again with the net. Unchanged: kept.
 */
async function dropOutdatedTransaction(ctx: RuleContext, sale: StoredPurchase): Promise<void> {
  const { accountId, links } = ctx;
  const link = (await links.lookup(accountId, 'retaildemand', [sale.id])).get(sale.id);
  if (!link) return;
  if (!sale.returned) {
    const catalog = await ctx.catalog();
    if (transactionOf(sale, await catalogElements(ctx, [sale]), catalog?.catalogId ?? null).hash === link.writtenHash) return;
  }
  ctx.signal?.throwIfAborted();
  try {
    await ctx.amo.customers.deleteTransaction(link.amoId);
  } catch (error) {
    // Deleted by an attempt that crashed before unlinking: the goal is reached.
    if (!(error instanceof AmoError && error.status === 404)) throw error;
  }
  await links.unlinkByMoyskladId(accountId, 'retaildemand', sale.id);
}

function returnRecord(doc: Document<RetailSalesReturn>, saleId: string, points: { takenBack: number; givenBack: number }): ReturnRecord {
  return {
    id: doc.id,
    purchaseId: saleId,
    number: doc.name,
    momentMs: parseMoscow(doc.moment).getTime(),
    sumKopecks: kopecksFromApi(doc.sum),
    pointsTakenBack: points.takenBack,
    pointsGivenBack: points.givenBack,
    lines: doc.allPositions.map((position) => ({ assortmentId: position.assortment.id ?? idFromHref(position.assortment.meta.href), quantity: position.quantity })),
  };
}

export type ReturnPoints = Map<string, { takenBack: number; givenBack: number }>;

/**
 * The points returns moved: МойСклад writes a return's bonus operations with `parentDocument` = the return (SPENDING
 * takes back points earned on the sale, EARNING gives back points spent on it). Canceled ones do not count.
 */
export function pointsByReturn(transactions: Iterable<BonusTransaction>, into: ReturnPoints = new Map()): ReturnPoints {
  for (const tx of transactions) {
    const parent = tx.parentDocument;
    if (!parent || parent.meta.type !== 'retailsalesreturn' || tx.transactionStatus === 'CANCELED') continue;
    const id = idFromHref(parent.meta.href);
    const points = into.get(id) ?? { takenBack: 0, givenBack: 0 };
    if (tx.transactionType === 'SPENDING') points.takenBack += tx.bonusValue;
    else points.givenBack += tx.bonusValue;
    into.set(id, points);
  }
  return into;
}

/**
 * The bonus operations of a few returns (`parentDocument` is not filterable): one listing by buyer for a single
 * return (a webhook), one listing by creation time for a page of them (reconciliation).
 */
export async function loadReturnPoints(ctx: RuleContext, docs: readonly Document<RetailSalesReturn>[]): Promise<ReturnPoints> {
  if (docs.length === 0) return new Map();
  const since = new Date(Math.min(...docs.map((doc) => parseMoscow(doc.created ?? doc.moment).getTime())) - POINTS_LOOKBACK_MS);
  const agents = new Set(docs.map((doc) => doc.agent.meta.href));
  const filter = agents.size === 1 ? { agentHref: [...agents][0]!, createdSince: since } : { createdSince: since };
  const transactions: BonusTransaction[] = [];
  for await (const tx of ctx.ms.bonus.iterateAll(filter)) transactions.push(tx);
  // Read anyway: they fill the card's history too.
  await recordBonusOperations(ctx, transactions);
  return pointsByReturn(transactions);
}
