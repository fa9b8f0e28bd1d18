import { AmoError } from '../../amocrm/errors.js';
import { MoySkladNotFoundError } from '../../moysklad/errors.js';
import { parseMoscow } from '../../moysklad/moscow-time.js';
import { kopecksFromApi } from '../../moysklad/money.js';
import { idFromHref } from '../../moysklad/schemas/common.js';
import type { Position, RetailDemand, RetailSalesReturn } from '../../moysklad/schemas/entities.js';
import { isSyncableBuyer } from '../mapping/buyer.js';
import { returnNoteText, saleMarker, saleNoteText, transactionPayload, type SaleFacts, type SaleLine } from '../mapping/sale.js';
import type { RuleContext } from '../rule-context.js';
import { findNoteWithMarker, findTransactionWithMarker, singleId } from './amo-writes.js';
import { forgetWritten, isGoneInAmo, syncBuyer } from './buyers.js';
import { createOnce } from './create-intent.js';
import { FolderCache, syncProduct } from './products.js';

export type Document<T> = T & { allPositions: Position[] };
export type SaleOutcome = 'synced' | 'anonymous' | 'returned';

const MOSCOW_OFFSET = '+03:00';

/** "2026-03-12 14:05:00.000" (Moscow) → "2026-03-12T14:05:00.000+03:00": the same instant with its zone explicit. */
export function moscowIso(moment: string): string {
  const [date, time = '00:00:00'] = moment.split(' ');
  const withMs = time.includes('.') ? time : `${time}.000`;
  return `${date}T${withMs}${MOSCOW_OFFSET}`;
}

/** Points spent and earned on a sale: bonus transactions whose parentDocument is the sale (not filterable, so matched here). */
async function salePoints(ctx: RuleContext, agentHref: string, saleId: string): Promise<{ earned: number; spent: number }> {
  let earned = 0;
  let spent = 0;
  for await (const tx of ctx.ms.bonus.iterateTransactions(agentHref)) {
    if (!tx.parentDocument || idFromHref(tx.parentDocument.meta.href) !== saleId) continue;
    if (tx.transactionStatus === 'CANCELED') continue;
    if (tx.transactionType === 'EARNING') earned += tx.bonusValue;
    else spent += tx.bonusValue;
  }
  return { earned, spent };
}

/** A position's product as an amoCRM catalog element: synced on the spot if the sale arrived before the product. */
async function lineOf(ctx: RuleContext, position: Position, folders: FolderCache): Promise<SaleLine> {
  const assortmentId = position.assortment.id ?? idFromHref(position.assortment.meta.href);
  let name = position.assortment.name ?? null;
  let elementId: number | null = null;
  if (position.assortment.meta.type === 'product') {
    elementId = await ctx.links.amoIdFor(ctx.accountId, 'product', assortmentId);
    if (elementId === null || name === null) {
      const product = await ctx.ms.catalog.getProduct(assortmentId);
      name = product.name;
      if (elementId === null && (await syncProduct(ctx, product, folders)) !== 'no_catalog') {
        elementId = await ctx.links.amoIdFor(ctx.accountId, 'product', assortmentId);
      }
    }
  }
  return { name: name ?? assortmentId, quantity: position.quantity, priceKopecks: kopecksFromApi(position.price), catalogElementId: elementId };
}

/**
 * Rule 3: a retail sale → on the buyer's customer: a purchase (transaction with catalog elements, which dynamic
 * segmentation reads) and a note (number, date, sum, products, points); then the read model and the points field.
 * Each amoCRM write is guarded by a link row and, for a crash between write and link, by a marker search.
 */
export async function syncSale(ctx: RuleContext, sale: Document<RetailDemand>, folders = new FolderCache()): Promise<SaleOutcome> {
  const { accountId, amo, links } = ctx;
  const agentHref = sale.agent.meta.href;
  const agentId = idFromHref(agentHref);
  const counterparty = await ctx.ms.counterparties.get(agentId);
  if (!isSyncableBuyer(counterparty)) return 'anonymous';

  const returned = await ctx.db.selectFrom('purchases').select('returned').where('account_id', '=', accountId).where('id', '=', sale.id).executeTakeFirst();
  if (returned?.returned === 1) return 'returned';

  // First the buyer: created if new, re-created if deleted in amoCRM, points refreshed (the till changed them with
  // this sale). Doing it before the purchase means the purchase never goes to a customer that no longer exists.
  await syncBuyer(ctx, counterparty);
  const customerId = await links.amoIdFor(accountId, 'counterparty', agentId);
  if (customerId === null) throw new Error(`buyer ${agentId} of sale ${sale.id} could not be linked`);

  const lines: SaleLine[] = [];
  for (const position of sale.allPositions) lines.push(await lineOf(ctx, position, folders));
  const points = await salePoints(ctx, agentHref, sale.id);
  const facts: SaleFacts = {
    moyskladId: sale.id,
    number: sale.name,
    moment: sale.moment,
    sumKopecks: kopecksFromApi(sale.sum),
    lines,
    pointsEarned: points.earned,
    pointsSpent: points.spent,
  };
  const marker = saleMarker(sale.id);
  const catalog = await ctx.catalog();

  const writePurchase = async (buyerCustomer: number) => {
    if ((await links.amoIdFor(accountId, 'retaildemand', sale.id)) === null) {
      await createOnce(ctx, `retaildemand:${sale.id}`, {
        search: () => findTransactionWithMarker(amo, buyerCustomer, marker),
        create: async () => singleId(await amo.customers.createTransactions(buyerCustomer, [transactionPayload(facts, catalog?.catalogId ?? null)]), 'transaction'),
        link: (id) => links.link(accountId, 'retaildemand', sale.id, id),
      });
    }
    if ((await links.amoIdFor(accountId, 'retaildemand_note', sale.id)) === null) {
      await createOnce(ctx, `retaildemand_note:${sale.id}`, {
        search: () => findNoteWithMarker(amo, buyerCustomer, marker),
        create: async () =>
          singleId(await amo.customers.addNotes(buyerCustomer, [{ note_type: 'extended_service_message', params: { service: 'МойСклад', text: saleNoteText(facts) }, request_id: sale.id }]), 'note'),
        link: (id) => links.link(accountId, 'retaildemand_note', sale.id, id),
      });
    }
  };
  try {
    await writePurchase(customerId);
  } catch (error) {
    if (!isGoneInAmo(error)) throw error;
    // The customer was deleted in amoCRM after our last write to it (an unchanged buyer is not re-sent, so nothing
    // told us earlier): make the buyer again and put the purchase there.
    await forgetWritten(ctx, agentId);
    await syncBuyer(ctx, counterparty);
    const again = await links.amoIdFor(accountId, 'counterparty', agentId);
    if (again === null || again === customerId) throw error;
    await writePurchase(again);
  }

  await ctx.readModel.upsertPurchase(accountId, {
    id: sale.id,
    buyerMoyskladId: agentId,
    number: sale.name,
    moment: moscowIso(sale.moment),
    momentMs: parseMoscow(sale.moment).getTime(),
    sumKopecks: facts.sumKopecks,
    pointsEarned: points.earned,
    pointsSpent: points.spent,
    items: lines.map(({ name, quantity, priceKopecks }) => ({ name, quantity, priceKopecks })),
  });
  return 'synced';
}

async function hasPurchase(ctx: RuleContext, saleId: string): Promise<boolean> {
  const row = await ctx.db.selectFrom('purchases').select('id').where('account_id', '=', ctx.accountId).where('id', '=', saleId).executeTakeFirst();
  return row !== undefined;
}

/**
 * A retail return reverses the sale: the amoCRM purchase is deleted (so ltv and purchase count drop), a note says
 * so, the read model marks the purchase returned. A return without a known sale only refreshes the points.
 */
export async function syncReturn(ctx: RuleContext, doc: Document<RetailSalesReturn>): Promise<'reversed' | 'unlinked'> {
  const { accountId, amo, links } = ctx;
  const agentId = idFromHref(doc.agent.meta.href);
  const saleId = doc.demand ? idFromHref(doc.demand.meta.href) : null;
  if (saleId !== null && !(await hasPurchase(ctx, saleId))) {
    // The return came before its sale (reordered webhooks, or both between two reconciliations). Applying the sale
    // first makes the outcome order-independent: otherwise the sale, applied later, would re-create the purchase.
    try {
      await syncSale(ctx, await ctx.ms.retail.getRetailDemand(saleId));
    } catch (error) {
      if (!(error instanceof MoySkladNotFoundError)) throw error;
    }
  }
  const customerId = await links.amoIdFor(accountId, 'counterparty', agentId);
  if (saleId === null || customerId === null) {
    if (customerId !== null) await syncBuyer(ctx, await ctx.ms.counterparties.get(agentId));
    return 'unlinked';
  }
  const sale = await ctx.db.selectFrom('purchases').selectAll().where('account_id', '=', accountId).where('id', '=', saleId).executeTakeFirst();
  await ctx.readModel.markReturned(accountId, saleId);

  const transactionId = await links.amoIdFor(accountId, 'retaildemand', saleId);
  if (transactionId !== null) {
    try {
      await amo.customers.deleteTransaction(transactionId);
    } catch (error) {
      // Deleted by an attempt that crashed before unlinking: the goal is reached.
      if (!(error instanceof AmoError && error.status === 404)) throw error;
    }
    await links.unlinkByMoyskladId(accountId, 'retaildemand', saleId);
  }
  if ((await links.amoIdFor(accountId, 'retailsalesreturn_note', doc.id)) === null) {
    const facts = { moyskladId: saleId, number: sale?.number ?? '—', moment: doc.moment, sumKopecks: kopecksFromApi(doc.sum) };
    const marker = saleMarker(`${saleId}:return`);
    await createOnce(ctx, `retailsalesreturn_note:${doc.id}`, {
      search: () => findNoteWithMarker(amo, customerId, marker),
      create: async () =>
        singleId(await amo.customers.addNotes(customerId, [{ note_type: 'extended_service_message', params: { service: 'МойСклад', text: returnNoteText(facts, doc.name) }, request_id: doc.id }]), 'note'),
      link: (id) => links.link(accountId, 'retailsalesreturn_note', doc.id, id),
    });
  }
  await syncBuyer(ctx, await ctx.ms.counterparties.get(agentId));
  return 'reversed';
}
