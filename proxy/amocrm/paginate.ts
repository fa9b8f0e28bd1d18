import { z } from 'zod';
import { AmoError } from './errors.js';
import type { AmoTransport, QueryValue } from './transport.js';

export const MAX_PAGE_SIZE = 250;

const halPageSchema = <Row extends z.ZodType>(key: string, row: Row) =>
  z.looseObject({
    _page: z.number().optional(),
    _links: z.looseObject({ next: z.looseObject({ href: z.string() }).optional() }).optional(),
    _embedded: z.looseObject({ [key]: z.array(row) }),
  });

/**
 * Every row of a HAL list (`_embedded[key]`), following `_links.next.href`. A 204 is the empty list, not an
 * error. Pages are fetched lazily.
 */
export async function* paginateHal<Row extends z.ZodType>(
  transport: AmoTransport,
  path: string,
  key: string,
  row: Row,
  query: Record<string, QueryValue> = {},
  pageSize = MAX_PAGE_SIZE,
): AsyncGenerator<z.infer<Row>, void, undefined> {
  const schema = halPageSchema(key, row);
  let page = await transport.request({ method: 'GET', path, query: { ...query, page: 1, limit: Math.min(MAX_PAGE_SIZE, pageSize) }, schema });
  const seen = new Set<string>();
  while (page) {
    const rows = (page._embedded[key] ?? []) as z.infer<Row>[];
    for (const item of rows) yield item;
    const next = page._links?.next?.href;
    if (!next || rows.length === 0) return;
    if (seen.has(next)) throw new AmoError(`pagination loop on ${path}`);
    seen.add(next);
    page = await transport.request({ method: 'GET', path: next, schema });
  }
}

export async function collect<T>(rows: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const row of rows) out.push(row);
  return out;
}
