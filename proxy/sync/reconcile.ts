import type { CatalogElement } from '../amocrm/schemas/entities.js';
import { collect } from '../moysklad/paginate.js';
import { idFromHref } from '../moysklad/schemas/common.js';
import { groupNodesInUse, pruneGroupTree } from './amo-catalog.js';
import { folderPath } from './mapping/product.js';
import { toMoscowString, parseMoscow } from '../moysklad/moscow-time.js';
import type { SyncEngine } from './engine.js';
import { PURCHASE_CONCURRENCY, reconcileStream } from './initial-import.js';
import { buyerLease, productLease, withLeases } from './leases.js';
import { recordBonusOperations } from './rules/bonus-operations.js';
import { refreshBuyers, syncBuyers } from './rules/buyers.js';
import { deleteProductFromAmo, FolderCache, forgetDeletedProduct, syncProducts } from './rules/products.js';
import { loadReturnPoints, loadSalePoints, recordSales, syncReturn, writePurchasesInBulk } from './rules/sales.js';
import type { RuleContext } from './rule-context.js';
import { checkWebhooks } from './realtime.js';
import { readStream, type StreamName, type StreamPage, type StreamRows } from './streams.js';

const RECONCILED: StreamName[] = ['product', 'counterparty', 'retaildemand', 'retailsalesreturn', 'bonustransaction'];
/** Audit deletions are re-read this far back: a deletion may show in the audit a moment after it happened. */
const AUDIT_OVERLAP_MS = 5_000;

/**
 * The safety net under webhooks (МойСклад drops a webhook after 3 immediate retries): the webhooks are verified
 * and restored (proxy/sync/realtime.ts), then each stream continues from
 * its keyset position and applies what changed, a page at a time with batched amoCRM writes (unchanged entities
 * cost nothing: their digest matches); deletions are read from the audit; the amoCRM catalog is swept for elements
 * deleted there. An idle pass on an unchanged account makes no amoCRM write.
 */
export async function reconcileAccount(
  engine: SyncEngine,
  accountId: number,
  options: { sweepCatalog: boolean; signal?: AbortSignal; onProgress?: (done: number, total: number) => void },
): Promise<number> {
  const ctx = await engine.context(accountId, { lane: 'bulk', signal: options.signal });
  // First our webhooks (one listing when all are there; missing ones recreated): what they missed meanwhile is read
  // by the streams below. The types they cannot deliver are polled (proxy/sync/realtime.ts, poller.ts).
  await checkWebhooks(engine, ctx, 'reconcile');
  const { streams } = engine.deps;
  const folders = new FolderCache();
  let done = 0;
  let total = 0;
  for (const name of RECONCILED) {
    const key = reconcileStream(name);
    let first = true;
    for await (const page of readStream(ctx, name, await streams.get(accountId, key))) {
      if (first) total += page.size;
      first = false;
      if (page.rows.length > 0) {
        await applyReconcilePage(ctx, { stream: name, page } as Applied, folders);
        await engine.deps.state.touchLastChange(accountId);
      }
      await streams.save(accountId, key, page.position);
      done += page.rows.length;
      // Rows changed during the pass can exceed the count made at its start.
      total = Math.max(total, done);
      options.onProgress?.(done, total);
    }
  }
  await sweepAuditDeletions(engine, ctx);
  if (options.sweepCatalog) await sweepAmoCatalog(ctx);
  return done;
}

type Applied = { [Name in StreamName]: { stream: Name; page: StreamPage<StreamRows[Name]> } }[StreamName];

async function applyReconcilePage(ctx: RuleContext, work: Applied, folders: FolderCache): Promise<void> {
  switch (work.stream) {
    case 'product': {
      const rows = work.page.rows;
      await withLeases(ctx, rows.map((p) => productLease(p.id)), () => syncProducts(ctx, rows, folders));
      return;
    }
    case 'counterparty': {
      const rows = work.page.rows;
      await withLeases(ctx, rows.map((c) => buyerLease(c.id)), () => syncBuyers(ctx, rows, { readAt: work.page.readAt }));
      return;
    }
    case 'retaildemand': {
      const rows = work.page.rows;
      const points = await loadSalePoints(ctx, rows);
      // The read model first (no lease needed: idempotent rows), then amoCRM a customer at a time.
      const recorded = await recordSales(ctx, rows, points, { readAt: work.page.readAt });
      await writePurchasesInBulk(ctx, recorded, { concurrency: PURCHASE_CONCURRENCY });
      return;
    }
    case 'retailsalesreturn': {
      // The points the page's returns moved: one listing for the page, not one per return.
      const points = await loadReturnPoints(ctx, work.page.rows);
      for (const doc of work.page.rows) await withLeases(ctx, [buyerLease(idFromHref(doc.agent.meta.href))], () => syncReturn(ctx, doc, { points }).then(() => undefined));
      return;
    }
    case 'bonustransaction': {
      await recordBonusOperations(ctx, work.page.rows);
      // A bonus operation changes its buyer's balance: each buyer is read once per page, whatever its operations.
      const buyers = [...new Set(work.page.rows.flatMap((tx) => (tx.agent ? [idFromHref(tx.agent.meta.href)] : [])))];
      const known = [...(await ctx.readModel.knownBuyers(ctx.accountId, buyers))];
      for (const buyer of known) await withLeases(ctx, [buyerLease(buyer)], () => refreshBuyers(ctx, [buyer]));
      return;
    }
    case 'productfolder':
      return;
  }
}

/** Products and buyers deleted in МойСклад: the link goes, the amoCRM element/customer stays (the seed's rule). */
async function sweepAuditDeletions(engine: SyncEngine, ctx: RuleContext): Promise<void> {
  for (const entityType of ['product', 'counterparty'] as const) {
    const key = `audit.${entityType}`;
    const saved = (await engine.deps.streams.get(ctx.accountId, key)).updated;
    const since = saved ? new Date(parseMoscow(saved).getTime() - AUDIT_OVERLAP_MS) : new Date(Date.now() - 24 * 3600_000);
    const startedAt = new Date();
    for await (const event of ctx.ms.audit.iterateDeletions(entityType, since)) {
      const href = event.entity?.meta.href;
      if (!href) continue;
      const id = idFromHref(href);
      if (entityType === 'product') await forgetDeletedProduct(ctx, id);
      else {
        await ctx.links.unlinkByMoyskladId(ctx.accountId, 'counterparty', id);
        await ctx.links.unlinkByMoyskladId(ctx.accountId, 'contact', id);
      }
    }
    await engine.deps.streams.save(ctx.accountId, key, { updated: toMoscowString(startedAt), id: null, reachedEndAt: startedAt.getTime(), recent: [], completed: false });
  }
}

/**
 * amoCRM documents no webhook for deleted catalog elements, so we list the catalog and compare with our links.
 * A guard refuses to act when most linked elements seem gone at once (a switched-off catalog, a bad page): mass
 * deletion in МойСклад must never come from a glitch. The same listing says which GROUP nodes elements use: the
 * nodes we made that hold nothing any more (a renamed folder's old path) are removed (`pruneGroupTree`).
 */
export async function sweepAmoCatalog(ctx: RuleContext): Promise<{ deleted: number; skipped: boolean }> {
  const catalog = await ctx.catalog();
  if (!catalog) return { deleted: 0, skipped: true };
  const linked = await ctx.links.listKind(ctx.accountId, 'product');
  if (linked.length === 0) return { deleted: 0, skipped: false };
  const present = new Set<number>();
  const live: Pick<CatalogElement, 'custom_fields_values'>[] = [];
  for await (const element of ctx.amo.catalogs.iterateElements(catalog.catalogId)) {
    if (element.is_deleted) continue;
    present.add(element.id);
    live.push({ custom_fields_values: element.custom_fields_values });
  }
  const missing = linked.filter((row) => !present.has(row.amoId));
  if (missing.length > Math.max(5, linked.length / 2)) {
    ctx.logger.warn({ accountId: ctx.accountId, missing: missing.length, linked: linked.length }, 'catalog sweep: too many elements missing at once; refusing to delete');
    return { deleted: 0, skipped: true };
  }
  for (const row of missing) await deleteProductFromAmo(ctx, row.amoId);
  await pruneGroupTree(ctx, catalog, groupNodesInUse(catalog, live), () => currentFolderPaths(ctx));
  return { deleted: missing.length, skipped: false };
}

/** Every МойСклад folder's path as names from the root (1,000 folders a request). */
async function currentFolderPaths(ctx: RuleContext): Promise<string[][]> {
  const folders = await collect(ctx.ms.catalog.iterateFolders());
  const byId = new Map(folders.map((folder) => [folder.id, folder]));
  return folders.map((folder) => folderPath(folder.id, byId));
}
