import { MoySkladNotFoundError } from '../moysklad/errors.js';
import { idFromHref } from '../moysklad/schemas/common.js';
import { counterpartySchema } from '../moysklad/schemas/entities.js';
import { collect } from '../moysklad/paginate.js';
import type { SyncEngine } from './engine.js';
import type { EntityPayload } from './jobs.js';
import { buyerLease, productLease, withLeases } from './leases.js';
import { recordBonusOperations } from './rules/bonus-operations.js';
import { buyerReadSince, refreshBuyers, syncBuyers } from './rules/buyers.js';
import { FolderCache, forgetDeletedProduct, syncProducts } from './rules/products.js';
import { loadSalePoints, recordSales, syncReturn, writePurchases } from './rules/sales.js';

/**
 * One changed МойСклад entity (from a webhook or a widget operation): the live lane. The payload is never trusted:
 * the entity is re-read by id, so a replayed or reordered event always applies the current state. Work on a buyer
 * happens under the buyer's lease, and the buyer is read inside it, so the newest balance is the one written last.
 */
export async function handleEntityChange(engine: SyncEngine, job: EntityPayload, signal?: AbortSignal): Promise<void> {
  const ctx = await engine.context(job.accountId, { lane: 'live', signal });
  const { ms } = ctx;
  if (job.action === 'DELETE') {
    if (job.entityType === 'product') await forgetDeletedProduct(ctx, job.id);
    if (job.entityType === 'counterparty') {
      await ctx.links.unlinkByMoyskladId(job.accountId, 'counterparty', job.id);
      await ctx.links.unlinkByMoyskladId(job.accountId, 'contact', job.id);
    }
    return;
  }
  try {
    switch (job.entityType) {
      case 'counterparty':
        await withLeases(ctx, [buyerLease(job.id)], async () => {
          if (await buyerReadSince(ctx, job.id, job.receivedAt)) return;
          await refreshBuyers(ctx, [job.id]);
        });
        break;
      case 'product':
        await withLeases(ctx, [productLease(job.id)], async () => syncProducts(ctx, [await ms.catalog.getProduct(job.id)], new FolderCache()));
        break;
      case 'productfolder': {
        // A renamed folder changes the GROUP path of its products and of those in its sub-folders. `productFolder` is
        // a documented filter of /entity/assortment (sub-folders included), not of /entity/product.
        const products = await collect(ms.catalog.iterateProductsInFolder(`${ms.transport.baseUrl}/entity/productfolder/${job.id}`, { includeArchived: true }));
        await withLeases(ctx, products.map((p) => productLease(p.id)), () => syncProducts(ctx, products, new FolderCache()));
        break;
      }
      case 'retaildemand': {
        // The sale comes with its buyer expanded: one read for both. A job that read the buyer later wins (readAt).
        const readAt = Date.now();
        const sale = await ms.retail.getRetailDemand(job.id);
        const agentId = idFromHref(sale.agent.meta.href);
        await withLeases(ctx, [buyerLease(agentId)], async () => {
          const expanded = counterpartySchema.safeParse(sale.agent);
          const [counterparty, points] = await Promise.all([expanded.success ? expanded.data : ms.counterparties.get(agentId), loadSalePoints(ctx, [sale])]);
          // First the buyer: created if new, re-created if deleted in amoCRM, points refreshed (the till changed them).
          const customers = await syncBuyers(ctx, [counterparty], { readAt });
          if (!customers.has(agentId)) return; // not a person (anonymous till sale, a company)
          await writePurchases(ctx, await recordSales(ctx, [sale], points));
        });
        break;
      }
      case 'retailsalesreturn': {
        const doc = await ms.retail.getRetailSalesReturn(job.id);
        await withLeases(ctx, [buyerLease(idFromHref(doc.agent.meta.href))], () => syncReturn(ctx, doc).then(() => undefined));
        break;
      }
      case 'bonustransaction': {
        // A till sale's own operations were listed (and recorded) by the sale's job, which read the buyer after them:
        // their webhooks then cost nothing. Anything else is read, recorded and applied to the buyer's balance.
        const known = await ctx.bonusOperations.buyerOf(job.accountId, job.id);
        if (known !== null && job.action === 'CREATE' && (await buyerReadSince(ctx, known, job.receivedAt))) break;
        const tx = await ms.bonus.getTransaction(job.id);
        await recordBonusOperations(ctx, [tx]);
        const agentId = tx.agent ? idFromHref(tx.agent.meta.href) : null;
        if (agentId !== null) {
          await withLeases(ctx, [buyerLease(agentId)], async () => {
            if (await buyerReadSince(ctx, agentId, job.receivedAt)) return;
            await refreshBuyers(ctx, [agentId]);
          });
        }
        break;
      }
    }
    await engine.deps.state.touchLastChange(job.accountId);
  } catch (error) {
    // Created and deleted before we got to it: nothing to apply; the DELETE event (or the audit sweep) handles it.
    if (error instanceof MoySkladNotFoundError) return;
    throw error;
  }
}
