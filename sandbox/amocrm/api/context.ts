import type { Request, Response } from 'express';
import type { ApiCaller } from '../auth/bearer.js';
import { forbidden } from '../http/problem.js';
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

export function queryText(req: Request): string | null {
  const raw = req.query['query'];
  return typeof raw === 'string' || typeof raw === 'number' ? String(raw).trim() || null : null;
}

/** Parses a positive integer path parameter; anything else can't be an amoCRM id. */
export function idParam(req: Request, name: string): number | null {
  const value = Number(req.params[name]);
  return Number.isInteger(value) && value > 0 ? value : null;
}
