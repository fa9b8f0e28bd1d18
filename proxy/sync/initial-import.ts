import { toMoscowString } from '../moysklad/moscow-time.js';
import type { SyncEngine } from './engine.js';
import { FolderCache } from './rules/products.js';
import { countRows, runStream, STREAM_SPECS, type StreamSpec } from './streams.js';
import { STREAMS } from './sync-state.js';

/**
 * The first import after connect: folders, products, buyers, then (optionally) past sales and returns. Each
 * stream keeps its own inclusive cursor, saved as rows are applied, so a crash or a restarted process resumes
 * where it stopped; re-applied rows change nothing (every rule is idempotent).
 */
export async function runInitialImport(
  engine: SyncEngine,
  accountId: number,
  withSales: boolean,
  signal?: AbortSignal,
  /** Each applied row (the CLI's progress bar). */
  onProgress?: (done: number, total: number) => void,
): Promise<void> {
  if (await engine.state.importDone(accountId)) return;
  const ctx = await engine.context(accountId, signal);
  const specs: StreamSpec[] = [STREAM_SPECS.productfolder, STREAM_SPECS.product, STREAM_SPECS.counterparty];
  if (withSales) specs.push(STREAM_SPECS.retaildemand, STREAM_SPECS.retailsalesreturn);

  // Points of every buyer are read with the buyer during the import, so reconciliation of bonus transactions starts
  // here rather than at the beginning of history (which would re-sync each buyer once per transaction ever made).
  const startedAt = new Date();
  let total = 0;
  for (const spec of specs) total += await countRows(ctx, spec);
  let done = 0;
  await engine.state.importProgress(accountId, { state: 'running', done, total });

  const folders = new FolderCache();
  try {
    for (const spec of specs) {
      const key = STREAMS.importCursor(spec.name);
      if ((await engine.state.cursor(accountId, `${key}:done`)) === 'yes' && spec.name !== 'productfolder') {
        done += await countRows(ctx, spec);
        continue;
      }
      await runStream(
        ctx,
        spec,
        { load: () => engine.state.cursor(accountId, key), save: (value) => engine.state.saveCursor(accountId, key, value) },
        folders,
        {
          overlapMs: 0,
          // Batched amoCRM writes per МойСклад page: the import is bound by amoCRM's 7 requests/s.
          pages: true,
          ...(signal ? { signal } : {}),
          onRow: async () => {
            done += 1;
            onProgress?.(Math.min(done, total), total);
            // Progress is a status-page figure, not a cursor: writing it every 25 rows is plenty.
            if (done % 25 === 0) await engine.state.importProgress(accountId, { state: 'running', done: Math.min(done, total), total });
          },
        },
      );
      await engine.state.saveCursor(accountId, `${key}:done`, 'yes');
      // After the import, reconciliation continues each stream from where the import ended.
      const last = await engine.state.cursor(accountId, key);
      if (last) await engine.state.saveCursor(accountId, STREAMS.reconcileCursor(spec.name), last);
    }
    const bonusCursor = STREAMS.reconcileCursor(STREAM_SPECS.bonustransaction.name);
    if ((await engine.state.cursor(accountId, bonusCursor)) === null) await engine.state.saveCursor(accountId, bonusCursor, toMoscowString(startedAt));
    await engine.state.importProgress(accountId, { state: 'done', done: total, total });
  } catch (error) {
    await engine.state.importProgress(accountId, { state: 'failed', done: Math.min(done, total), total });
    throw error;
  }
}
