import { buildFilter, type FilterCondition } from '../filter.js';
import { collect, paginate } from '../paginate.js';
import { positionSchema, retailDemandSchema, retailSalesReturnSchema, type Position, type RetailDemand, type RetailSalesReturn } from '../schemas/entities.js';
import type { MoySkladTransport } from '../transport.js';

export interface IterateRetailOptions {
  updatedSince?: Date;
  /** Only sales of these retail points (their `meta.href`), i.e. the configured «Касса МойСклад» points. */
  retailStoreHrefs?: readonly string[];
  filter?: readonly FilterCondition[];
}

/** A retail document whose `positions.rows` is guaranteed to hold every position. */
export type WithAllPositions<T> = T & { allPositions: Position[] };

function retailFilter(options: IterateRetailOptions): string | undefined {
  const conditions: FilterCondition[] = [...(options.filter ?? [])];
  if (options.updatedSince) conditions.push(['updated', '>=', options.updatedSince]);
  // Repeating `=` on one field means OR.
  for (const href of options.retailStoreHrefs ?? []) conditions.push(['retailStore', '=', href]);
  return conditions.length ? buildFilter(conditions) : undefined;
}

export class RetailApi {
  constructor(private readonly transport: MoySkladTransport) {}

  /**
   * Sales with their buyer and positions expanded (page size 100, the expand maximum). When a receipt has more
   * positions than the expansion returned, the rest are paged from `/positions` so no line is ever lost.
   */
  async *iterateRetailDemands(options: IterateRetailOptions = {}): AsyncGenerator<WithAllPositions<RetailDemand>> {
    const query = { filter: retailFilter(options), expand: 'agent,positions.assortment', order: 'updated,asc;id' };
    for await (const demand of paginate(this.transport, '/entity/retaildemand', query, retailDemandSchema)) {
      yield { ...demand, allPositions: await this.completePositions('retaildemand', demand) };
    }
  }

  async getRetailDemand(id: string): Promise<WithAllPositions<RetailDemand>> {
    const demand = await this.transport.request({
      method: 'GET',
      path: `/entity/retaildemand/${encodeURIComponent(id)}`,
      query: { expand: 'agent,positions.assortment' },
      schema: retailDemandSchema,
    });
    return { ...demand, allPositions: await this.completePositions('retaildemand', demand) };
  }

  async *iterateRetailSalesReturns(options: IterateRetailOptions = {}): AsyncGenerator<WithAllPositions<RetailSalesReturn>> {
    const query = { filter: retailFilter(options), expand: 'agent,positions.assortment', order: 'updated,asc;id' };
    for await (const doc of paginate(this.transport, '/entity/retailsalesreturn', query, retailSalesReturnSchema)) {
      yield { ...doc, allPositions: await this.completePositions('retailsalesreturn', doc) };
    }
  }

  async getRetailSalesReturn(id: string): Promise<WithAllPositions<RetailSalesReturn>> {
    const doc = await this.transport.request({
      method: 'GET',
      path: `/entity/retailsalesreturn/${encodeURIComponent(id)}`,
      query: { expand: 'agent,positions.assortment,demand' },
      schema: retailSalesReturnSchema,
    });
    return { ...doc, allPositions: await this.completePositions('retailsalesreturn', doc) };
  }

  iteratePositions(type: 'retaildemand' | 'retailsalesreturn', id: string): AsyncGenerator<Position> {
    return paginate(this.transport, `/entity/${type}/${encodeURIComponent(id)}/positions`, { expand: 'assortment' }, positionSchema);
  }

  /** A document read from a list (positions expanded) with every position, paging `/positions` when needed. */
  async withAllPositions<T extends RetailDemand | RetailSalesReturn>(type: 'retaildemand' | 'retailsalesreturn', doc: T): Promise<WithAllPositions<T>> {
    return { ...doc, allPositions: await this.completePositions(type, doc) };
  }

  private async completePositions(type: 'retaildemand' | 'retailsalesreturn', doc: RetailDemand | RetailSalesReturn): Promise<Position[]> {
    const positions = doc.positions;
    if (!positions) return collect(this.iteratePositions(type, doc.id));
    const rows = positions.rows ?? [];
    if (rows.length >= positions.meta.size) return rows;
    return collect(this.iteratePositions(type, doc.id));
  }
}
