import { deleteCatalogElements } from './api/catalog-element-deletion.js';
import type { AccountState } from './state/account-state.js';
import type { WebhookDispatcher } from './webhooks/dispatcher.js';
import { contactV2, customerV2, deletedV2 } from './webhooks/v2-payloads.js';

/**
 * What users do in amoCRM's web UI that the API cannot (deletions) or that must look like a human edit. Each action
 * fires the webhook amoCRM would send and returns false when the entity does not exist.
 */
export class UiActions {
  constructor(
    private readonly account: (subdomain: string) => AccountState,
    private readonly webhooks: WebhookDispatcher,
    private readonly nowMs: () => number,
  ) {}

  deleteCustomer(subdomain: string, customerId: number): boolean {
    const account = this.account(subdomain);
    const customer = account.customers.get(customerId);
    if (!customer || customer.is_deleted) return false;
    customer.is_deleted = true;
    account.links = account.links.filter((l) => l.customer_id !== customerId);
    this.webhooks.dispatch(account, 'customers', 'delete', [deletedV2(customerId)]);
    return true;
  }

  deleteContact(subdomain: string, contactId: number): boolean {
    const account = this.account(subdomain);
    const contact = account.contacts.get(contactId);
    if (!contact || contact.is_deleted) return false;
    contact.is_deleted = true;
    account.links = account.links.filter((l) => !(l.to_entity_type === 'contacts' && l.to_entity_id === contactId));
    this.webhooks.dispatch(account, 'contacts', 'delete', [deletedV2(contactId, { type: 'contact' })]);
    return true;
  }

  renameCustomer(subdomain: string, customerId: number, name: string): boolean {
    const account = this.account(subdomain);
    const customer = account.customers.get(customerId);
    if (!customer || customer.is_deleted) return false;
    customer.name = name;
    customer.updated_at = Math.floor(this.nowMs() / 1000);
    this.webhooks.dispatch(account, 'customers', 'update', [customerV2(account, customer)]);
    return true;
  }

  renameContact(subdomain: string, contactId: number, name: string): boolean {
    const account = this.account(subdomain);
    const contact = account.contacts.get(contactId);
    if (!contact || contact.is_deleted) return false;
    contact.name = name;
    contact.updated_at = Math.floor(this.nowMs() / 1000);
    this.webhooks.dispatch(account, 'contacts', 'update', [contactV2(account, contact)]);
    return true;
  }

  /** Payload shape of the catalog deletion hook is unconfirmed (reference §8.2). */
  deleteCatalogElement(subdomain: string, elementId: number): boolean {
    return deleteCatalogElements({ nowMs: this.nowMs, webhooks: this.webhooks }, this.account(subdomain), [elementId]).length === 1;
  }
}
