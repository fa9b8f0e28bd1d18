import { idFromHref } from '../moysklad/schemas/common.js';
import type { SyncEngine } from './engine.js';
import { deleteProductFromAmo, FolderCache, forgetDeletedProduct } from './rules/products.js';
import type { RuleContext } from './rule-context.js';
import { parseMoscow } from '../moysklad/moscow-time.js';
import { countRows, runStream, STREAM_SPECS, type StreamSpec } from './streams.js';
import { STREAMS } from './sync-state.js';

/** Re-read this much before the cursor: same-second changes and late commits must not slip between sweeps. */
const OVERLAP_MS = 5_000;
const RECONCILED_STREAMS = [STREAM_SPECS.product, STREAM_SPECS.counterparty, STREAM_SPECS.retaildemand, STREAM_SPECS.retailsalesreturn, STREAM_SPECS.bonustransaction];

/**
 * The safety net under webhooks (МойСклад drops a webhook after 3 immediate retries): changes since each
 * stream's cursor are applied again, deletions are read from the audit, and the amoCRM catalog is swept for
 * elements deleted there.
 */
export async function reconcileAccount(
  engine: SyncEngine,
  accountId: number,
  options: { sweepCatalog: boolean; signal?: AbortSignal; onProgress?: (done: number, total: number) => void },
): Promise<number> {
  const ctx = await engine.context(accountId, options.signal);
  const folders = new FolderCache();
  // Counting costs a request per stream: only when someone shows progress (the CLI).
  let total = 0;
  if (options.onProgress) for (const spec of RECONCILED_STREAMS) total += await countSince(ctx, spec, await engine.state.cursor(accountId, STREAMS.reconcileCursor(spec.name)));
  let done = 0;
  for (const spec of RECONCILED_STREAMS) {
    const key = STREAMS.reconcileCursor(spec.name);
    await runStream(ctx, spec, { load: () => engine.state.cursor(accountId, key), save: (v) => engine.state.saveCursor(accountId, key, v) }, folders, {
      overlapMs: OVERLAP_MS,
      ...(options.signal ? { signal: options.signal } : {}),
      onRow: () => {
        done += 1;
        // Rows changed during the pass can exceed the count made before it.
        total = Math.max(total, done);
        options.onProgress?.(done, total);
      },
    });
  }
  await sweepAuditDeletions(engine, ctx);
  if (options.sweepCatalog) await sweepAmoCatalog(ctx);
  return done;
}

/** Rows a stream will read from its cursor (the overlap makes it approximate; it only sizes a progress bar). */
async function countSince(ctx: RuleContext, spec: StreamSpec, cursor: string | null): Promise<number> {
  return countRows(ctx, spec, cursor === null ? undefined : new Date(parseMoscow(cursor).getTime() - OVERLAP_MS));
}

/** Products and buyers deleted in МойСклад: the link goes, the amoCRM element/customer stays (the seed's rule). */
async function sweepAuditDeletions(engine: SyncEngine, ctx: RuleContext): Promise<void> {
  for (const entityType of ['product', 'counterparty'] as const) {
    const key = STREAMS.auditCursor(entityType);
    const saved = await engine.state.cursor(ctx.accountId, key);
    const since = saved ? new Date(Date.parse(saved) - OVERLAP_MS) : new Date(Date.now() - 24 * 3600_000);
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
    await engine.state.saveCursor(ctx.accountId, key, startedAt.toISOString());
  }
}

/**
 * amoCRM documents no webhook for deleted catalog elements, so we list the catalog and compare with our links.
 * A guard refuses to act when most linked elements seem gone at once (a switched-off catalog, a bad page): mass
 * deletion in МойСклад must never come from a glitch.
 */
export async function sweepAmoCatalog(ctx: RuleContext): Promise<{ deleted: number; skipped: boolean }> {
  const catalog = await ctx.catalog();
  if (!catalog) return { deleted: 0, skipped: true };
  const linked = await ctx.db.selectFrom('links').select(['amo_id', 'moysklad_id']).where('account_id', '=', ctx.accountId).where('kind', '=', 'product').execute();
  if (linked.length === 0) return { deleted: 0, skipped: false };
  const present = new Set<number>();
  for await (const element of ctx.amo.catalogs.iterateElements(catalog.catalogId)) {
    if (!element.is_deleted) present.add(element.id);
  }
  const missing = linked.filter((row) => !present.has(Number(row.amo_id)));
  if (missing.length > Math.max(5, linked.length / 2)) {
    ctx.logger.warn({ accountId: ctx.accountId, missing: missing.length, linked: linked.length }, 'catalog sweep: too many elements missing at once; refusing to delete');
    return { deleted: 0, skipped: true };
  }
  for (const row of missing) await deleteProductFromAmo(ctx, Number(row.amo_id));
  return { deleted: missing.length, skipped: false };
}
