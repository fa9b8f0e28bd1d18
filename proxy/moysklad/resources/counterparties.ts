import { buildFilter, type FilterCondition } from '../filter.js';
import { paginate } from '../paginate.js';
import { counterpartySchema, type Counterparty } from '../schemas/entities.js';
import type { MoySkladTransport } from '../transport.js';

export interface ListCounterpartiesOptions {
  filter?: readonly FilterCondition[];
  /** Context search over name, code, card number, e-mail, phone (substring). */
  search?: string;
  order?: string;
  pageSize?: number;
}

export interface NewIndividual {
  name: string;
  legalFirstName?: string;
  legalLastName?: string;
  legalMiddleName?: string;
  phone?: string;
  email?: string;
  discountCardNumber?: string;
  tags?: string[];
  externalCode?: string;
  /**
   * Client-generated UUID: МойСклад returns the already-created object when the same syncId is sent again, which
   * makes the create safe to retry after a timeout.
   */
  syncId: string;
}

export type CounterpartyPatch = Partial<Omit<NewIndividual, 'syncId'>> & Record<string, unknown>;

export class CounterpartiesApi {
  constructor(private readonly transport: MoySkladTransport) {}

  iterate(options: ListCounterpartiesOptions = {}): AsyncGenerator<Counterparty> {
    const query = {
      filter: options.filter && options.filter.length > 0 ? buildFilter(options.filter) : undefined,
      search: options.search,
      order: options.order,
    };
    return paginate(this.transport, '/entity/counterparty', query, counterpartySchema, options.pageSize);
  }

  /** Private buyers changed since `updatedSince` (inclusive), oldest first — the incremental-sync read. */
  iterateIndividuals(updatedSince?: Date, pageSize?: number): AsyncGenerator<Counterparty> {
    const filter: FilterCondition[] = [['companyType', '=', 'individual']];
    if (updatedSince) filter.push(['updated', '>=', updatedSince]);
    return this.iterate({ filter, order: 'updated,asc;id', ...(pageSize ? { pageSize } : {}) });
  }

  get(id: string): Promise<Counterparty> {
    return this.transport.request({ method: 'GET', path: `/entity/counterparty/${encodeURIComponent(id)}`, schema: counterpartySchema });
  }

  createIndividual(input: NewIndividual): Promise<Counterparty> {
    return this.transport.request({
      method: 'POST',
      path: '/entity/counterparty',
      body: { ...input, companyType: 'individual' },
      schema: counterpartySchema,
      idempotent: true, // syncId dedupes on the server
    });
  }

  update(id: string, patch: CounterpartyPatch): Promise<Counterparty> {
    return this.transport.request({ method: 'PUT', path: `/entity/counterparty/${encodeURIComponent(id)}`, body: patch, schema: counterpartySchema });
  }
}
