import type { Request, Response } from 'express';
import type { ApiCaller } from '../auth/bearer.js';
import { ApiProblem, forbidden } from '../http/problem.js';
import { requestOrigin } from '../http/hal.js';
import type { ResolvedOptions } from '../options.js';
import type { AccountState } from '../state/account-state.js';
import type { WebhookDispatcher } from '../webhooks/dispatcher.js';

/** What every API module needs: the clock, webhooks, the integration; plus per-request account and caller. */
export interface ApiDeps {
  nowMs: () => number;
  webhooks: WebhookDispatcher;
  integration: ResolvedOptions['integration'];
}

export const accountOf = (res: Response): AccountState => res.locals['account'] as AccountState;
export const callerOf = (res: Response): ApiCaller => res.locals['caller'] as ApiCaller;

/** `{origin}/a/{subdomain}` as seen by the caller. */
export function baseUrlOf(req: Request, res: Response): string {
  return `${requestOrigin(req)}/a/${accountOf(res).data.subdomain}`;
}

export function unixNow(deps: { nowMs: () => number }): number {
  return Math.floor(deps.nowMs() / 1000);
}

export function requireAdmin(res: Response): void {
  if (!callerOf(res).isAdmin) throw forbidden('This action requires account administrator rights');
}

/** `with=contacts,catalog_elements` → a set. */
export function withSet(req: Request): Set<string> {
  const raw = req.query['with'];
  const text = Array.isArray(raw) ? raw.join(',') : typeof raw === 'string' ? raw : '';
  return new Set(text.split(',').map((s) => s.trim()).filter(Boolean));
}

/** Reads `filter[key]` given as a scalar, `filter[key][]=…` or `filter[key][0]=…` into a list of integers. */
export function intFilter(req: Request, key: string): number[] | null {
  const filter = req.query['filter'];
  if (filter === null || typeof filter !== 'object' || Array.isArray(filter)) return null;
  const raw = (filter as Record<string, unknown>)[key];
  if (raw === undefined) return null;
  const list = Array.isArray(raw) ? raw : typeof raw === 'object' && raw !== null ? Object.values(raw) : [raw];
  return list.map(Number).filter((n) => Number.isInteger(n));
}

export function stringFilter(req: Request, key: string): string[] | null {
  const filter = req.query['filter'];
  if (filter === null || typeof filter !== 'object' || Array.isArray(filter)) return null;
  const raw = (filter as Record<string, unknown>)[key];
  if (raw === undefined) return null;
  const list = Array.isArray(raw) ? raw : typeof raw === 'object' && raw !== null ? Object.values(raw) : [raw];
  return list.map(String);
}

/**
 * `filter[key]=ts` or `filter[key][from]=…&filter[key][to]=…` (Unix seconds) as an inclusive range, or null when
 * absent. The single value means "changed after it" in the docs; whether that bound is inclusive is unconfirmed —
 * inclusive here, so a client resuming from the last second it saw never misses a note of that second.
 */
export function rangeFilter(req: Request, key: string): { from: number | null; to: number | null } | null {
  const filter = req.query['filter'];
  if (filter === null || typeof filter !== 'object' || Array.isArray(filter)) return null;
  const raw = (filter as Record<string, unknown>)[key];
  if (raw === undefined) return null;
  const int = (value: unknown): number | null => {
    if (value === undefined) return null;
    const n = Number(value);
    if (typeof value !== 'string' || value.trim() === '' || !Number.isInteger(n) || n < 0) throw new ApiProblem(400, 'Bad Request', `filter[${key}] must be a Unix timestamp or a from/to range of them`);
    return n;
  };
  if (typeof raw === 'string') return { from: int(raw), to: null };
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
    const { from, to, ...rest } = raw as Record<string, unknown>;
    if (Object.keys(rest).length > 0 || (from === undefined && to === undefined)) throw new ApiProblem(400, 'Bad Request', `filter[${key}] takes only [from] and [to]`);
    return { from: int(from), to: int(to) };
  }
  throw new ApiProblem(400, 'Bad Request', `filter[${key}] must be a Unix timestamp or a from/to range of them`);
}

export const inRange = (value: number, range: { from: number | null; to: number | null } | null): boolean =>
  range === null || ((range.from === null || value >= range.from) && (range.to === null || value <= range.to));

export function queryText(req: Request): string | null {
  const raw = req.query['query'];
  return typeof raw === 'string' || typeof raw === 'number' ? String(raw).trim() || null : null;
}

/** Parses a positive integer path parameter; anything else can't be an amoCRM id. */
export function idParam(req: Request, name: string): number | null {
  const value = Number(req.params[name]);
  return Number.isInteger(value) && value > 0 ? value : null;
}

const ORDER_FIELDS = ['id', 'updated_at'] as const;

/**
 * `order[updated_at]=desc` / `order[id]=asc` (contacts and notes lists: `order` on https://www.amocrm.ru/developers/content/crm_platform/contacts-api and crm_platform/events-and-notes). What amoCRM answers for
 * another field or direction is unconfirmed; the emulator refuses with 400 so a client never relies on an order it
 * did not get. Without `order` the list keeps ascending id order.
 */
export function sortByOrder<T extends { id: number; updated_at: number }>(req: Request, items: T[]): T[] {
  const raw = req.query['order'];
  if (raw === undefined) return items;
  const entries = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? Object.entries(raw as Record<string, unknown>) : [];
  const valid = entries.length > 0 && entries.every(([field, dir]) => (ORDER_FIELDS as readonly string[]).includes(field) && (dir === 'asc' || dir === 'desc'));
  if (!valid) throw new ApiProblem(400, 'Bad Request', 'order must be order[updated_at|id]=asc|desc');
  const keys = entries as Array<[(typeof ORDER_FIELDS)[number], 'asc' | 'desc']>;
  return [...items].sort((a, b) => {
    for (const [field, direction] of keys) if (a[field] !== b[field]) return (a[field] - b[field]) * (direction === 'asc' ? 1 : -1);
    return a.id - b.id;
  });
}

/**
 * The `filter[...]` keys a list supports here. API filtering is a paid "Alpha" add-on in amoCRM (https://www.amocrm.ru/developers/content/crm_platform/filters-api) and
 * what it answers when the add-on is off is unconfirmed; the emulator refuses any other key with 400 instead of
 * silently returning the unfiltered list, so a client never depends on a filter the sandbox did not apply.
 */
export function allowFilters(req: Request, allowed: readonly string[]): void {
  const filter = req.query['filter'];
  if (filter === undefined) return;
  const keys = filter !== null && typeof filter === 'object' && !Array.isArray(filter) ? Object.keys(filter) : ['(malformed)'];
  const unsupported = keys.filter((key) => !allowed.includes(key));
  if (unsupported.length > 0)
    throw new ApiProblem(400, 'Bad Request', `Unsupported filter: ${unsupported.map((k) => `filter[${k}]`).join(', ')}; supported here: ${allowed.map((k) => `filter[${k}]`).join(', ')}`);
}
