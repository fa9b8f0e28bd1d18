import { z } from 'zod';

/**
 * amoCRM v4 shapes. Loose objects (amoCRM adds fields) that are strict only on the fields we read.
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
export const writtenSchema = z.looseObject({ id, request_id: z.union([z.string(), z.number()]).transform(String).optional() });
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
});
export type Contact = z.infer<typeof contactSchema>;

export const catalogSchema = z.looseObject({ id, name: z.string(), type: z.string() });
export type Catalog = z.infer<typeof catalogSchema>;

export const catalogElementSchema = z.looseObject({
  id,
  name: z.string(),
  catalog_id: z.number().int().optional(),
  is_deleted: z.boolean().optional(),
  custom_fields_values: customFieldValues,
});
export type CatalogElement = z.infer<typeof catalogElementSchema>;

export const linkSchema = z.looseObject({
  to_entity_id: id,
  to_entity_type: z.string(),
  metadata: z.looseObject({}).nullable().optional(),
});

export const webhookSubscriptionSchema = z.looseObject({ destination: z.string(), settings: z.array(z.string()).optional() });

export const widgetSchema = z.looseObject({ code: z.string(), settings: z.unknown().optional() });
export type Widget = z.infer<typeof widgetSchema>;

