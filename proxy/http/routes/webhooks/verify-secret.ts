import { timingSafeEqual } from 'node:crypto';
import type { AccountsRepository } from '../../../db/repositories/accounts.js';

/**
 * Neither МойСклад nor amoCRM signs webhooks, so each account's URLs carry a random secret. Compared in constant
 * time; an unknown account and a wrong secret look the same to the caller.
 */
export async function webhookSecretMatches(accounts: AccountsRepository, accountId: number, presented: string): Promise<boolean> {
  if (!Number.isSafeInteger(accountId) || accountId <= 0) return false;
  const secret = await accounts.webhookSecret(accountId);
  if (!secret) return false;
  const a = Buffer.from(secret);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}
