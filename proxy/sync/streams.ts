import type { StreamPosition } from '../db/repositories/sync-streams.js';
import { buildFilter, type FilterCondition } from '../moysklad/filter.js';
import { parseMoscow } from '../moysklad/moscow-time.js';
import { listPage } from '../moysklad/paginate.js';
import {
  bonusTransactionSchema,
  counterpartySchema,
  productFolderSchema,
  productSchema,
  retailDemandSchema,
  retailSalesReturnSchema,
  type BonusTransaction,
  type Counterparty,
  type Product,
  type ProductFolder,
  type RetailDemand,
  type RetailSalesReturn,
} from '../moysklad/schemas/entities.js';
import type { Document } from './rules/sales.js';
import type { RuleContext } from './rule-context.js';

/** The МойСклад collections the sync reads incrementally, oldest change first (`order=updated,asc;id`). */
export interface StreamRows {
  productfolder: ProductFolder;
  product: Product;
  counterparty: Counterparty;
  retaildemand: Document<RetailDemand>;
  retailsalesreturn: Document<RetailSalesReturn>;
  bonustransaction: BonusTransaction;
}
export type StreamName = keyof StreamRows;
type Keyed = { id: string; updated?: string | undefined };

export interface StreamSpec<Row> {
  /** One request: rows changed since `from` (inclusive, whole seconds), in `updated,id` order. */
  page(ctx: RuleContext, from: Date | undefined, offset: number): Promise<{ rows: Row[]; size: number; limit: number }>;
}

const INDIVIDUALS: FilterCondition[] = [
  // Repeating `=` on one field means OR in МойСклад filters.
  ['companyType', '=', 'individual'],
  ['companyType', '=', 'individualKZ'],
  ['companyType', '=', 'individualUZ'],
];
const ORDER = 'updated,asc;id';
const filterFrom = (base: FilterCondition[], from: Date | undefined) => {
  const conditions = from ? [...base, ['updated', '>=', from] as FilterCondition] : base;
  return conditions.length > 0 ? buildFilter(conditions) : undefined;
};

/** Plain lists go 1,000 rows a request (the maximum); expanded ones 100 (the maximum with `expand`). */
const STREAMS: { [Name in StreamName]: StreamSpec<StreamRows[Name]> } = {
  productfolder: { page: (ctx, from, offset) => listPage(ctx.ms.transport, '/entity/productfolder', { filter: filterFrom([], from), order: ORDER }, productFolderSchema, { offset }) },
  product: { page: (ctx, from, offset) => listPage(ctx.ms.transport, '/entity/product', { filter: filterFrom([], from), order: ORDER }, productSchema, { offset }) },
  counterparty: { page: (ctx, from, offset) => listPage(ctx.ms.transport, '/entity/counterparty', { filter: filterFrom(INDIVIDUALS, from), order: ORDER }, counterpartySchema, { offset }) },
  retaildemand: {
    async page(ctx, from, offset) {
      const page = await listPage(ctx.ms.transport, '/entity/retaildemand', { filter: filterFrom([], from), expand: 'positions.assortment,agent', order: ORDER }, retailDemandSchema, { offset });
      return { ...page, rows: await Promise.all(page.rows.map((doc) => ctx.ms.retail.withAllPositions('retaildemand', doc))) };
    },
  },
  retailsalesreturn: {
    async page(ctx, from, offset) {
      const page = await listPage(ctx.ms.transport, '/entity/retailsalesreturn', { filter: filterFrom([], from), expand: 'positions.assortment', order: ORDER }, retailSalesReturnSchema, { offset });
      return { ...page, rows: await Promise.all(page.rows.map((doc) => ctx.ms.retail.withAllPositions('retailsalesreturn', doc))) };
    },
  },
  bonustransaction: { page: (ctx, from, offset) => listPage(ctx.ms.transport, '/entity/bonustransaction', { filter: filterFrom([], from), order: ORDER }, bonusTransactionSchema, { offset }) },
};

/**
 * Re-read this much before the position when the stream has not settled: several changes share one second, and a
 * change may commit a moment after a later one was already readable. Rows seen there are deduplicated by
 * `id@updated` (`recent`), so nothing is applied twice.
 */
export const OVERLAP_MS = 5_000;
/**
 * After a read reached the end of the stream, every change older than this (relative to that read) was readable
 * then: from the next pass on the stream starts at the second after its position and never reads that bulk again.
 */
export const SETTLE_MS = 60_000;
const MAX_RECENT = 1_000;

export interface StreamPage<Row> {
  /** Rows not applied before, in `updated,id` order. */
  rows: Row[];
  /** The stream's position once `rows` are applied: save it after applying them (never before). */
  position: StreamPosition;
  /** Rows the query matched (`meta.size` of the first request): the import's progress total. */
  size: number;
  /** When the request that returned these rows was sent (our clock): the rows are at least this fresh. */
  readAt: number;
}

const msOf = (updated: string) => parseMoscow(updated).getTime();
const recentKey = (row: Keyed) => `${row.id}@${row.updated ?? ''}`;

/** (updated, id) order, the same as МойСклад's `order=updated,asc;id`. */
function compare(a: { updated: string; id: string }, b: { updated: string; id: string }): number {
  const byTime = msOf(a.updated) - msOf(b.updated);
  if (byTime !== 0) return byTime;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Where the next read of a stream starts, from its saved position (see OVERLAP_MS and SETTLE_MS). */
function startOf(position: StreamPosition): Date | undefined {
  if (position.updated === null) return undefined;
  const at = msOf(position.updated);
  const settled = position.reachedEndAt !== null && at < position.reachedEndAt - SETTLE_MS;
  // Filters go out at whole seconds: the second after the position's second holds nothing applied yet.
  return settled ? new Date(Math.floor(at / 1000) * 1000 + 1000) : new Date(at - OVERLAP_MS);
}

/**
 * Reads a stream from its position, a page per request, keyset style: each request starts again at the second of
 * the last row read (filters are whole seconds), rows up to the position are skipped, and only a full page of rows
 * already applied (a burst in one second bigger than a page) pages on by offset. Offset paging alone would skip a
 * row whenever an earlier row is updated meanwhile (it moves to the end and every row behind it shifts forward).
 */
export function readStream<Name extends StreamName>(ctx: RuleContext, name: Name, start: StreamPosition): AsyncGenerator<StreamPage<StreamRows[Name]>> {
  return readPages(ctx, STREAMS[name] as StreamSpec<StreamRows[Name]>, start);
}

/** `readStream` over any spec (tests drive it with a collection that changes while it is read). */
export async function* readPages<Row extends Keyed>(ctx: RuleContext, spec: StreamSpec<Row>, start: StreamPosition): AsyncGenerator<StreamPage<Row>> {
  let position: StreamPosition = { ...start, recent: [...start.recent] };
  const recent = new Set(position.recent);
  let from = startOf(position);
  const overlapFrom = position.updated === null ? null : msOf(position.updated) - OVERLAP_MS;
  let offset = 0;
  let size: number | null = null;
  for (;;) {
    ctx.signal?.throwIfAborted();
    const sentAt = Date.now();
    const page = await spec.page(ctx, from, offset);
    size ??= page.size;
    const done = (row: Row) => {
      if (position.updated === null || position.id === null || row.updated === undefined) return false;
      if (compare({ updated: row.updated, id: row.id }, { updated: position.updated, id: position.id }) > 0) return false;
      // Up to the position: applied, unless it is a late commit inside the overlap window that we never saw.
      return recent.has(recentKey(row)) || overlapFrom === null || msOf(row.updated) < overlapFrom;
    };
    const rows = page.rows;
    const fresh = rows.filter((row) => !done(row));
    const end = rows.length < page.limit;
    if (fresh.length === 0 && !end) {
      offset += rows.length;
      continue;
    }
    for (const row of fresh) {
      recent.add(recentKey(row));
      if (row.updated !== undefined && (position.updated === null || position.id === null || compare({ updated: row.updated, id: row.id }, { updated: position.updated, id: position.id }) > 0)) {
        position = { ...position, updated: row.updated, id: row.id };
      }
    }
    position = { ...position, reachedEndAt: end ? sentAt : null, recent: trimRecent(recent, position.updated) };
    yield { rows: fresh, position, size, readAt: sentAt };
    if (end) return;
    const last = rows[rows.length - 1]!;
    from = last.updated === undefined ? from : new Date(Math.floor(msOf(last.updated) / 1000) * 1000);
    offset = 0;
  }
}

/** Keeps the keys of rows within the overlap window before the position (older ones are never re-read). */
function trimRecent(recent: Set<string>, positionUpdated: string | null): string[] {
  if (positionUpdated === null) return [];
  const oldest = msOf(positionUpdated) - OVERLAP_MS - 1000;
  const kept = [...recent].filter((key) => {
    const updated = key.slice(key.indexOf('@') + 1);
    return updated !== '' && msOf(updated) >= oldest;
  });
  return kept.slice(-MAX_RECENT);
}

