import { z } from 'zod';
import { MAX_BATCH_SIZE, runBatch, type BatchOptions, type BatchOutcome } from '../batch.js';
import { AmoError, AmoValidationError } from '../errors.js';
import { MAX_PAGE_SIZE, paginateHal } from '../paginate.js';
import {
  customerSchema, customersModeSchema, customFieldSchema, linkSchema, noteSchema, transactionSchema, writeAnswerSchema,
  type CustomField, type Customer, type Link, type Note, type Transaction, type Written,
} from '../schemas/entities.js';
import type { AmoTransport, QueryValue } from '../transport.js';

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

/** A note for `POST /api/v4/customers/notes`: the customer is named by `entity_id`. */
export interface CustomerNoteWrite extends NoteWrite {
  entity_id: number;
}

/** One item of `POST /api/v4/customers/link` (crm_platform/entity-links-api «Массовая привязка сущностей»). */
export interface BulkLinkSpec extends LinkSpec {
  entity_id: number;
  /** Our key for matching the outcome back; never sent (the documented link item has none). */
  request_id?: string;
}

/** A link as amoCRM answered it, with the `request_id` runBatch tagged its item with. */
export type LinkWritten = Link & { request_id: string };

export type NoteType = 'common' | 'call_in' | 'call_out' | 'service_message' | 'message_cashier' | 'geolocation' | 'sms_in' | 'sms_out' | 'extended_service_message' | 'attachment';

export interface NotesQuery {
  /** `filter[note_type]`, one or many. */
  noteTypes?: readonly NoteType[];
  /** Unix seconds: notes changed at or after (`filter[updated_at][from]`). */
  updatedFrom?: number;
  /** Unix seconds: notes changed at or before (`filter[updated_at][to]`). */
  updatedTo?: number;
  /** `order[id]`; without it amoCRM's own order. */
  order?: 'asc' | 'desc';
}

const linksAnswerSchema = z.looseObject({ _embedded: z.looseObject({ links: z.array(linkSchema) }) });

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
   * Links many customers at once (`POST /api/v4/customers/link`, items carry `entity_id`), 250 a request unless
   * `options.batchSize` says otherwise. The documented link item has no `request_id`, so none is sent: amoCRM then
   * names items by their position in the request, which is how answers and validation errors are matched back.
   */
  linkMany(links: readonly BulkLinkSpec[], options?: BatchOptions): Promise<BatchOutcome<BulkLinkSpec, LinkWritten>> {
    return runBatch(links, async (chunk) => {
      const body = chunk.map(({ request_id: _tag, ...link }) => link);
      let answer: z.infer<typeof linksAnswerSchema> | null;
      try {
        answer = await this.transport.request({ method: 'POST', path: '/api/v4/customers/link', body, schema: linksAnswerSchema });
      } catch (error) {
        if (!(error instanceof AmoValidationError)) throw error;
        const items = error.items.map((entry) => ({ ...entry, requestId: chunk[Number(entry.requestId)]?.request_id ?? entry.requestId }));
        throw new AmoValidationError(error.message, { status: error.status, requestId: error.requestId, method: error.method, url: error.url, detail: error.detail, items });
      }
      return (answer?._embedded.links ?? []).map((link, index) => {
        const sent = chunk[index];
        if (!sent || link.entity_id !== sent.entity_id || link.to_entity_id !== sent.to_entity_id) throw new AmoError('amoCRM answered POST /customers/link in an order other than the request');
        return { ...link, request_id: sent.request_id };
      });
    }, { batchSize: MAX_BATCH_SIZE, ...options });
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

  /** Notes on many customers at once (`POST /api/v4/customers/notes`, each with `entity_id`), 250 a request by default. */
  addNotesMany(notes: readonly CustomerNoteWrite[], options?: BatchOptions): Promise<BatchOutcome<CustomerNoteWrite, Written>> {
    return runBatch(notes, (chunk) => this.write('POST', '/api/v4/customers/notes', 'notes', chunk), { batchSize: MAX_BATCH_SIZE, ...options });
  }

  /** One customer's notes, 250 a page (`GET /api/v4/customers/{id}/notes`); a customer without notes yields nothing. */
  iterateNotes(customerId: number, query: NotesQuery = {}): AsyncGenerator<Note> {
    return paginateHal(this.transport, `/api/v4/customers/${customerId}/notes`, 'notes', noteSchema, notesQuery(query), MAX_PAGE_SIZE);
  }

  /**
   * Notes of many customers (`GET /api/v4/customers/notes?filter[entity_id][]=…`), 250 a page. Without
   * `customerIds`, the notes of every customer of the account.
   */
  iterateNotesOf(customerIds: readonly number[] | null, query: NotesQuery = {}): AsyncGenerator<Note> {
    const ids: Record<string, QueryValue> = {};
    (customerIds ?? []).forEach((id, index) => (ids[`filter[entity_id][${index}]`] = id));
    return paginateHal(this.transport, '/api/v4/customers/notes', 'notes', noteSchema, { ...ids, ...notesQuery(query) }, MAX_PAGE_SIZE);
  }

  /**
   * The id of the customer's first note whose text contains `marker`, or null. Our notes end with a marker naming
   * the МойСклад document, so a retry after a crash finds the note it wrote instead of writing a second one.
   */
  async findNoteContaining(customerId: number, marker: string, query: NotesQuery = {}): Promise<number | null> {
    for await (const note of this.iterateNotes(customerId, query)) if (note.params?.text?.includes(marker)) return note.id;
    return null;
  }

  /** Full-text search over the customers' filled fields (`query`), 250 a page; callers re-check the hits. */
  search(text: string): AsyncGenerator<Customer> {
    return paginateHal(this.transport, '/api/v4/customers', 'customers', customerSchema, { query: text }, MAX_PAGE_SIZE);
  }

  /** One customer's purchases, 250 a page (`GET /api/v4/customers/{id}/transactions`). */
  iterateTransactions(customerId: number): AsyncGenerator<Transaction> {
    return paginateHal(this.transport, `/api/v4/customers/${customerId}/transactions`, 'transactions', transactionSchema, {}, MAX_PAGE_SIZE);
  }

  /** The id of the customer's first purchase whose comment contains `marker`, or null (same recovery as notes). */
  async findTransactionContaining(customerId: number, marker: string): Promise<number | null> {
    for await (const transaction of this.iterateTransactions(customerId)) if (transaction.comment?.includes(marker)) return transaction.id;
    return null;
  }

  /**
   * Customers whose custom field `fieldCode` holds exactly `value` (e.g. our МойСклад id field). amoCRM's documented
   * search is `query` over filled fields (filtering by field values is a paid add-on), so every hit is re-checked.
   */
  async findByFieldValue(fieldCode: string, value: string): Promise<Customer[]> {
    const hits: Customer[] = [];
    for await (const customer of this.search(value)) {
      if (customer.custom_fields_values?.some((field) => field.field_code === fieldCode && field.values?.some((entry) => String(entry.value) === value))) hits.push(customer);
    }
    return hits;
  }

  private async write(method: 'POST' | 'PATCH', path: string, key: string, chunk: unknown[], query?: Record<string, string>): Promise<Written[]> {
    const answer = await this.transport.request({ method, path, body: chunk, schema: writeAnswerSchema(key), ...(query ? { query } : {}) });
    return (answer?._embedded[key] ?? []) as Written[];
  }
}

function notesQuery(query: NotesQuery): Record<string, QueryValue> {
  const out: Record<string, QueryValue> = {};
  (query.noteTypes ?? []).forEach((type, index) => (out[`filter[note_type][${index}]`] = type));
  if (query.updatedFrom !== undefined) out['filter[updated_at][from]'] = query.updatedFrom;
  if (query.updatedTo !== undefined) out['filter[updated_at][to]'] = query.updatedTo;
  if (query.order) out['order[id]'] = query.order;
  return out;
}
