import { runBatch, type BatchOptions, type BatchOutcome } from '../batch.js';
import { collect, MAX_PAGE_SIZE, paginateHal } from '../paginate.js';
import { contactSchema, writeAnswerSchema, type Contact, type Written } from '../schemas/entities.js';
import type { AmoTransport } from '../transport.js';

export type ContactWrite = Record<string, unknown> & { request_id?: string };
export type ContactUpdate = ContactWrite & { id: number };

/** Digits only, for comparing phones written in different formats. */
const digits = (value: string) => value.replace(/\D/g, '');

export class ContactsApi {
  constructor(private readonly transport: AmoTransport) {}

  /**
   * Contacts whose PHONE or EMAIL equals `phoneOrEmail`. `query` is a full-text search (and may be deprecated
   * soon — kept in this one function), so its hits are re-checked here against the actual field values.
   */
  async findByPhoneOrEmail(phoneOrEmail: string): Promise<Contact[]> {
    const wanted = phoneOrEmail.trim().toLowerCase();
    const isEmail = wanted.includes('@');
    const hits = await collect(paginateHal(this.transport, '/api/v4/contacts', 'contacts', contactSchema, { query: isEmail ? wanted : digits(wanted).slice(-10) }));
    return hits.filter((contact) =>
      (contact.custom_fields_values ?? []).some((field) => {
        if (field.field_code !== (isEmail ? 'EMAIL' : 'PHONE')) return false;
        return (field.values ?? []).some((entry) => {
          const value = String(entry.value ?? '').toLowerCase();
          // Compare the last 10 digits: +7 900…, 8 900… and 900… are the same Russian number.
          return isEmail ? value === wanted : digits(value).slice(-10) === digits(wanted).slice(-10) && digits(wanted).length >= 10;
        });
      }),
    );
  }

  get(id: number): Promise<Contact | null> {
    return this.transport.request({ method: 'GET', path: `/api/v4/contacts/${id}`, schema: contactSchema });
  }

  /**
   * Every contact of the account, 250 a page (`GET /api/v4/contacts`), in amoCRM's order or `order[id]` (the import's
   * duplicate check reads them once instead of searching per buyer).
   */
  iterate(options: { order?: 'asc' | 'desc'; withCustomers?: boolean } = {}): AsyncGenerator<Contact> {
    return paginateHal(this.transport, '/api/v4/contacts', 'contacts', contactSchema, { 'order[id]': options.order, with: options.withCustomers ? 'customers' : undefined }, MAX_PAGE_SIZE);
  }

  /** Ids of the customers linked to a contact (`GET /api/v4/contacts/{id}?with=customers`); none for an unknown contact. */
  async customersOf(contactId: number): Promise<number[]> {
    const contact = await this.transport.request({ method: 'GET', path: `/api/v4/contacts/${contactId}`, query: { with: 'customers' }, schema: contactSchema });
    return contact?._embedded?.customers?.map((customer) => customer.id) ?? [];
  }

  createBatch(items: readonly ContactWrite[], options?: BatchOptions): Promise<BatchOutcome<ContactWrite, Written>> {
    return runBatch(items, (chunk) => this.write('POST', chunk), options);
  }

  updateBatch(items: readonly ContactUpdate[], options?: BatchOptions): Promise<BatchOutcome<ContactUpdate, Written>> {
    return runBatch(items, (chunk) => this.write('PATCH', chunk), options);
  }

  private async write(method: 'POST' | 'PATCH', chunk: unknown[]): Promise<Written[]> {
    const answer = await this.transport.request({ method, path: '/api/v4/contacts', body: chunk, schema: writeAnswerSchema('contacts') });
    return answer?._embedded.contacts ?? [];
  }
}
