import type { z } from 'zod';
import { MoySkladError } from './errors.js';
import { listEnvelopeSchema } from './schemas/common.js';
import type { MoySkladTransport, QueryValue } from './transport.js';

/** МойСклад page sizes: 1000 max, but with `expand` the server silently drops the expansion above 100. */
export const MAX_PAGE_SIZE = 1000;
export const MAX_EXPANDED_PAGE_SIZE = 100;

function pageSizeFor(query: Record<string, QueryValue>, requested?: number): number {
  const cap = query.expand ? MAX_EXPANDED_PAGE_SIZE : MAX_PAGE_SIZE;
  return Math.min(cap, Math.max(1, requested ?? cap));
}

/**
 * Every row of a list endpoint, page by page, following `meta.nextHref` (present only while size > offset+limit).
 * Pages are fetched lazily: stop iterating and no further request is made.
 */
export async function* paginate<Row extends z.ZodType>(
  transport: MoySkladTransport,
  path: string,
  query: Record<string, QueryValue>,
  rowSchema: Row,
  pageSize?: number,
  /** Sent with every page (e.g. the assortment's beta-feature header). */
  headers?: Record<string, string>,
): AsyncGenerator<z.infer<Row>, void, undefined> {
  const envelope = listEnvelopeSchema(rowSchema);
  let page = await transport.request({ method: 'GET', path, query: { ...query, limit: pageSizeFor(query, pageSize) }, schema: envelope, ...(headers ? { headers } : {}) });
  const seen = new Set<string>();
  for (;;) {
    for (const row of page.rows) yield row as z.infer<Row>;
    const next = page.meta.nextHref;
    if (!next || page.rows.length === 0) return;
    if (seen.has(next)) throw new MoySkladError(`pagination loop: ${path} returned the same nextHref twice`);
    seen.add(next);
    page = await transport.request({ method: 'GET', path: next, schema: envelope, ...(headers ? { headers } : {}) });
  }
}

/**
 * ONE page of a list endpoint (`offset`, `limit` ≤ the page-size cap), with `meta.size`: for readers that restart
 * their query instead of following `nextHref` (proxy/sync/streams.ts: offsets shift when rows are updated meanwhile).
 */
export async function listPage<Row extends z.ZodType>(
  transport: MoySkladTransport,
  path: string,
  query: Record<string, QueryValue>,
  rowSchema: Row,
  page: { offset: number; limit?: number },
): Promise<{ rows: z.infer<Row>[]; size: number; limit: number }> {
  const limit = pageSizeFor(query, page.limit);
  const answer = await transport.request({ method: 'GET', path, query: { ...query, limit, offset: page.offset || undefined }, schema: listEnvelopeSchema(rowSchema) });
  return { rows: answer.rows as z.infer<Row>[], size: answer.meta.size, limit };
}

/** Collects an async iterable (for small lists such as price types). */
export async function collect<T>(rows: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const row of rows) out.push(row);
  return out;
}
