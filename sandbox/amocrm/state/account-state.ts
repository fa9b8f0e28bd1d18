import type { AccountData, CatalogElementRecord, CatalogRecord, ContactRecord, CustomFieldDef, CustomFieldType, CustomerRecord, EnumOption, LinkRecord, NoteRecord, TransactionRecord, WebhookRecord, WidgetInstallation } from './types.js';

/** Everything one amoCRM account holds. Plain maps; the API modules enforce the rules. */

export type IdAllocator = () => number;

const PHONE_ENUM_CODES = ['WORK', 'WORKDD', 'MOB', 'FAX', 'HOME', 'OTHER'];
const EMAIL_ENUM_CODES = ['WORK', 'PRIV', 'OTHER'];

export class AccountState {
  readonly customers = new Map<number, CustomerRecord>();
  readonly contacts = new Map<number, ContactRecord>();
  readonly transactions = new Map<number, TransactionRecord>();
  readonly notes = new Map<number, NoteRecord>();
  readonly catalogs = new Map<number, CatalogRecord>();
  readonly catalogElements = new Map<number, CatalogElementRecord>();
  readonly customFields = new Map<number, CustomFieldDef>();
  readonly webhooks = new Map<number, WebhookRecord>();
  readonly widgets = new Map<string, WidgetInstallation>();
  readonly bonusPoints = new Map<number, number>();
  links: LinkRecord[] = [];
  readonly productsCatalogId: number;

  constructor(
    readonly data: AccountData,
    readonly nextId: IdAllocator,
    createdAt: number,
  ) {
    this.addField('contacts', null, { name: 'Телефон', type: 'multitext', code: 'PHONE', sort: 4, enumCodes: PHONE_ENUM_CODES, deletable: false });
    this.addField('contacts', null, { name: 'Email', type: 'multitext', code: 'EMAIL', sort: 6, enumCodes: EMAIL_ENUM_CODES, deletable: false });
    const adminId = this.admin().id;
    this.productsCatalogId = nextId();
    this.catalogs.set(this.productsCatalogId, {
      id: this.productsCatalogId, name: 'Товары', type: 'products', sort: 10, can_add_elements: true, can_link_multiple: true,
      created_by: adminId, updated_by: adminId, created_at: createdAt, updated_at: createdAt,
    });
    // The preset, non-deletable fields of the products list (https://www.amocrm.ru/developers/content/catalogs/products); EXTERNAL_ID is hidden in the UI.
    const catalogId = this.productsCatalogId;
    this.addField('catalogs', catalogId, { name: 'Артикул', type: 'text', code: 'SKU', sort: 1, deletable: false });
    this.addField('catalogs', catalogId, { name: 'Описание', type: 'textarea', code: 'DESCRIPTION', sort: 2, deletable: false });
    this.addField('catalogs', catalogId, { name: 'Цена', type: 'numeric', code: 'PRICE', sort: 3, deletable: false });
    this.addField('catalogs', catalogId, { name: 'Группа', type: 'category', code: 'GROUP', sort: 4, deletable: false });
    this.addField('catalogs', catalogId, { name: 'Внешний ID', type: 'text', code: 'EXTERNAL_ID', sort: 5, deletable: false, visible: false });
  }

  admin(): { id: number; name: string } {
    const admin = this.data.users.find((u) => u.isAdmin) ?? this.data.users[0];
    if (!admin) throw new Error(`account ${this.data.subdomain} has no users`);
    return admin;
  }

  user(id: number): AccountData['users'][number] | undefined {
    return this.data.users.find((u) => u.id === id);
  }

  addField(
    entityType: CustomFieldDef['entity_type'],
    catalogId: number | null,
    spec: { name: string; type: CustomFieldType; code?: string | null; sort?: number; enumCodes?: string[]; enums?: Array<{ value: string; sort?: number; code?: string | null }>; deletable?: boolean; visible?: boolean; apiOnly?: boolean },
  ): CustomFieldDef {
    const enums: EnumOption[] | null = spec.enumCodes
      ? spec.enumCodes.map((code, i) => ({ id: this.nextId(), value: code, sort: (i + 1) * 2, code }))
      : spec.enums
        ? spec.enums.map((e, i) => ({ id: this.nextId(), value: e.value, sort: e.sort ?? (i + 1) * 10, code: e.code ?? null }))
        : null;
    const def: CustomFieldDef = {
      id: this.nextId(), name: spec.name, type: spec.type, code: spec.code ?? null, sort: spec.sort ?? 500, entity_type: entityType,
      catalog_id: catalogId, enums, nested: spec.type === 'category' ? [] : null, is_api_only: spec.apiOnly ?? false,
      is_deletable: spec.deletable ?? true, is_visible: spec.visible ?? true,
    };
    this.customFields.set(def.id, def);
    return def;
  }

  fieldsOf(entityType: CustomFieldDef['entity_type'], catalogId: number | null = null): CustomFieldDef[] {
    return [...this.customFields.values()].filter((f) => f.entity_type === entityType && f.catalog_id === catalogId).sort((a, b) => a.sort - b.sort || a.id - b.id);
  }

  transactionsOf(customerId: number): TransactionRecord[] {
    return [...this.transactions.values()].filter((t) => t.customer_id === customerId && !t.is_deleted);
  }

  /** ltv, purchases_count and average_check are computed by amoCRM from the customer's transactions. */
  purchaseStats(customerId: number): { ltv: number; purchases_count: number; average_check: number } {
    const list = this.transactionsOf(customerId);
    const ltv = list.reduce((sum, t) => sum + t.price, 0);
    return { ltv, purchases_count: list.length, average_check: list.length === 0 ? 0 : Math.round(ltv / list.length) };
  }

  linksOf(customerId: number): LinkRecord[] {
    return this.links.filter((l) => l.customer_id === customerId);
  }

  liveCustomers(): CustomerRecord[] {
    return [...this.customers.values()].filter((c) => !c.is_deleted);
  }
}
