import { z } from 'zod';
import { customFieldsInputSchema } from '../state/custom-field-values.js';

/** Request-body schemas shared by the entity modules. Unknown keys are tolerated, as amoCRM ignores them. */

export const requestIdSchema = z.union([z.string(), z.number()]).optional();
const tagRefSchema = z.looseObject({ id: z.number().int().optional(), name: z.string().min(1).optional() });

const auditFields = {
  created_by: z.number().int().min(0).optional(),
  updated_by: z.number().int().min(0).optional(),
  created_at: z.number().int().min(0).optional(),
  updated_at: z.number().int().min(0).optional(),
  responsible_user_id: z.number().int().positive().optional(),
  request_id: requestIdSchema,
};

const taggable = {
  custom_fields_values: customFieldsInputSchema.nullable().optional(),
  tags_to_add: z.array(tagRefSchema).optional(),
  tags_to_delete: z.array(tagRefSchema).optional(),
  _embedded: z
    .looseObject({ tags: z.array(tagRefSchema).optional(), segments: z.array(z.looseObject({ id: z.number().int() })).optional() })
    .optional(),
};

const customerFields = {
  next_price: z.number().int().min(0).optional(),
  next_date: z.number().int().min(0).optional(),
  status_id: z.number().int().optional(),
  periodicity: z.number().int().min(0).optional(),
  ...auditFields,
  ...taggable,
};

export const customerCreateSchema = z.looseObject({ name: z.string().trim().min(1).max(255), ...customerFields });
export const customerUpdateSchema = z.looseObject({ name: z.string().trim().min(1).max(255).optional(), ...customerFields });
export const customerBatchUpdateSchema = customerUpdateSchema.extend({ id: z.number().int().positive() });
export type CustomerWrite = z.infer<typeof customerUpdateSchema>;

const contactFields = {
  name: z.string().trim().max(255).optional(),
  first_name: z.string().trim().max(255).optional(),
  last_name: z.string().trim().max(255).optional(),
  ...auditFields,
  ...taggable,
};
export const contactWriteSchema = z.looseObject(contactFields);
export const contactBatchUpdateSchema = contactWriteSchema.extend({ id: z.number().int().positive() });
export type ContactWrite = z.infer<typeof contactWriteSchema>;

/** Tag names after applying tags_to_add / _embedded.tags / tags_to_delete. Id-only refs are tolerated and dropped:
 *  the emulator keeps no account tag registry. */
export function nextTags(current: string[], body: { tags_to_add?: Array<{ name?: string }>; tags_to_delete?: Array<{ name?: string }>; _embedded?: { tags?: Array<{ name?: string }> } }): string[] {
  const names = new Set(body._embedded?.tags ? body._embedded.tags.flatMap((t) => (t.name ? [t.name] : [])) : current);
  for (const tag of body.tags_to_add ?? []) if (tag.name) names.add(tag.name);
  for (const tag of body.tags_to_delete ?? []) if (tag.name) names.delete(tag.name);
  return [...names];
}
