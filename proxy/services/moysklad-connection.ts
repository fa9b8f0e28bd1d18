import type { AccountView } from './ports.js';
import { ServiceError } from './service-error.js';

export type MoySkladConnectionState = 'connected' | 'needs_reauth' | 'not_connected';

/** Whether an account can work with МойСклад now: decided here only (status, card and bonus routes agree). */
export function moyskladConnectionState(account: Pick<AccountView, 'moyskladConnected' | 'needsReauth'> | null): MoySkladConnectionState {
  if (!account?.moyskladConnected) return 'not_connected';
  return account.needsReauth ? 'needs_reauth' : 'connected';
}

/** The widget's 409 problems for an account that cannot work with МойСклад: the widget shows "connect it" for both. */
export function requireMoySkladConnected(account: Pick<AccountView, 'moyskladConnected' | 'needsReauth'> | null): void {
  const state = moyskladConnectionState(account);
  if (state === 'needs_reauth') throw new ServiceError(409, 'moysklad_needs_reauth');
  if (state === 'not_connected') throw new ServiceError(409, 'not_connected');
}
