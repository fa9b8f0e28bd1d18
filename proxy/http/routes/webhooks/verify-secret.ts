import { timingSafeEqual } from 'node:crypto';
import type { AccountsRepository, WebhookService } from '../../../db/repositories/accounts.js';

/**
 * Neither МойСклад nor amoCRM signs webhooks, so each account's URL for each service carries a random secret of its
 * own. A webhook is accepted only for an active account and the secret of the service whose route it came to,
 * compared in constant time. An unknown account, a revoked one and a wrong secret look the same to the caller.
 */
export async function webhookAccepted(accounts: AccountsRepository, accountId: number, service: WebhookService, presented: string): Promise<boolean> {
  if (!Number.isSafeInteger(accountId) || accountId <= 0) return false;
  const account = await accounts.find(accountId);
  // A revoked account's webhooks are refused, whatever secret they carry (its URLs are also re-keyed on revoke).
  if (account?.status !== 'active') return false;
  const secret = await accounts.webhookSecret(accountId, service);
  if (!secret) return false;
  const a = Buffer.from(secret);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}
