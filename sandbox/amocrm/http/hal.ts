import type { Request, Response } from 'express';
import { z } from 'zod';
import { ApiProblem } from './problem.js';

/** HAL responses: `_page`, `_links.self/next`, `_embedded.{entity}`; empty result → 204 without a body. */

export const MAX_PAGE_SIZE = 250;
const DEFAULT_PAGE_SIZE = 50;

const pagingSchema = z.object({
  page: z.coerce.number().int().min(1).default(1),
  // Real amoCRM silently falls back when asked for more than 250 (amocrm-api-php#210); we clamp to 250.
  limit: z.coerce.number().int().min(1).default(DEFAULT_PAGE_SIZE).transform((n) => Math.min(n, MAX_PAGE_SIZE)),
});

function readPaging(req: Request): { page: number; limit: number } {
  const parsed = pagingSchema.safeParse({ page: req.query['page'] ?? undefined, limit: req.query['limit'] ?? undefined });
  if (!parsed.success) throw new ApiProblem(400, 'Bad Request', 'page and limit must be positive integers');
  return parsed.data;
}

export function requestOrigin(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? '127.0.0.1'}`;
}

function hrefWithPage(req: Request, page: number, limit: number): string {
  const url = new URL(req.originalUrl, requestOrigin(req));
  url.searchParams.set('page', String(page));
  url.searchParams.set('limit', String(limit));
  return url.toString();
}

export function sendHal(res: Response, status: number, body: unknown): void {
  res.status(status).type('application/hal+json').send(JSON.stringify(body));
}

export function sendNoContent(res: Response): void {
  res.status(204).end();
}

/** Pages `items` by the request's page/limit and answers the HAL list, or 204 when the page is empty. */
export function sendPagedList<T>(req: Request, res: Response, entityKey: string, items: T[], serialize: (item: T) => unknown): void {
  const { page, limit } = readPaging(req);
  const slice = items.slice((page - 1) * limit, page * limit);
  if (slice.length === 0) return sendNoContent(res);
  const links: Record<string, { href: string }> = { self: { href: hrefWithPage(req, page, limit) } };
  if (page * limit < items.length) links['next'] = { href: hrefWithPage(req, page + 1, limit) };
  if (page > 1) links['prev'] = { href: hrefWithPage(req, page - 1, limit) };
  sendHal(res, 200, { _page: page, _links: links, _embedded: { [entityKey]: slice.map(serialize) } });
}

/** Answers a batch write: `_links.self` plus `_embedded.{entity}`. */
export function sendBatchResult(req: Request, res: Response, status: number, entityKey: string, items: unknown[]): void {
  sendHal(res, status, { _links: { self: { href: new URL(req.originalUrl, requestOrigin(req)).toString() } }, _embedded: { [entityKey]: items } });
}
