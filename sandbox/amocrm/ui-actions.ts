import { deleteCatalogElements } from './api/catalog-element-deletion.js';
import type { AccountState } from './state/account-state.js';
import { applyCustomFieldChanges, resolveCustomFields } from './state/custom-field-values.js';
import type { CatalogRecord } from './state/types.js';
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

  /**
   * A manager edits one custom field of a customer in the card (e.g. types new «Бонусные баллы»). The value goes
   * through the same checks as an API write (a bad value throws); `update_customer` is delivered like any edit.
   * `value: null` clears the field. The editor defaults to the first non-admin user (a manager).
   */
  editCustomerField(subdomain: string, customerId: number, fieldCode: string, value: string | number | boolean | null, userId?: number): boolean {
    const account = this.account(subdomain);
    const customer = account.customers.get(customerId);
    if (!customer || customer.is_deleted) return false;
    const { changes, errors } = resolveCustomFields(account.fieldsOf('customers'), [{ field_code: fieldCode, values: value === null ? null : [{ value }] }]);
    if (errors.length > 0) throw new Error(`Cannot set ${fieldCode} of customer ${customerId}: ${errors.map((e) => `${e.path}: ${e.detail}`).join('; ')}`);
    const editor = userId === undefined ? (account.data.users.find((u) => !u.isAdmin) ?? account.admin()) : account.user(userId);
    if (!editor) throw new Error(`User ${userId} is not in account ${subdomain}`);
    customer.custom_fields_values = applyCustomFieldChanges(customer.custom_fields_values, changes);
    customer.updated_at = Math.floor(this.nowMs() / 1000);
    customer.updated_by = editor.id;
    this.webhooks.dispatch(account, 'customers', 'update', [customerV2(account, customer)]);
    return true;
  }

  /** A user deletes a product in Списки → Товары. amoCRM documents no webhook for it (none is sent). */
  deleteCatalogElement(subdomain: string, elementId: number): boolean {
    return deleteCatalogElements({ nowMs: this.nowMs }, this.account(subdomain), [elementId]).length === 1;
  }

  /** An admin creates another list in Списки (e.g. a regular one next to «Товары»); returns its id. */
  addCatalog(subdomain: string, spec: { name: string; type?: CatalogRecord['type'] }): number {
    const account = this.account(subdomain);
    const admin = account.admin().id;
    const now = Math.floor(this.nowMs() / 1000);
    const id = account.nextId();
    const sort = Math.max(0, ...[...account.catalogs.values()].map((c) => c.sort)) + 10;
    account.catalogs.set(id, { id, name: spec.name, type: spec.type ?? 'regular', sort, can_add_elements: true, can_link_multiple: true, created_by: admin, updated_by: admin, created_at: now, updated_at: now });
    return id;
  }
}
