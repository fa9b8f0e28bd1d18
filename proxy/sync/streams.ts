import { z } from 'zod';
import { buildFilter, type FilterCondition } from '../moysklad/filter.js';
import { parseMoscow } from '../moysklad/moscow-time.js';
import { paginate } from '../moysklad/paginate.js';
import { idFromHref, listEnvelopeSchema } from '../moysklad/schemas/common.js';
import { bonusTransactionSchema } from '../moysklad/schemas/entities.js';
import type { RuleContext } from './rule-context.js';
import { refreshBuyerPoints, syncBuyer } from './rules/buyers.js';
import { syncBuyersPage } from './rules/buyers-page.js';
import { FolderCache, syncProduct } from './rules/products.js';
import { syncProductsPage } from './rules/products-page.js';
import { syncReturn, syncSale } from './rules/sales.js';

/**
 * One МойСклад collection read incrementally (`updated>=cursor`, oldest first) and applied by its rule. The same
 * streams serve the initial import and the scheduled reconciliation.
 */
export interface StreamSpec {
  name: 'productfolder' | 'product' | 'counterparty' | 'retaildemand' | 'retailsalesreturn' | 'bonustransaction';
  /** Collection path and base filter, for counting rows (import progress). */
  path: string;
  baseFilter: FilterCondition[];
  rows(ctx: RuleContext, since: Date | undefined, folders: FolderCache): AsyncGenerator<{ updated: string }>;
  apply(ctx: RuleContext, row: { updated: string }, folders: FolderCache): Promise<void>;
  /**
   * Applies one page of rows with batched amoCRM writes (the initial import's big streams). Same outcome as
   * `apply` on each row in order; used only when the caller asks for pages.
   */
  applyPage?(ctx: RuleContext, rows: { updated: string }[], folders: FolderCache): Promise<void>;
}

const INDIVIDUALS: FilterCondition[] = [
  // Repeating `=` on one field means OR in МойСклад filters.
  ['companyType', '=', 'individual'],
  ['companyType', '=', 'individualKZ'],
  ['companyType', '=', 'individualUZ'],
];
const since = (from: Date | undefined): FilterCondition[] => (from ? [['updated', '>=', from]] : []);

export const STREAM_SPECS: Record<StreamSpec['name'], StreamSpec> = {
  productfolder: {
    name: 'productfolder',
    path: '/entity/productfolder',
    baseFilter: [],
    rows: (ctx, from) => ctx.ms.catalog.iterateFolders({ filter: since(from), order: 'updated,asc;id', pageSize: ROWS_PER_QUERY }) as AsyncGenerator<{ updated: string }>,
    // Folders become GROUP nodes when a product in them is synced; here we only remember them.
    apply: async (_ctx, row, folders) => folders.set(row as Parameters<FolderCache['set']>[0]),
  },
  product: {
    name: 'product',
    path: '/entity/product',
    baseFilter: [],
    rows: (ctx, from) => ctx.ms.catalog.iterateProducts({ filter: since(from), order: 'updated,asc;id', pageSize: ROWS_PER_QUERY }),
    apply: async (ctx, row, folders) => void (await syncProduct(ctx, row as Parameters<typeof syncProduct>[1], folders)),
    applyPage: (ctx, rows, folders) => syncProductsPage(ctx, rows as Parameters<typeof syncProduct>[1][], folders),
  },
  counterparty: {
    name: 'counterparty',
    path: '/entity/counterparty',
    baseFilter: INDIVIDUALS,
    rows: (ctx, from) => ctx.ms.counterparties.iterate({ filter: [...INDIVIDUALS, ...since(from)], order: 'updated,asc;id', pageSize: ROWS_PER_QUERY }),
    apply: async (ctx, row) => void (await syncBuyer(ctx, row as Parameters<typeof syncBuyer>[1])),
    applyPage: (ctx, rows) => syncBuyersPage(ctx, rows as Parameters<typeof syncBuyer>[1][]),
  },
  retaildemand: {
    name: 'retaildemand',
    path: '/entity/retaildemand',
    baseFilter: [],
    rows: (ctx, from) => ctx.ms.retail.iterateRetailDemands(from ? { updatedSince: from } : {}),
    apply: async (ctx, row, folders) => void (await syncSale(ctx, row as Parameters<typeof syncSale>[1], folders)),
  },
  retailsalesreturn: {
    name: 'retailsalesreturn',
    path: '/entity/retailsalesreturn',
    baseFilter: [],
    rows: (ctx, from) => ctx.ms.retail.iterateRetailSalesReturns(from ? { updatedSince: from } : {}),
    apply: async (ctx, row) => void (await syncReturn(ctx, row as Parameters<typeof syncReturn>[1])),
  },
  bonustransaction: {
    name: 'bonustransaction',
    path: '/entity/bonustransaction',
    baseFilter: [],
    rows: (ctx, from) =>
      paginate(ctx.ms.transport, '/entity/bonustransaction', { filter: from ? buildFilter(since(from)) : undefined, order: 'updated,asc;id' }, bonusTransactionSchema, ROWS_PER_QUERY) as AsyncGenerator<{ updated: string }>,
    apply: async (ctx, row) => {
      const agentHref = (row as z.infer<typeof bonusTransactionSchema>).agent?.meta.href;
      if (agentHref) await refreshBuyerPoints(ctx, idFromHref(agentHref));
    },
  },
};

/** How many rows a stream holds (for the import's progress bar): one request with limit=1 reads `meta.size`. */
export async function countRows(ctx: RuleContext, spec: StreamSpec, from?: Date): Promise<number> {
  const filter = [...spec.baseFilter, ...since(from)];
  const page = await ctx.ms.transport.request({
    method: 'GET',
    path: spec.path,
    query: { limit: 1, filter: filter.length ? buildFilter(filter) : undefined },
    schema: listEnvelopeSchema(z.unknown()),
  });
  return page.meta.size ?? page.rows.length;
}

/**
 * Rows read from one query before the stream starts a fresh one. МойСклад pages by offset, and a row updated while
 * we page moves to the end of the `updated` order: every row behind it shifts one place forward and the first row
 * of the next page is never returned (the live shop bumps buyers' points during an hour-long import). Starting a new
 * query at the last applied row's `updated` instead of asking for the next offset closes that gap. 100 is the
 * expanded page size, so expanded streams still cost one request per page.
 */
export const ROWS_PER_QUERY = 100;

/** Filters go out at whole seconds (proxy/moysklad/filter.ts): a restart re-reads the second it starts in. */
const secondOf = (updated: string) => updated.slice(0, 19);

/**
 * Applies a stream from its saved cursor. The cursor is inclusive and set back by `overlapMs`: several changes
 * can share one timestamp, and a change can commit with an earlier timestamp than one we already saw. Re-applying
 * is harmless (rules are idempotent); skipping is not. The cursor only advances after the rows before it were
 * applied, so a crash replays work instead of losing it.
 */
export async function runStream(
  ctx: RuleContext,
  spec: StreamSpec,
  cursor: { load(): Promise<string | null>; save(value: string): Promise<void> },
  folders: FolderCache,
  options: { overlapMs: number; onRow?: () => Promise<void> | void; signal?: AbortSignal; rowsPerQuery?: number; pages?: boolean },
): Promise<number> {
  const rowsPerQuery = options.rowsPerQuery ?? ROWS_PER_QUERY;
  // Page mode: a query's rows are collected and applied together; the cursor then moves past the whole page.
  const applyPage = options.pages ? spec.applyPage : undefined;
  const saved = await cursor.load();
  let from = saved ? new Date(parseMoscow(saved).getTime() - options.overlapMs) : undefined;
  let applied = 0;
  let last: string | null = null;
  // Ids applied within the second of the newest row: a restarted query (whole-second filter) returns them again.
  let second: string | null = null;
  const appliedInSecond = new Set<string>();
  for (;;) {
    let appliedNow = 0;
    let full = false;
    const page: { updated: string }[] = [];
    for await (const row of spec.rows(ctx, from, folders)) {
      options.signal?.throwIfAborted();
      const id = (row as { id?: unknown }).id;
      const rowSecond = secondOf(row.updated);
      if (rowSecond === second && typeof id === 'string' && appliedInSecond.has(id)) continue;
      if (applyPage) page.push(row);
      else await spec.apply(ctx, row, folders);
      applied += 1;
      appliedNow += 1;
      if (rowSecond !== second) {
        second = rowSecond;
        appliedInSecond.clear();
      }
      if (typeof id === 'string') appliedInSecond.add(id);
      if (!applyPage) {
        last = row.updated;
        await options.onRow?.();
        if (applied % 25 === 0) await cursor.save(last);
      }
      // Stop before the generator asks for the next offset; the next query starts at this row's second. Each round
      // applies `rowsPerQuery` new rows, so even a burst of rows in one second ends.
      if (appliedNow >= rowsPerQuery) {
        full = true;
        break;
      }
    }
    if (applyPage && page.length > 0) {
      await applyPage(ctx, page, folders);
      last = page[page.length - 1]!.updated;
      for (let i = 0; i < page.length; i += 1) await options.onRow?.();
      // Only after the whole page is applied: a crash mid-page replays the page (its rows are idempotent).
      await cursor.save(last);
    }
    if (!full || last === null) break;
    from = parseMoscow(last);
  }
  if (last !== null) await cursor.save(last);
  return applied;
}
