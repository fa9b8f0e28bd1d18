import { catalogElementJson, contactJson, customerJson, customFieldJson, noteJson, transactionJson, webhookJson } from './api/serializers.js';
import type { AccountState } from './state/account-state.js';
import type { LinkRecord } from './state/types.js';

/**
 * Read-only view of the emulator state for the host page and tests. Everything is returned in the API v4 JSON shape
 * (deep copies), so callers can't mutate the emulator behind the API's back.
 */
export class EmulatorStore {
  constructor(
    private readonly accountOf: (subdomain: string) => AccountState,
    private readonly baseUrl: (subdomain: string) => string,
  ) {}

  customers(subdomain: string): Array<Record<string, unknown>> {
    const account = this.accountOf(subdomain);
    return account.liveCustomers().map((c) => customerJson(account, c, this.baseUrl(subdomain), new Set(['contacts', 'catalog_elements'])));
  }

  customer(subdomain: string, id: number): Record<string, unknown> | null {
    const account = this.accountOf(subdomain);
    const customer = account.customers.get(id);
    return customer && !customer.is_deleted ? customerJson(account, customer, this.baseUrl(subdomain), new Set(['contacts', 'catalog_elements'])) : null;
  }

  contacts(subdomain: string): Array<Record<string, unknown>> {
    const account = this.accountOf(subdomain);
    return [...account.contacts.values()].filter((c) => !c.is_deleted).map((c) => contactJson(account, c, this.baseUrl(subdomain), new Set(['customers'])));
  }

  notes(subdomain: string, customerId?: number): Array<Record<string, unknown>> {
    const account = this.accountOf(subdomain);
    return [...account.notes.values()].filter((n) => customerId === undefined || n.entity_id === customerId).map((n) => noteJson(account, n, this.baseUrl(subdomain)));
  }

  transactions(subdomain: string, customerId?: number): Array<Record<string, unknown>> {
    const account = this.accountOf(subdomain);
    return [...account.transactions.values()]
      .filter((t) => !t.is_deleted && (customerId === undefined || t.customer_id === customerId))
      .map((t) => ({ ...transactionJson(account, t, this.baseUrl(subdomain)), accrue_bonus: t.accrue_bonus }));
  }

  catalogElements(subdomain: string, catalogId?: number): Array<Record<string, unknown>> {
    const account = this.accountOf(subdomain);
    const id = catalogId ?? account.productsCatalogId;
    return [...account.catalogElements.values()].filter((e) => e.catalog_id === id && !e.is_deleted).map((e) => catalogElementJson(account, e, this.baseUrl(subdomain)));
  }

  productsCatalogId(subdomain: string): number {
    return this.accountOf(subdomain).productsCatalogId;
  }

  customerCustomFields(subdomain: string): Array<Record<string, unknown>> {
    const account = this.accountOf(subdomain);
    return account.fieldsOf('customers').map((f) => customFieldJson(account, f, this.baseUrl(subdomain)));
  }

  catalogCustomFields(subdomain: string, catalogId?: number): Array<Record<string, unknown>> {
    const account = this.accountOf(subdomain);
    return account.fieldsOf('catalogs', catalogId ?? account.productsCatalogId).map((f) => customFieldJson(account, f, this.baseUrl(subdomain)));
  }

  links(subdomain: string, customerId: number): LinkRecord[] {
    return structuredClone(this.accountOf(subdomain).linksOf(customerId));
  }

  /** Balance of amoCRM's own loyalty points (changed only by POST /customers/{id}/bonus_points). */
  bonusPoints(subdomain: string, customerId: number): number {
    return this.accountOf(subdomain).bonusPoints.get(customerId) ?? 0;
  }

  webhooks(subdomain: string): Array<Record<string, unknown>> {
    const account = this.accountOf(subdomain);
    return [...account.webhooks.values()].map((w) => webhookJson(account, w));
  }

  widget(subdomain: string, code: string): { installed: boolean; settings: Record<string, unknown> } | null {
    const installation = this.accountOf(subdomain).widgets.get(code);
    return installation ? structuredClone(installation) : null;
  }
}
