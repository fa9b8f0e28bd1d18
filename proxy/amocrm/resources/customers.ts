import { z } from 'zod';
import { runBatch, type BatchOptions, type BatchOutcome } from '../batch.js';
import { AmoError } from '../errors.js';
import { paginateHal } from '../paginate.js';
import {
  customerSchema,
  customersModeSchema,
  customFieldSchema,
  linkSchema,
  noteSchema,
  transactionSchema,
  writeAnswerSchema,
  type CustomField,
  type Customer,
  type Note,
  type Transaction,
  type Written,
} from '../schemas/entities.js';
import type { AmoTransport } from '../transport.js';

export type CustomerWrite = Record<string, unknown> & { request_id?: string };
export type CustomerUpdate = CustomerWrite & { id: number };

export interface CustomFieldSpec {
  code: string;
  name: string;
  type: 'text' | 'numeric' | 'textarea' | 'url' | 'date' | 'checkbox';
  sort?: number;
}

export interface LinkSpec {
  to_entity_id: number;
  to_entity_type: 'contacts' | 'companies' | 'catalog_elements';
  metadata?: { is_main?: boolean; catalog_id?: number; quantity?: number; price_id?: number };
}

/** One item of the bulk link `POST /api/v4/customers/link`: the customer is named in `entity_id`. */
export interface BulkLinkSpec extends LinkSpec {
  entity_id: number;
  request_id?: string;
}

export interface TransactionWrite extends Record<string, unknown> {
  /** Whole roubles: amoCRM's `price` is int. */
  price: number;
  comment?: string;
  completed_at?: number;
  request_id?: string;
  _embedded?: { catalog_elements?: Array<{ id: number; metadata: { catalog_id: number; quantity: number } }> };
}

export interface NoteWrite extends Record<string, unknown> {
  /** The customer; required by the bulk `POST /api/v4/customers/notes`, ignored by the per-customer route. */
  entity_id?: number;
  note_type: 'common' | 'service_message' | 'extended_service_message';
  params: { text: string; service?: string };
  request_id?: string;
}

const unknownBody = z.unknown();

export class CustomersApi {
  constructor(private readonly transport: AmoTransport) {}

  /** Admin only. 402 = the tariff does not allow customers. */
  async setMode(mode: 'segments' | 'periodicity', isEnabled = true): Promise<void> {
    await this.transport.request({ method: 'PATCH', path: '/api/v4/customers/mode', body: { mode, is_enabled: isEnabled }, schema: customersModeSchema });
  }

  createBatch(items: readonly CustomerWrite[], options?: BatchOptions): Promise<BatchOutcome<CustomerWrite, Written>> {
    return runBatch(items, (chunk) => this.write('POST', '/api/v4/customers', 'customers', chunk), options);
  }

  updateBatch(items: readonly CustomerUpdate[], options?: BatchOptions): Promise<BatchOutcome<CustomerUpdate, Written>> {
    return runBatch(items, (chunk) => this.write('PATCH', '/api/v4/customers', 'customers', chunk), options);
  }

  /** null when amoCRM answers 204 (no such customer). */
  get(id: number, options: { withContacts?: boolean } = {}): Promise<Customer | null> {
    return this.transport.request({ method: 'GET', path: `/api/v4/customers/${id}`, query: { with: options.withContacts ? 'contacts' : undefined }, schema: customerSchema });
  }

  iterate(query: Record<string, string | number | undefined> = {}): AsyncGenerator<Customer> {
    return paginateHal(this.transport, '/api/v4/customers', 'customers', customerSchema, query);
  }

  /** Creates only the fields whose `code` is missing; returns code → field id for all of `specs`. Safe to repeat. */
  async ensureCustomFields(specs: readonly CustomFieldSpec[]): Promise<Map<string, number>> {
    const byCode = new Map<string, number>();
    for await (const field of paginateHal(this.transport, '/api/v4/customers/custom_fields', 'custom_fields', customFieldSchema)) {
      if (field.code) byCode.set(field.code, field.id);
    }
    const missing = specs.filter((spec) => !byCode.has(spec.code));
    if (missing.length > 0) {
      const answer = await this.transport.request({ method: 'POST', path: '/api/v4/customers/custom_fields', body: missing, schema: writeAnswerSchema('custom_fields') });
      const created = answer?._embedded.custom_fields ?? [];
      if (created.length !== missing.length) {
        // Answer ids come back in request order; re-read instead of guessing when the counts differ.
        return this.ensureCustomFields(specs);
      }
      created.forEach((field, index) => byCode.set(missing[index]!.code, field.id));
    }
    return new Map(specs.map((spec) => [spec.code, byCode.get(spec.code)!]));
  }

  async listCustomFields(): Promise<CustomField[]> {
    const out: CustomField[] = [];
    for await (const field of paginateHal(this.transport, '/api/v4/customers/custom_fields', 'custom_fields', customFieldSchema)) out.push(field);
    return out;
  }

  async link(customerId: number, links: readonly LinkSpec[]): Promise<void> {
    await this.transport.request({ method: 'POST', path: `/api/v4/customers/${customerId}/link`, body: links, schema: z.looseObject({ _embedded: z.looseObject({ links: z.array(linkSchema) }) }).or(unknownBody) });
  }

  /**
   * Links in bulk (`POST /api/v4/customers/link`, entity-links-api), up to 250 links a request: the initial import
   * links every new customer to its contact in a handful of requests instead of one per buyer.
   */
  linkMany(items: readonly BulkLinkSpec[], options?: BatchOptions): Promise<BatchOutcome<BulkLinkSpec, { request_id?: string }>> {
    return runBatch(items, async (chunk) => {
      const answer = await this.transport.request({
        method: 'POST',
        path: '/api/v4/customers/link',
        body: chunk,
        schema: z.looseObject({ _embedded: z.looseObject({ links: z.array(linkSchema) }) }),
      });
      // The answer lists links, not request ids: amoCRM answers the whole chunk or a validation error.
      const links = answer?._embedded.links ?? [];
      if (links.length !== chunk.length) throw new AmoError(`amoCRM answered ${links.length} links for ${chunk.length}`);
      return chunk.map((item) => ({ request_id: item.request_id }));
    }, options);
  }

  /** Notes on many customers at once (`POST /api/v4/customers/notes`, items carry `entity_id`), 250 a request. */
  addNotesMany(notes: readonly (NoteWrite & { entity_id: number })[], options?: BatchOptions): Promise<BatchOutcome<NoteWrite, Written>> {
    return runBatch(notes, (chunk) => this.write('POST', '/api/v4/customers/notes', 'notes', chunk), options);
  }

  /** A customer's notes, 250 a page (crash recovery looks for the one carrying our marker). */
  iterateNotes(customerId: number, query: Record<string, string | number | undefined> = {}): AsyncGenerator<Note> {
    return paginateHal(this.transport, `/api/v4/customers/${customerId}/notes`, 'notes', noteSchema, query);
  }

  /** A customer's purchases, 250 a page. */
  iterateTransactions(customerId: number): AsyncGenerator<Transaction> {
    return paginateHal(this.transport, `/api/v4/customers/${customerId}/transactions`, 'transactions', transactionSchema);
  }

  /** Full-text search over the customers' filled fields (`query`); callers re-check the hits. */
  search(text: string): AsyncGenerator<Customer> {
    return paginateHal(this.transport, '/api/v4/customers', 'customers', customerSchema, { query: text });
  }

  /**
   * Records purchases. `accrue_bonus=false`: МойСклад owns the points, amoCRM's own loyalty must not add any
   * (the parameter is used by the official SDK but its semantics are unconfirmed in the public docs).
   */
  createTransactions(customerId: number, items: readonly TransactionWrite[], options?: BatchOptions): Promise<BatchOutcome<TransactionWrite, Written>> {
    return runBatch(items, (chunk) => this.write('POST', `/api/v4/customers/${customerId}/transactions`, 'transactions', chunk, { accrue_bonus: 'false' }), options);
  }

  /** There is no update for transactions: delete and re-create. */
  async deleteTransaction(transactionId: number): Promise<void> {
    await this.transport.request({ method: 'DELETE', path: `/api/v4/customers/transactions/${transactionId}`, schema: unknownBody });
  }

  addNotes(customerId: number, notes: readonly NoteWrite[], options?: BatchOptions): Promise<BatchOutcome<NoteWrite, Written>> {
    return runBatch(notes, (chunk) => this.write('POST', `/api/v4/customers/${customerId}/notes`, 'notes', chunk), options);
  }

  private async write(method: 'POST' | 'PATCH', path: string, key: string, chunk: unknown[], query?: Record<string, string>): Promise<Written[]> {
    const answer = await this.transport.request({ method, path, body: chunk, schema: writeAnswerSchema(key), ...(query ? { query } : {}) });
    return (answer?._embedded[key] ?? []) as Written[];
  }
}

