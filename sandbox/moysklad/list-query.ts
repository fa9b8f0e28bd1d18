import { ApiError } from './api-error.js';
import { isObject } from './references.js';

export interface PageRequest {
  limit: number;
  offset: number;
}

function parseIntParam(value: unknown, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  // The exact code for a bad paging parameter is unconfirmed; 1002 «неверный параметр запроса» is used.
  if (Number.isNaN(number) || number < min || number > max)
    throw new ApiError(400, 1002, `Параметр '${name}' должен быть целым числом от ${min} до ${max}`, { parameter: name });
  return number;
}

/** `limit` 1..max (default max for entities; audit uses 1..100, default 25) and `offset` ≥ 0. */
export function parsePage(query: Record<string, unknown>, max = 1000, fallback = max): PageRequest {
  return {
    limit: parseIntParam(query.limit, 'limit', fallback, 1, max),
    offset: parseIntParam(query.offset, 'offset', 0, 0, Number.MAX_SAFE_INTEGER),
  };
}

interface OrderKey {
  field: string;
  descending: boolean;
}

export function parseOrder(text: unknown): OrderKey[] {
  if (typeof text !== 'string' || text === '') return [];
  return text.split(';').filter(Boolean).map((part) => {
    const [field = '', direction = 'asc'] = part.split(',');
    if (!['asc', 'desc'].includes(direction))
      throw new ApiError(400, 1002, `Неверное направление сортировки '${direction}'`, { parameter: 'order' });
    return { field, descending: direction === 'desc' };
  });
}

function sortable(value: unknown): string | number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (isObject(value) && isObject(value.meta)) return String(value.meta.href);
  return value === undefined || value === null ? '' : String(value);
}

/** Stable sort by the order keys; `view` gives the object whose fields are compared. */
export function sortRows<T>(rows: T[], keys: OrderKey[], view: (row: T) => Record<string, unknown>): T[] {
  if (keys.length === 0) return rows;
  return [...rows].sort((a, b) => {
    for (const { field, descending } of keys) {
      const x = sortable(view(a)[field]);
      const y = sortable(view(b)[field]);
      if (x === y) continue;
      const result = x < y ? -1 : 1;
      return descending ? -result : result;
    }
    return 0;
  });
}

/** Collection meta; `nextHref`/`previousHref` keep every other query parameter of the request. */
function collectionMeta(
  path: string,
  query: Record<string, unknown>,
  type: string,
  size: number,
  page: PageRequest,
  metadataHref?: string,
): Record<string, unknown> {
  // Entity collections carry `metadataHref` like the documented list meta (`…/entity/counterparty/metadata`).
  const meta: Record<string, unknown> = { href: path, ...(metadataHref ? { metadataHref } : {}), type, mediaType: 'application/json', size, limit: page.limit, offset: page.offset };
  const withOffset = (offset: number) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (typeof value === 'string' && key !== 'offset' && key !== 'limit') params.set(key, value);
    params.set('limit', String(page.limit));
    params.set('offset', String(offset));
    return `${path}?${params.toString()}`;
  };
  if (page.offset + page.limit < size) meta.nextHref = withOffset(page.offset + page.limit);
  if (page.offset > 0) meta.previousHref = withOffset(Math.max(0, page.offset - page.limit));
  return meta;
}

/** The list envelope; `pageRows` is already the slice [offset, offset+limit) of `size` matches. */
export function listEnvelope(
  path: string,
  query: Record<string, unknown>,
  type: string,
  size: number,
  pageRows: unknown[],
  page: PageRequest,
  metadataHref?: string,
): Record<string, unknown> {
  return {
    context: { employee: { meta: { href: '/context/employee', metadataHref: '/entity/employee/metadata', type: 'employee', mediaType: 'application/json' } } },
    meta: collectionMeta(path, query, type, size, page, metadataHref),
    rows: pageRows,
  };
}
