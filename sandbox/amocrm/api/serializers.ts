import type { AccountState } from '../state/account-state.js';
import type { CatalogElementRecord, CatalogRecord, ContactRecord, CustomFieldDef, CustomFieldValue, CustomerRecord, NoteRecord, TransactionRecord, WebhookRecord } from '../state/types.js';

/** API v4 JSON shapes of stored records. `base` is the account base URL `{origin}/a/{subdomain}`. */

const self = (href: string) => ({ self: { href } });
const fieldsOrNull = (values: CustomFieldValue[]) => (values.length === 0 ? null : values.map((v) => ({ ...v, values: v.values.map((x) => ({ ...x })) })));
const tagsOf = (tags: string[]) => tags.map((name, i) => ({ id: i + 1, name, color: null }));

export function customerJson(account: AccountState, c: CustomerRecord, base: string, include: Set<string> = new Set()): Record<string, unknown> {
  const { tags, segment_ids, custom_fields_values, ...plain } = c;
  const embedded: Record<string, unknown> = { segments: segment_ids.map((id) => ({ id })), tags: tagsOf(tags) };
  const links = account.linksOf(c.id);
  if (include.has('contacts')) {
    embedded['contacts'] = links.filter((l) => l.to_entity_type === 'contacts').map((l) => ({ id: l.to_entity_id, is_main: l.metadata.is_main ?? false, _links: self(`${base}/api/v4/contacts/${l.to_entity_id}`) }));
  }
  if (include.has('catalog_elements')) {
    embedded['catalog_elements'] = links
      .filter((l) => l.to_entity_type === 'catalog_elements')
      .map((l) => ({ id: l.to_entity_id, metadata: { quantity: l.metadata.quantity ?? 1, catalog_id: l.metadata.catalog_id ?? null, price_id: l.metadata.price_id ?? null } }));
  }
  return {
    ...plain,
    custom_fields_values: fieldsOrNull(custom_fields_values),
    ...account.purchaseStats(c.id),
    account_id: account.data.id,
    _links: self(`${base}/api/v4/customers/${c.id}`),
    _embedded: embedded,
  };
}

export function contactJson(account: AccountState, c: ContactRecord, base: string, include: Set<string> = new Set()): Record<string, unknown> {
  const { tags, custom_fields_values, ...plain } = c;
  const embedded: Record<string, unknown> = { tags: tagsOf(tags), companies: [] };
  if (include.has('customers')) {
    embedded['customers'] = account.links
      .filter((l) => l.to_entity_type === 'contacts' && l.to_entity_id === c.id && account.customers.get(l.customer_id)?.is_deleted === false)
      .map((l) => ({ id: l.customer_id, _links: self(`${base}/api/v4/customers/${l.customer_id}`) }));
  }
  return { ...plain, group_id: 0, closest_task_at: null, is_unsorted: false, custom_fields_values: fieldsOrNull(custom_fields_values), account_id: account.data.id, _links: self(`${base}/api/v4/contacts/${c.id}`), _embedded: embedded };
}

export function transactionJson(account: AccountState, t: TransactionRecord, base: string): Record<string, unknown> {
  const { catalog_elements, accrue_bonus: _accrueBonus, metadata: _metadata, ...plain } = t;
  return {
    ...plain,
    account_id: account.data.id,
    _links: self(`${base}/api/v4/customers/${t.customer_id}/transactions/${t.id}`), // as in the documented examples
    _embedded: { customer: { id: t.customer_id, _links: self(`${base}/api/v4/customers/${t.customer_id}`) }, catalog_elements: catalog_elements.map((e) => ({ id: e.id, metadata: { ...e.metadata } })) },
  };
}

export function noteJson(account: AccountState, n: NoteRecord, base: string): Record<string, unknown> {
  return { ...n, params: { ...n.params }, group_id: 0, is_need_to_trigger_digital_pipeline: false, account_id: account.data.id, _links: self(`${base}/api/v4/customers/${n.entity_id}/notes/${n.id}`) };
}

export function catalogJson(account: AccountState, c: CatalogRecord, base: string): Record<string, unknown> {
  return { ...c, can_show_in_cards: true, can_be_deleted: c.type === 'regular', sdk_widget_code: null, account_id: account.data.id, _links: self(`${base}/api/v4/catalogs/${c.id}`) };
}

/**
 * crm_platform/catalogs-api prints `"is_deleted": null` for elements read back (list and by id) and `false` in the
 * answers to create/edit; reads here do the same (deleted elements are never read back), so clients parse both.
 */
export function catalogElementJson(account: AccountState, e: CatalogElementRecord, base: string, answer: 'read' | 'write' = 'read'): Record<string, unknown> {
  const { custom_fields_values, is_deleted, ...plain } = e;
  return {
    ...plain,
    is_deleted: answer === 'read' && !is_deleted ? null : is_deleted,
    custom_fields_values: fieldsOrNull(custom_fields_values),
    account_id: account.data.id,
    _links: self(`${base}/api/v4/catalogs/${e.catalog_id}/elements/${e.id}`),
  };
}

export function customFieldJson(account: AccountState, f: CustomFieldDef, base: string): Record<string, unknown> {
  const path = f.entity_type === 'catalogs' ? `catalogs/${f.catalog_id}` : f.entity_type;
  return {
    id: f.id, name: f.name, type: f.type, code: f.code, sort: f.sort, entity_type: f.entity_type, catalog_id: f.catalog_id,
    is_predefined: !f.is_deletable, is_deletable: f.is_deletable, is_visible: f.is_visible, is_required: false, is_api_only: f.is_api_only,
    group_id: null, required_statuses: [], remind: null, settings: null,
    enums: f.enums ? f.enums.map((e) => ({ ...e })) : null,
    nested: f.nested ? f.nested.map((n) => ({ ...n })) : null,
    account_id: account.data.id,
    _links: self(`${base}/api/v4/${path}/custom_fields/${f.id}`),
  };
}

export function webhookJson(account: AccountState, w: WebhookRecord): Record<string, unknown> {
  return { ...w, settings: [...w.settings], account_id: account.data.id };
}
