import { MoySkladNotFoundError } from '../moysklad/errors.js';
import { retailSalesReturnSchema } from '../moysklad/schemas/entities.js';
import { collect } from '../moysklad/paginate.js';
import { idFromHref } from '../moysklad/schemas/common.js';
import { bonusTransactionSchema } from '../moysklad/schemas/entities.js';
import type { SyncEngine } from './engine.js';
import type { EntityPayload } from './jobs.js';
import { refreshBuyerPoints, syncBuyer } from './rules/buyers.js';
import { FolderCache, forgetDeletedProduct, syncProduct } from './rules/products.js';
import { syncReturn, syncSale } from './rules/sales.js';

/**
 * One changed МойСклад entity (from a webhook). The payload is never trusted: the entity is re-read by id, so a
 * replayed or reordered event always applies the current state.
 */
export async function handleEntityChange(engine: SyncEngine, job: EntityPayload, signal?: AbortSignal): Promise<void> {
  const ctx = await engine.context(job.accountId, signal);
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
        await syncBuyer(ctx, await ms.counterparties.get(job.id));
        return;
      case 'product':
        await syncProduct(ctx, await ms.catalog.getProduct(job.id), new FolderCache());
        return;
      case 'productfolder':
        // A renamed folder changes the GROUP path of its products: re-sync the linked ones in it.
        for (const product of await collect(ms.catalog.iterateProducts({ filter: [['productFolder', '=', `${ms.transport.baseUrl}/entity/productfolder/${job.id}`]] }))) {
          await syncProduct(ctx, product, new FolderCache());
        }
        return;
      case 'retaildemand':
        await syncSale(ctx, await ms.retail.getRetailDemand(job.id));
        return;
      case 'retailsalesreturn': {
        const doc = await ms.transport.request({ method: 'GET', path: `/entity/retailsalesreturn/${encodeURIComponent(job.id)}`, schema: retailSalesReturnSchema });
        await syncReturn(ctx, { ...doc, allPositions: await collect(ms.retail.iteratePositions('retailsalesreturn', doc.id)) });
        return;
      }
      case 'bonustransaction': {
        const tx = await ms.transport.request({ method: 'GET', path: `/entity/bonustransaction/${encodeURIComponent(job.id)}`, schema: bonusTransactionSchema });
        if (tx.agent) await refreshBuyerPoints(ctx, idFromHref(tx.agent.meta.href));
        return;
      }
    }
  } catch (error) {
    // Created and deleted before we got to it: nothing to apply; the DELETE event (or the audit sweep) handles it.
    if (error instanceof MoySkladNotFoundError) return;
    throw error;
  }
}
