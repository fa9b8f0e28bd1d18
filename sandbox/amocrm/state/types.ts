import type { AccountUser, CustomersMode } from '../options.js';

/** Records kept in memory. Field names follow API v4 so serializers stay thin; times are Unix seconds. */

export type CustomFieldType =
  | 'text' | 'numeric' | 'checkbox' | 'select' | 'multiselect' | 'date' | 'url' | 'textarea' | 'radiobutton'
  | 'streetaddress' | 'date_time' | 'monetary' | 'multitext' | 'price' | 'category';

export interface EnumOption { id: number; value: string; sort: number; code: string | null }
export interface NestedNode { id: number; parent_id: number | null; value: string; sort: number }

export interface CustomFieldDef {
  id: number;
  name: string;
  type: CustomFieldType;
  code: string | null;
  sort: number;
  entity_type: 'customers' | 'contacts' | 'catalogs';
  catalog_id: number | null;
  enums: EnumOption[] | null;
  nested: NestedNode[] | null;
  is_api_only: boolean;
  is_deletable: boolean;
  is_visible: boolean;
}

export interface StoredValue { value: string | number | boolean; enum_id?: number; enum_code?: string | null }

export interface CustomFieldValue {
  field_id: number;
  field_name: string;
  field_code: string | null;
  field_type: CustomFieldType;
  values: StoredValue[];
}

interface Audited { id: number; created_by: number; updated_by: number; created_at: number; updated_at: number }

export interface CustomerRecord extends Audited {
  name: string;
  next_price: number;
  next_date: number | null;
  responsible_user_id: number;
  status_id: number | null;
  periodicity: number;
  closest_task_at: number | null;
  is_deleted: boolean;
  custom_fields_values: CustomFieldValue[];
  tags: string[];
  segment_ids: number[];
}

export interface ContactRecord extends Audited {
  name: string;
  first_name: string;
  last_name: string;
  responsible_user_id: number;
  is_deleted: boolean;
  custom_fields_values: CustomFieldValue[];
  tags: string[];
}

export interface TransactionRecord extends Audited {
  customer_id: number;
  price: number;
  comment: string | null;
  completed_at: number;
  is_deleted: boolean;
  catalog_elements: Array<{ id: number; metadata: { catalog_id: number; quantity: number } }>;
  /** Value of the `accrue_bonus` query flag (semantics unconfirmed; kept so tests can assert what was sent). */
  accrue_bonus: boolean;
  metadata: Record<string, unknown> | null;
}

export interface NoteRecord extends Audited {
  entity_id: number;
  note_type: string;
  params: Record<string, unknown>;
  responsible_user_id: number;
}

export interface CatalogRecord extends Audited {
  name: string;
  type: 'regular' | 'invoices' | 'products';
  sort: number;
  can_add_elements: boolean;
  can_link_multiple: boolean;
}

export interface CatalogElementRecord extends Audited {
  catalog_id: number;
  name: string;
  is_deleted: boolean;
  custom_fields_values: CustomFieldValue[];
}

export interface LinkRecord {
  customer_id: number;
  to_entity_id: number;
  to_entity_type: 'contacts' | 'companies' | 'catalog_elements';
  metadata: { is_main?: boolean; catalog_id?: number; quantity?: number; price_id?: number | null };
}

export interface WebhookRecord {
  id: number;
  destination: string;
  settings: string[];
  sort: number;
  disabled: boolean;
  created_by: number;
  created_at: number;
  updated_at: number;
}

export interface WidgetInstallation { installed: boolean; settings: Record<string, unknown> }

export interface AccountData {
  id: number;
  subdomain: string;
  name: string;
  customersMode: CustomersMode;
  users: AccountUser[];
}
