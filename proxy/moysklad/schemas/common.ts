import { z } from 'zod';
import { isMoscowString } from '../moscow-time.js';

/**
 * Shared pieces of МойСклад JSON. Every object schema is loose (unknown fields pass through untouched) because the
 * API adds fields over time; only the fields we read are typed, and those are checked strictly.
 */
export const moscowTimestamp = z.string().refine(isMoscowString, { message: 'expected a МойСклад Moscow timestamp' });

export const metaSchema = z.looseObject({
  href: z.url(),
  type: z.string(),
  mediaType: z.string().optional(),
  metadataHref: z.string().optional(),
  uuidHref: z.string().optional(),
});

/** `{ meta: {...} }` — how every reference to another object looks. */
export const refSchema = z.looseObject({ meta: metaSchema });

export const collectionMetaSchema = z.looseObject({
  href: z.string(),
  type: z.string().optional(),
  size: z.number().int().nonnegative(),
  limit: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  nextHref: z.url().optional(),
  previousHref: z.string().optional(),
});

/** Nested collections inside an entity (`positions`, `accounts`, …): meta plus `rows` once expanded. */
export const metaArraySchema = <Row extends z.ZodType>(row: Row) =>
  z.looseObject({ meta: collectionMetaSchema, rows: z.array(row).optional() });

/** The envelope of every list endpoint: `{ context, meta, rows }`. */
export const listEnvelopeSchema = <Row extends z.ZodType>(row: Row) =>
  z.looseObject({ context: z.unknown().optional(), meta: collectionMetaSchema, rows: z.array(row) });

export const errorItemSchema = z.looseObject({
  error: z.string(),
  code: z.number().int().optional(),
  parameter: z.string().optional(),
  error_message: z.string().optional(),
  moreInfo: z.string().optional(),
  line: z.number().optional(),
  column: z.number().optional(),
  dependencies: z.array(z.unknown()).optional(),
  meta: z.unknown().optional(),
});

/** Error body: `{ errors: [{ error, code, parameter, moreInfo, dependencies, … }] }`. */
export const errorBodySchema = z.looseObject({ errors: z.array(errorItemSchema).min(1) });

/** Extracts the UUID at the end of a `meta.href`. */
export function idFromHref(href: string): string {
  const path = href.split('?')[0] ?? '';
  const id = path.slice(path.lastIndexOf('/') + 1);
  if (!id) throw new RangeError(`idFromHref: no id in ${href}`);
  return id;
}
