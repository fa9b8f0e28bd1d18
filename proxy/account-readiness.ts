/**
 * "May this account call МойСклад now?" and "may the sync work on it?", decided here only. Every job (through
 * proxy/sync/account-clients.ts), the widget's routes (proxy/services/moysklad-connection.ts), the scheduler and the
 * sync CLI ask these functions, so they can never disagree about an account.
 *
 * МойСклад answers 401 once a token is revoked (a password change, a new token of the same user, an admin's revoke).
 * The first 401 sets `needs_reauth` (and stops every client of that token in this process at once: see
 * proxy/moysklad/transport.ts); from then on nothing calls МойСклад for the account until an admin connects it again
 * (which stores a new token and clears the flag). Repeating requests that fail the same way is one of МойСклад's
 * automatic block triggers.
 */

/** The fields of an account these rules read (the repository's record and the services' view both have them). */
export interface AccountFacts {
  status: 'active' | 'revoked';
  moyskladConnected: boolean;
  needsReauth: boolean;
  hasAmoTokens: boolean;
  needsReinstall: boolean;
}

export type MoySkladAccess = 'connected' | 'needs_reauth' | 'not_connected';

export function moyskladAccess(account: Pick<AccountFacts, 'moyskladConnected' | 'needsReauth'> & Partial<Pick<AccountFacts, 'status'>> | null): MoySkladAccess {
  if (!account?.moyskladConnected || account.status === 'revoked') return 'not_connected';
  return account.needsReauth ? 'needs_reauth' : 'connected';
}

export type AmoAccess = 'installed' | 'needs_reinstall';

export function amoAccess(account: Pick<AccountFacts, 'status' | 'hasAmoTokens' | 'needsReinstall'> | null): AmoAccess {
  return account !== null && account.status === 'active' && account.hasAmoTokens && !account.needsReinstall ? 'installed' : 'needs_reinstall';
}

/** Why the sync cannot work on an account now (a human has to act), or null when both sides are usable. */
export type SyncBlocker = 'unknown_account' | 'moysklad_not_connected' | 'moysklad_needs_reauth' | 'amocrm_not_installed';

export function syncBlocker(account: AccountFacts | null): SyncBlocker | null {
  if (!account) return 'unknown_account';
  const moysklad = moyskladAccess(account);
  if (moysklad === 'not_connected') return 'moysklad_not_connected';
  if (moysklad === 'needs_reauth') return 'moysklad_needs_reauth';
  return amoAccess(account) === 'installed' ? null : 'amocrm_not_installed';
}

/**
 * The stored МойСклад token when the account may call МойСклад now; otherwise why not. The one way to a token for
 * anything that calls МойСклад on an account's behalf.
 */
export async function moyskladTokenIfAllowed(
  accounts: { find(accountId: number): Promise<(Pick<AccountFacts, 'moyskladConnected' | 'needsReauth'> & Partial<Pick<AccountFacts, 'status'>>) | null>; moyskladToken(accountId: number): Promise<string | null> },
  accountId: number,
): Promise<{ access: 'connected'; token: string } | { access: Exclude<MoySkladAccess, 'connected'> }> {
  const access = moyskladAccess(await accounts.find(accountId));
  if (access !== 'connected') return { access };
  const token = await accounts.moyskladToken(accountId);
  return token ? { access, token } : { access: 'not_connected' };
}
