import { EMPTY_POSITION } from '../db/repositories/sync-streams.js';
import { UNPRICED_LISTED, type UnpricedProduct } from '../db/repositories/account-sync.js';
import { collect } from '../moysklad/paginate.js';
import type { SyncEngine } from './engine.js';
import { productLease, withLeases } from './leases.js';
import { productPriceKopecks } from './mapping/product.js';
import { FolderCache, syncProducts } from './rules/products.js';
import { readStream } from './streams.js';

/** The stream position of a repricing pass, so a pass cut short (restart, failure) goes on where it stopped. */
const REPRICE_STREAM = 'reprice.product';

/**
 * The price type changed on the settings page: every element of the amoCRM products catalog gets the new type's price
 * (otherwise only products changed later would, and the catalog would mix price types). A bulk job: МойСклад's
 * products are read by keyset, 1,000 a request, and written 250 a request — only elements whose payload changed, as
 * every product write (`links.written_hash`). Progress and the products that have no price of that type (their PRICE
 * is left empty, never 0) are kept in `account_sync` for the status page. A newer change of the price type stops this
 * pass: the job it queued starts over.
 */
export async function repriceCatalog(engine: SyncEngine, accountId: number, signal?: AbortSignal): Promise<void> {
  const { state, streams, accounts } = engine.deps;
  const sync = await state.get(accountId);
  // Not connected yet: the first import writes every product with the chosen type anyway.
  if (sync.connectedAt === null) return;
  const ctx = await engine.context(accountId, { lane: 'bulk', signal });
  const priceTypeId = ctx.priceTypeId;
  const earlier = sync.reprice;
  const resume = earlier !== null && earlier.state !== 'done' && earlier.priceTypeId === priceTypeId;
  let progress = resume ? { done: earlier.done, total: earlier.total, unpricedCount: earlier.unpricedCount, unpriced: earlier.unpriced } : { done: 0, total: 0, unpricedCount: 0, unpriced: [] as UnpricedProduct[] };
  if (!resume) {
    await streams.save(accountId, REPRICE_STREAM, EMPTY_POSITION);
    await state.startReprice(accountId, priceTypeId, 0);
  } else if (earlier.state !== 'running') {
    await state.update(accountId, { reprice_state: 'running', reprice_finished_at: null });
  }
  const catalog = await ctx.catalog();
  if (!catalog) {
    await state.finishReprice(accountId, 'done');
    return;
  }
  try {
    const folders = new FolderCache(await collect(ctx.ms.catalog.iterateFolders()));
    let first = true;
    for await (const page of readStream(ctx, 'product', await streams.get(accountId, REPRICE_STREAM))) {
      if (first && !resume) progress = { ...progress, total: page.size };
      first = false;
      if ((await accounts.getSettings(accountId)).priceTypeId !== priceTypeId) return;
      const rows = page.rows;
      if (rows.length > 0) {
        await withLeases(ctx, rows.map((product) => productLease(product.id)), () => syncProducts(ctx, rows, folders));
        // What the catalog holds or will hold: linked products, and the unarchived ones (syncProducts makes those).
        const linked = await ctx.links.lookup(accountId, 'product', rows.map((product) => product.id));
        const unpriced = rows.filter((product) => (linked.has(product.id) || !product.archived) && productPriceKopecks(product, priceTypeId) === null);
        progress = {
          done: progress.done + rows.length,
          total: Math.max(progress.total, progress.done + rows.length),
          unpricedCount: progress.unpricedCount + unpriced.length,
          unpriced: [...progress.unpriced, ...unpriced.map((product) => ({ moyskladId: product.id, name: product.name }))].slice(0, UNPRICED_LISTED),
        };
      }
      await streams.save(accountId, REPRICE_STREAM, page.position);
      await state.setRepriceProgress(accountId, progress);
    }
    await state.finishReprice(accountId, 'done');
    if (progress.unpricedCount > 0) ctx.logger.warn({ accountId, priceTypeId, unpriced: progress.unpricedCount }, 'repricing: products without a price of the chosen type');
    await engine.deps.operationLog.append({ accountId, userId: null, kind: 'sync.repriced', details: { priceTypeId, products: progress.done, unpriced: progress.unpricedCount } });
  } catch (error) {
    // Shutdown or a lost lease: the job goes back to the queue and resumes; anything else is shown as failed.
    if (!signal?.aborted) await state.finishReprice(accountId, 'failed');
    throw error;
  }
}
