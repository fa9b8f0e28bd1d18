import { z } from 'zod';
import type { FieldError } from '../http/problem.js';
import type { CustomFieldDef, CustomFieldValue, StoredValue } from './types.js';

/**
 * Turns `custom_fields_values` of a request into stored values. A field is addressed by `field_id` or `field_code`;
 * an enum option by `enum_id`, `enum_code` or `value`. `values: null` clears the field.
 */

const inputValueSchema = z.looseObject({
  value: z.union([z.string(), z.number(), z.boolean()]).optional(),
  enum_id: z.number().int().optional(),
  enum_code: z.string().optional(),
});

export const customFieldsInputSchema = z.array(
  z.looseObject({
    field_id: z.number().int().optional(),
    field_code: z.string().optional(),
    values: z.array(inputValueSchema).nullable(),
  }),
);
type CustomFieldsInput = z.infer<typeof customFieldsInputSchema>;

/** A resolved change: `values: null` means "clear this field". */
export interface CustomFieldChange { def: CustomFieldDef; values: StoredValue[] | null }

const TEXT_TYPES = new Set(['text', 'textarea', 'url', 'streetaddress']);
const NUMBER_TYPES = new Set(['numeric', 'price', 'monetary']);
const DATE_TYPES = new Set(['date', 'date_time']);
const ENUM_TYPES = new Set(['select', 'radiobutton', 'multiselect', 'multitext']);

export function resolveCustomFields(defs: CustomFieldDef[], input: CustomFieldsInput, pathPrefix = 'custom_fields_values'): { changes: CustomFieldChange[]; errors: FieldError[] } {
  const changes: CustomFieldChange[] = [];
  const errors: FieldError[] = [];
  input.forEach((field, i) => {
    const def = field.field_id !== undefined ? defs.find((d) => d.id === field.field_id) : defs.find((d) => d.code !== null && d.code === field.field_code);
    if (!def) {
      const key = field.field_id !== undefined ? 'field_id' : 'field_code';
      errors.push({ code: 'NotSupportedChoice', path: `${pathPrefix}.${i}.${key}`, detail: 'The value you selected is not a valid choice.' });
      return;
    }
    if (field.values === null) return void changes.push({ def, values: null });
    const values: StoredValue[] = [];
    field.values.forEach((raw, j) => {
      const path = `${pathPrefix}.${i}.values.${j}`;
      const result = resolveOne(def, raw);
      if (typeof result === 'string') errors.push({ code: 'InvalidType', path, detail: result });
      else values.push(result);
    });
    const singleValued = !['multiselect', 'multitext'].includes(def.type);
    if (singleValued && values.length > 1) errors.push({ code: 'InvalidValue', path: `${pathPrefix}.${i}.values`, detail: 'This field accepts one value' });
    changes.push({ def, values });
  });
  return { changes, errors };
}

/** Returns the stored value, or an error message. */
function resolveOne(def: CustomFieldDef, raw: z.infer<typeof inputValueSchema>): StoredValue | string {
  const { value } = raw;
  if (TEXT_TYPES.has(def.type)) {
    return typeof value === 'string' || typeof value === 'number' ? { value: String(value) } : 'Expected a string value';
  }
  if (NUMBER_TYPES.has(def.type)) {
    // amoCRM returns numeric values as strings ("12"); accept numbers or numeric strings.
    const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
    return /^-?\d+(\.\d+)?$/.test(text) ? { value: text } : 'Expected a numeric value';
  }
  if (def.type === 'checkbox') return typeof value === 'boolean' ? { value } : 'Expected a boolean value';
  if (DATE_TYPES.has(def.type)) {
    if (typeof value === 'number' && Number.isInteger(value)) return { value };
    const parsed = typeof value === 'string' ? Date.parse(value) : Number.NaN;
    return Number.isNaN(parsed) ? 'Expected a Unix timestamp or an RFC-3339 date' : { value: Math.floor(parsed / 1000) };
  }
  if (def.type === 'category') {
    const node = def.nested?.find((n) => (raw.enum_id !== undefined ? n.id === raw.enum_id : n.value === value));
    return node ? { value: node.value, enum_id: node.id } : 'Unknown category node';
  }
  if (ENUM_TYPES.has(def.type)) return resolveEnum(def, raw);
  return 'Unsupported field type';
}

function resolveEnum(def: CustomFieldDef, raw: z.infer<typeof inputValueSchema>): StoredValue | string {
  const options = def.enums ?? [];
  if (def.type === 'multitext') {
    // Multitext (PHONE/EMAIL): free text value plus a sub-type; WORK is the default sub-type in the UI.
    if (typeof raw.value !== 'string' || raw.value.trim() === '') return 'Expected a non-empty string value';
    const option =
      raw.enum_id !== undefined ? options.find((o) => o.id === raw.enum_id)
      : raw.enum_code !== undefined ? options.find((o) => o.code === raw.enum_code)
      : options.find((o) => o.code === 'WORK') ?? options[0];
    return option ? { value: raw.value, enum_id: option.id, enum_code: option.code } : 'Unknown enum';
  }
  const option =
    raw.enum_id !== undefined ? options.find((o) => o.id === raw.enum_id)
    : raw.enum_code !== undefined ? options.find((o) => o.code === raw.enum_code)
    : options.find((o) => o.value === raw.value);
  return option ? { value: option.value, enum_id: option.id, enum_code: option.code } : 'Unknown enum';
}

/** Applies changes field by field: a mentioned field's values are replaced as a whole, others stay. */
export function applyCustomFieldChanges(current: CustomFieldValue[], changes: CustomFieldChange[]): CustomFieldValue[] {
  const next = current.map((v) => ({ ...v, values: [...v.values] }));
  for (const { def, values } of changes) {
    const at = next.findIndex((v) => v.field_id === def.id);
    if (at >= 0) next.splice(at, 1);
    if (values !== null && values.length > 0) {
      next.push({ field_id: def.id, field_name: def.name, field_code: def.code, field_type: def.type, values });
    }
  }
  return next;
}
