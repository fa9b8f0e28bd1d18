import { MoySkladError } from '../errors.js';
import { buildFilter, type FilterCondition } from '../filter.js';
import { collect, MAX_PAGE_SIZE, paginate } from '../paginate.js';
import { listEnvelopeSchema } from '../schemas/common.js';
import { bonusProgramSchema, bonusTransactionSchema, type BonusProgram, type BonusTransaction } from '../schemas/entities.js';
import type { MoySkladTransport } from '../transport.js';

export interface NewBonusTransaction {
  /**
   * Our operation key (e.g. the widget's Idempotency-Key). Stored in `externalCode`, the only filterable key a
   * bonustransaction has (it has no syncId), and used to find an earlier attempt instead of writing twice.
   */
  operationKey: string;
  counterpartyHref: string;
  bonusProgramHref: string;
  transactionType: 'EARNING' | 'SPENDING';
  /** Whole points, > 0. */
  bonusValue: number;
  description?: string;
  /** The sale the points belong to, if any (retaildemand or retailsalesreturn href). */
  parentDocumentHref?: string;
}

const ref = (href: string, type: string) => ({ meta: { href, type, mediaType: 'application/json' } });

export interface BonusTransactionsQuery {
  /** `updated>=` (whole seconds, Moscow time, rounded toward more rows): operations changed since. */
  updatedSince?: Date;
  /** `created>=`: operations created since. */
  createdSince?: Date;
  /** `agent=`: one buyer's operations. */
  agentHref?: string;
  /** `agent=` several buyers (repeated `=` is OR); combined with `agentHref`. */
  agentHrefs?: readonly string[];
}

export class BonusApi {
  constructor(private readonly transport: MoySkladTransport) {}

  /** The program currently active on the account, or null (only one can be active: error 3020). */
  async activeProgram(): Promise<BonusProgram | null> {
    const programs = await collect(paginate(this.transport, '/entity/bonusprogram', {}, bonusProgramSchema));
    return programs.find((program) => program.active) ?? null;
  }

  getTransaction(id: string): Promise<BonusTransaction> {
    return this.transport.request({ method: 'GET', path: `/entity/bonustransaction/${encodeURIComponent(id)}`, schema: bonusTransactionSchema });
  }

  async findTransactionByKey(operationKey: string): Promise<BonusTransaction | undefined> {
    const page = await this.transport.request({
      method: 'GET',
      path: '/entity/bonustransaction',
      query: { filter: buildFilter([['externalCode', '=', operationKey]]), limit: 2 },
      schema: listEnvelopeSchema(bonusTransactionSchema),
    });
    if (page.rows.length > 1) throw new MoySkladError(`two bonus transactions carry operation key ${operationKey}`);
    return page.rows[0];
  }

  /**
   * Creates the operation exactly once per `operationKey`. It looks for the key first (a previous run may have
   * written it and then crashed), and after an ambiguous failure (timeout, 5xx) it looks again before retrying.
   * No `executionDate`: МойСклад then processes it immediately; no `name`: it may have to be unique (unconfirmed).
   */
  async createTransaction(input: NewBonusTransaction): Promise<BonusTransaction> {
    if (!Number.isSafeInteger(input.bonusValue) || input.bonusValue <= 0) throw new RangeError('bonusValue must be a positive integer');
    if (!input.operationKey || input.operationKey.length > 255) throw new RangeError('operationKey must be 1..255 characters');
    const existing = await this.findTransactionByKey(input.operationKey);
    if (existing) return existing;
    return this.transport.request({
      method: 'POST',
      path: '/entity/bonustransaction',
      body: {
        externalCode: input.operationKey,
        agent: ref(input.counterpartyHref, 'counterparty'),
        bonusProgram: ref(input.bonusProgramHref, 'bonusprogram'),
        transactionType: input.transactionType,
        bonusValue: input.bonusValue,
        applicable: true,
        ...(input.description ? { description: input.description } : {}),
        ...(input.parentDocumentHref ? { parentDocument: ref(input.parentDocumentHref, input.parentDocumentHref.includes('/retailsalesreturn/') ? 'retailsalesreturn' : 'retaildemand') } : {}),
      },
      schema: bonusTransactionSchema,
      idempotent: false,
      recover: () => this.findTransactionByKey(input.operationKey),
    });
  }

  /**
   * Bonus operations of the whole account (or of some buyers), 1000 a page, oldest change first
   * (`order=updated,asc;id`): read them in bulk and match them to sales by `parentDocument` in memory — that field is
   * not filterable (md/dictionaries/_bonus_operation.md), so one listing per sale would be both slow and useless.
   */
  iterateAll(query: BonusTransactionsQuery = {}): AsyncGenerator<BonusTransaction> {
    const conditions: FilterCondition[] = [];
    if (query.updatedSince) conditions.push(['updated', '>=', query.updatedSince]);
    if (query.createdSince) conditions.push(['created', '>=', query.createdSince]);
    for (const href of [...(query.agentHref ? [query.agentHref] : []), ...(query.agentHrefs ?? [])]) conditions.push(['agent', '=', href]);
    return paginate(this.transport, '/entity/bonustransaction', { filter: conditions.length ? buildFilter(conditions) : undefined, order: 'updated,asc;id' }, bonusTransactionSchema, MAX_PAGE_SIZE);
  }

  iterateTransactions(counterpartyHref: string): AsyncGenerator<BonusTransaction> {
    return paginate(this.transport, '/entity/bonustransaction', { filter: buildFilter([['agent', '=', counterpartyHref]]) }, bonusTransactionSchema);
  }
}

