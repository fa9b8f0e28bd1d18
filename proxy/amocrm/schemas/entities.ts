import { z } from 'zod';

/**
 * amoCRM v4 shapes. Loose objects (amoCRM adds fields) that are strict only on the fields we read. Where amoCRM's
 * own examples (crm_platform/*) print `null` for a field, the schema takes `null` too; a field we act on that comes
 * malformed still fails parsing.
 */
const id = z.number().int().positive();

export const customFieldValueSchema = z.looseObject({
  field_id: z.number().int().optional(),
  field_code: z.string().nullable().optional(),
  field_name: z.string().optional(),
  field_type: z.string().optional(),
  values: z.array(z.looseObject({ value: z.unknown().optional(), enum_id: z.number().int().optional(), enum_code: z.string().nullable().optional() })).nullable(),
});
const customFieldValues = z.array(customFieldValueSchema).nullable().optional();

export const accountSchema = z.looseObject({
  id,
  name: z.string().optional(),
  subdomain: z.string(),
  customers_mode: z.enum(['unavailable', 'disabled', 'segments', 'dynamic', 'periodicity']).or(z.string()),
});
export type Account = z.infer<typeof accountSchema>;

/** A user of the account (amo-docs crm_platform/users-api): we read the id and the full name. */
export const userSchema = z.looseObject({ id, name: z.string(), email: z.string().optional() });
export type User = z.infer<typeof userSchema>;

export const customersModeSchema = z.looseObject({ mode: z.string(), is_enabled: z.boolean() });

export const customerSchema = z.looseObject({
  id,
  name: z.string(),
  is_deleted: z.boolean().optional(),
  custom_fields_values: customFieldValues,
  ltv: z.number().nullable().optional(),
  purchases_count: z.number().nullable().optional(),
  _embedded: z
    .looseObject({ contacts: z.array(z.looseObject({ id, is_main: z.boolean().optional() })).optional() })
    .optional(),
});
export type Customer = z.infer<typeof customerSchema>;

/** Answer item of a batch write: `{ id, request_id, … }`. */
const writtenSchema = z.looseObject({ id, request_id: z.union([z.string(), z.number()]).transform(String).optional() });
export type Written = z.infer<typeof writtenSchema>;

/** `{ _embedded: { [key]: Written[] } }` — customers, contacts, elements, transactions, notes, custom_fields. */
export const writeAnswerSchema = (key: string) => z.looseObject({ _embedded: z.looseObject({ [key]: z.array(writtenSchema) }) });

export const customFieldSchema = z.looseObject({
  id,
  name: z.string(),
  code: z.string().nullable().optional(),
  type: z.string(),
  nested: z.array(z.looseObject({ id, parent_id: z.number().int().nullable().optional(), value: z.string() })).nullable().optional(),
});
export type CustomField = z.infer<typeof customFieldSchema>;

export const contactSchema = z.looseObject({
  id,
  name: z.string().optional(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  custom_fields_values: customFieldValues,
  /** Only with `with=customers` (crm_platform/contacts-api). */
  _embedded: z.looseObject({ customers: z.array(z.looseObject({ id })).optional() }).optional(),
});
export type Contact = z.infer<typeof contactSchema>;

export const catalogSchema = z.looseObject({ id, name: z.string(), type: z.string() });
export type Catalog = z.infer<typeof catalogSchema>;

export const catalogElementSchema = z.looseObject({
  id,
  name: z.string(),
  catalog_id: z.number().int().optional(),
  /** crm_platform/catalogs-api prints `"is_deleted": null` for live elements read back; `true` only when deleted. */
  is_deleted: z.boolean().nullable().optional(),
  custom_fields_values: customFieldValues,
});
export type CatalogElement = z.infer<typeof catalogElementSchema>;

/** A link (crm_platform/entity-links-api): `metadata.main_contact` for contacts, `null` for companies. */
export const linkSchema = z.looseObject({
  entity_id: id.optional(),
  entity_type: z.string().optional(),
  to_entity_id: id,
  to_entity_type: z.string(),
  metadata: z.looseObject({ main_contact: z.boolean().optional(), catalog_id: z.number().int().optional(), quantity: z.number().optional() }).nullable().optional(),
});
export type Link = z.infer<typeof linkSchema>;

/**
 * A note (crm_platform/events-and-notes). We read `params.text` (our notes carry a marker there); a note of another
 * kind may carry no text (`null` taken too: it simply is not ours).
 */
export const noteSchema = z.looseObject({
  id,
  entity_id: id,
  note_type: z.string(),
  params: z.looseObject({ text: z.string().nullable().optional() }).nullable().optional(),
  created_at: z.number().int().optional(),
  updated_at: z.number().int().optional(),
});
export type Note = z.infer<typeof noteSchema>;

/** A customer's purchase (crm_platform/customers-api «Список транзакций»); `comment` is printed as `null` when empty. */
export const transactionSchema = z.looseObject({
  id,
  price: z.number(),
  comment: z.string().nullable().optional(),
  completed_at: z.number().int().optional(),
  customer_id: id.optional(),
  is_deleted: z.boolean().optional(),
  _embedded: z
    .looseObject({
      catalog_elements: z.array(z.looseObject({ id, metadata: z.looseObject({ catalog_id: z.number().int().optional(), quantity: z.number().optional() }).optional() })).optional(),
    })
    .optional(),
});
export type Transaction = z.infer<typeof transactionSchema>;

export const webhookSubscriptionSchema = z.looseObject({ destination: z.string(), settings: z.array(z.string()).optional() });
export type WebhookSubscription = z.infer<typeof webhookSubscriptionSchema>;

export const widgetSchema = z.looseObject({ code: z.string(), settings: z.unknown().optional() });
export type Widget = z.infer<typeof widgetSchema>;

