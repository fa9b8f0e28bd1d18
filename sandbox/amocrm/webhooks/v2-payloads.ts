import type { AccountState } from '../state/account-state.js';
import type { ContactRecord, CustomFieldValue, CustomerRecord, NoteRecord } from '../state/types.js';

/**
 * CRM webhooks use the old v2 field names (`date_create`, `last_modified`, `custom_fields[{id,name,code,values}]`)
 * plus `created_at`/`updated_at`, as in crm_platform/webhooks-format «Пример создания контакта». amoCRM prints no
 * customer or note example; those follow the same pattern (the note shape is unconfirmed).
 */

function customFieldsV2(values: CustomFieldValue[]): Array<Record<string, unknown>> {
  return values.map((field) => ({
    id: field.field_id,
    name: field.field_name,
    ...(field.field_code ? { code: field.field_code } : {}),
    values: field.values.map((v) => ({ value: v.value, ...(v.enum_id !== undefined ? { enum: v.enum_id } : {}) })),
  }));
}

export function customerV2(account: AccountState, customer: CustomerRecord): Record<string, unknown> {
  const stats = account.purchaseStats(customer.id);
  return {
    id: customer.id,
    name: customer.name,
    responsible_user_id: customer.responsible_user_id,
    date_create: customer.created_at,
    last_modified: customer.updated_at,
    created_user_id: customer.created_by,
    modified_user_id: customer.updated_by,
    next_price: customer.next_price,
    next_date: customer.next_date ?? 0,
    periodicity: customer.periodicity,
    ...(customer.status_id !== null ? { status_id: customer.status_id } : {}),
    ltv: stats.ltv,
    purchases_count: stats.purchases_count,
    average_check: stats.average_check,
    custom_fields: customFieldsV2(customer.custom_fields_values),
    linked_contacts_id: account.linksOf(customer.id).filter((l) => l.to_entity_type === 'contacts').map((l) => l.to_entity_id),
    account_id: account.data.id,
    created_at: customer.created_at,
    updated_at: customer.updated_at,
  };
}

export function contactV2(account: AccountState, contact: ContactRecord): Record<string, unknown> {
  return {
    id: contact.id,
    name: contact.name,
    first_name: contact.first_name,
    last_name: contact.last_name,
    type: 'contact',
    responsible_user_id: contact.responsible_user_id,
    date_create: contact.created_at,
    last_modified: contact.updated_at,
    created_user_id: contact.created_by,
    modified_user_id: contact.updated_by,
    custom_fields: customFieldsV2(contact.custom_fields_values),
    account_id: account.data.id,
    created_at: contact.created_at,
    updated_at: contact.updated_at,
  };
}

export function customerNoteV2(account: AccountState, note: NoteRecord): Record<string, unknown> {
  return {
    note: {
      id: note.id,
      element_id: note.entity_id,
      element_type: 12, // v2 element type of customers
      note_type: note.note_type,
      text: typeof note.params['text'] === 'string' ? note.params['text'] : '',
      params: note.params,
      date_create: note.created_at,
      created_by: note.created_by,
      account_id: account.data.id,
    },
  };
}

export function deletedV2(id: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, ...extra };
}
