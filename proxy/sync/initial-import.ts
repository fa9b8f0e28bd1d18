import { EMPTY_POSITION } from '../db/repositories/sync-streams.js';
import { toMoscowString } from '../moysklad/moscow-time.js';
import { idFromHref } from '../moysklad/schemas/common.js';
import type { SyncEngine } from './engine.js';
import { buyerLease, productLease, withLeases } from './leases.js';
import { readAhead } from './read-ahead.js';
import { recordBonusOperations } from './rules/bonus-operations.js';
import { indexedContactFinder, syncBuyers, type ContactFinder } from './rules/buyers.js';
import { FolderCache, syncProducts } from './rules/products.js';
import { pointsByReturn, pointsBySale, recordSales, syncReturn, writeNotesInChunks, writePurchasesInBulk, type ReturnPoints, type SalePoints } from './rules/sales.js';
import type { RuleContext } from './rule-context.js';
import { readStream, type StreamName, type StreamPage, type StreamRows } from './streams.js';

/** МойСклад pages read ahead of the amoCRM writes (bounded: a page is ≤ 1,000 rows). */
const READ_AHEAD_PAGES = 4;
/** Buyers read from the read model at a time for the purchases phase. */
const PURCHASE_BUYERS_PER_READ = 100;
/** amoCRM purchase requests in flight for different customers (real amoCRM answers slower than 1/7 s). */
export const PURCHASE_CONCURRENCY = 3;
/** Purchases without a note read at a time (written 250 a request). */
const NOTES_PER_READ = 1_000;

const importStream = (name: StreamName) => `import.${name}`;
export const reconcileStream = (name: StreamName) => `reconcile.${name}`;

type Work = { [Name in StreamName]: { stream: Name; page: StreamPage<StreamRows[Name]> } }[StreamName] | { stream: 'completed'; name: StreamName } | { stream: 'purchases' };

/**
 * The first import after connect: folders, products, buyers, then (optionally) past sales and returns, and at the
 * end every purchase and note amoCRM lacks. A reader walks the МойСклад streams (1,000 rows a request, 100 with
 * expand) up to a few pages ahead of the writer, which batches amoCRM writes at 250 a request (customers, contacts,
 * links, elements, notes) and one purchases request per customer. Sales land in the read model first and go to
 * amoCRM grouped by customer. Each stream keeps its own position, saved after its page is applied, so a crash or a
 * restarted process resumes where it stopped; re-applied rows change nothing (every rule is idempotent).
 */
export async function runInitialImport(
  engine: SyncEngine,
  accountId: number,
  withSales: boolean,
  signal?: AbortSignal,
  /** Each applied row (the CLI's progress bar). */
  onProgress?: (done: number, total: number) => void,
): Promise<void> {
  const { state, streams } = engine.deps;
  if ((await state.get(accountId)).import.state === 'done') return;
  const ctx = await engine.context(accountId, { lane: 'bulk', signal });
  const startedAt = Date.now();
  const names: StreamName[] = ['productfolder', 'product', 'counterparty'];
  if (withSales) names.push('retaildemand', 'retailsalesreturn');

  const progress = new Progress(state, accountId, onProgress);
  const folders = new FolderCache();
  const points: SalePoints = new Map();
  // The points returns moved, from the same read of bonus operations; unset when a restarted import skips that read
  // (returns then read their own).
  const returnPoints: { moved?: ReturnPoints } = {};
  let contacts: ContactFinder | null = null;

  async function* reader(): AsyncGenerator<Work> {
    for (const name of names) {
      const position = await streams.get(accountId, importStream(name));
      if (position.completed && name !== 'productfolder') continue;
      if (name === 'retaildemand') {
        // Points per sale come from bonus operations (their `parentDocument`, not filterable): all of them, in bulk,
        // before the sales (re-read after a restart: the points live in memory). They fill the card's history too.
        for await (const page of readStream(ctx, 'bonustransaction', EMPTY_POSITION)) yield { stream: 'bonustransaction', page };
      }
      // Folders are kept in memory for the products' GROUP paths: read them again after a restart.
      let first = true;
      for await (const page of readStream(ctx, name, name === 'productfolder' ? EMPTY_POSITION : position)) {
        if (first) progress.addTotal(page.size);
        first = false;
        yield { stream: name, page } as Work;
      }
      yield { stream: 'completed', name };
    }
    if (withSales) yield { stream: 'purchases' };
  }

  await progress.save('running');
  try {
    for await (const work of readAhead(reader(), READ_AHEAD_PAGES)) {
      if (work.stream === 'completed') {
        const key = importStream(work.name);
        await streams.save(accountId, key, { ...(await streams.get(accountId, key)), completed: true });
        continue;
      }
      if (work.stream === 'purchases') {
        await writeAllPurchases(ctx, progress);
        continue;
      }
      await applyImportPage(ctx, work, { folders, points, returnPoints, contacts: async () => (contacts ??= await indexedContactFinder(ctx.amo)) });
      if (work.stream === 'bonustransaction') continue; // read in full each time; no position of its own
      await streams.save(accountId, importStream(work.stream), work.page.position);
      if (work.page.rows.length > 0) await state.touchLastChange(accountId);
      await progress.advance(work.page.rows.length);
    }
    // Reconciliation continues each stream from where the import ended; bonus operations from the import's start
    // (the buyers' points were read with the buyers).
    for (const name of names) await streams.save(accountId, reconcileStream(name), { ...(await streams.get(accountId, importStream(name))), completed: false });
    const bonus = reconcileStream('bonustransaction');
    if ((await streams.get(accountId, bonus)).updated === null) {
      await streams.save(accountId, bonus, { ...EMPTY_POSITION, updated: toMoscowString(new Date(startedAt)), id: '' });
    }
    await progress.save('done');
  } catch (error) {
    await progress.save('failed');
    throw error;
  }
}

async function applyImportPage(
  ctx: RuleContext,
  work: Exclude<Work, { stream: 'completed' } | { stream: 'purchases' }>,
  shared: { folders: FolderCache; points: SalePoints; returnPoints: { moved?: ReturnPoints }; contacts: () => Promise<ContactFinder> },
): Promise<void> {
  switch (work.stream) {
    case 'productfolder':
      for (const folder of work.page.rows) shared.folders.set(folder);
      return;
    case 'product': {
      const rows = work.page.rows;
      await withLeases(ctx, rows.map((p) => productLease(p.id)), () => syncProducts(ctx, rows, shared.folders));
      return;
    }
    case 'counterparty': {
      const rows = work.page.rows;
      const contacts = await shared.contacts();
      await withLeases(ctx, rows.map((c) => buyerLease(c.id)), () => syncBuyers(ctx, rows, { contacts, readAt: work.page.readAt }));
      return;
    }
    case 'retaildemand':
      await recordSales(ctx, work.page.rows, shared.points, { readAt: work.page.readAt });
      return;
    case 'retailsalesreturn': {
      const points = shared.returnPoints.moved;
      for (const doc of work.page.rows) await withLeases(ctx, [buyerLease(idFromHref(doc.agent.meta.href))], () => syncReturn(ctx, doc, points ? { points } : {}).then(() => undefined));
      return;
    }
    case 'bonustransaction':
      pointsBySale(work.page.rows, shared.points);
      shared.returnPoints.moved = pointsByReturn(work.page.rows, shared.returnPoints.moved);
      await recordBonusOperations(ctx, work.page.rows);
      return;
  }
}

/**
 * Every purchase and note amoCRM lacks: purchases one request per customer (all of that customer's at once), then
 * notes 250 a request across customers. Each request holds only the leases of its own buyers, so live jobs never
 * wait behind the import for more than a request.
 */
async function writeAllPurchases(ctx: RuleContext, progress?: { addTotal(rows: number): void; advance(rows: number): Promise<void> }): Promise<void> {
  // The purchases phase is most of an import's amoCRM requests: it counts in the progress too (a request each).
  progress?.addTotal(await ctx.readModel.countBuyersWithUnwrittenTransactions(ctx.accountId));
  let after: string | null = null;
  for (;;) {
    const buyers = await ctx.readModel.buyersWithUnwrittenTransactions(ctx.accountId, after, PURCHASE_BUYERS_PER_READ);
    if (buyers.length === 0) break;
    after = buyers[buyers.length - 1]!;
    await writePurchasesInBulk(ctx, buyers, { concurrency: PURCHASE_CONCURRENCY, notes: false, onBuyerDone: () => progress?.advance(1) ?? Promise.resolve() });
  }
  let afterNote: string | null = null;
  for (;;) {
    const purchases = await ctx.readModel.purchasesWithoutNote(ctx.accountId, afterNote, NOTES_PER_READ);
    if (purchases.length === 0) break;
    afterNote = purchases[purchases.length - 1]!.id;
    await writeNotesInChunks(ctx, purchases);
  }
}

/** The import's progress on the status page: rows applied of the rows the streams reported. */
class Progress {
  private done = 0;
  private total = 0;

  constructor(
    private readonly state: SyncEngine['deps']['state'],
    private readonly accountId: number,
    private readonly onProgress?: (done: number, total: number) => void,
  ) {}

  addTotal(rows: number): void {
    this.total += rows;
  }

  async advance(rows: number): Promise<void> {
    this.done = Math.min(this.total, this.done + rows);
    this.onProgress?.(this.done, this.total);
    // One row per page or chunk: the status page follows the import as it goes.
    await this.save('running');
  }

  async save(stateName: 'running' | 'done' | 'failed'): Promise<void> {
    await this.state.setImportProgress(this.accountId, { state: stateName, done: stateName === 'done' ? this.total : this.done, total: this.total });
  }
}
