import { moyskladAccess, moyskladTokenIfAllowed, type MoySkladAccess } from '../account-readiness.js';
import type { AccountRecord, AccountsRepository } from '../db/repositories/accounts.js';
import { ServiceError } from './service-error.js';

export type MoySkladConnectionState = MoySkladAccess;

/** Whether an account can work with МойСклад now: proxy/account-readiness.ts decides (status, card, bonus, sync agree). */
export function moyskladConnectionState(account: Pick<AccountRecord, 'moyskladConnected' | 'needsReauth'> & Partial<Pick<AccountRecord, 'status'>> | null): MoySkladConnectionState {
  return moyskladAccess(account);
}

/** The widget's 409 problems for an account that cannot work with МойСклад: the widget shows "connect it" for both. */
export function requireMoySkladConnected(account: Pick<AccountRecord, 'moyskladConnected' | 'needsReauth'> & Partial<Pick<AccountRecord, 'status'>> | null): void {
  const state = moyskladConnectionState(account);
  if (state === 'needs_reauth') throw new ServiceError('moysklad_needs_reauth');
  if (state === 'not_connected') throw new ServiceError('not_connected');
}

/**
 * Runs `work` with the account's МойСклад token, only while the account may call МойСклад (409 otherwise, without a
 * request). A 401 on the way marks the account `needs_reauth` (so jobs, other routes and other processes stop too) and
 * answers 409 `moysklad_needs_reauth`. Every widget route that calls МойСклад on an account's behalf goes through here.
 */
export async function withMoySkladToken<T>(accounts: Pick<AccountsRepository, 'find' | 'moyskladToken' | 'markMoySkladNeedsReauth'>, accountId: number, work: (token: string) => Promise<T>): Promise<T> {
  const token = await moyskladTokenFor(accounts, accountId);
  try {
    return await work(token);
  } catch (error) {
    if (await noteAuthFailure(accounts, accountId, error)) throw new ServiceError('moysklad_needs_reauth');
    throw error;
  }
}

/** A МойСклад 401 (the stored token was revoked): marks the account so nothing calls МойСклад until a reconnect. */
export async function noteAuthFailure(accounts: Pick<AccountsRepository, 'markMoySkladNeedsReauth'>, accountId: number, error: unknown): Promise<boolean> {
  if (!(error instanceof ServiceError) || error.code !== 'moysklad_auth_failed') return false;
  await accounts.markMoySkladNeedsReauth(accountId);
  return true;
}

/** The account's МойСклад token while it may call МойСклад; 409 `moysklad_needs_reauth` / `not_connected` otherwise. */
export async function moyskladTokenFor(accounts: Pick<AccountsRepository, 'find' | 'moyskladToken'>, accountId: number): Promise<string> {
  const allowed = await moyskladTokenIfAllowed(accounts, accountId);
  if (allowed.access !== 'connected') throw new ServiceError(allowed.access === 'needs_reauth' ? 'moysklad_needs_reauth' : 'not_connected');
  return allowed.token;
}
