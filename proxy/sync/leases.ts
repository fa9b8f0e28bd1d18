import { setTimeout as sleep } from 'node:timers/promises';
import type { RuleContext } from './rule-context.js';

/** A lease outlives a stalled holder by this much; holders renew it well before (every third of it). */
const LEASE_TTL_MS = 10_000;
/** How long a job waits for another job's lease on the same buyer before giving up (it is retried later). */
const MAX_WAIT_MS = 60_000;

/** Another job held a lease for too long: retried by the queue (ordinary error, not permanent). */
class LeaseBusyError extends Error {
  constructor(keys: readonly string[]) {
    super(`entities still busy in another job: ${keys.slice(0, 5).join(', ')}${keys.length > 5 ? '…' : ''}`);
    this.name = 'LeaseBusyError';
  }
}

export const buyerLease = (moyskladId: string) => `buyer:${moyskladId}`;
export const productLease = (moyskladId: string) => `product:${moyskladId}`;

/**
 * Runs `work` while holding the leases of `keys` (taken all at once where free, waiting briefly for the rest). This
 * is the per-buyer order that replaces running an account's jobs one at a time: a till sale to a new buyer fires
 * counterparty, sale and bonus webhooks together, and only the job holding the buyer's lease creates its customer;
 * the others then find the link. A job holds at most the leases of one page, so live jobs wait seconds at most.
 */
export async function withLeases<T>(ctx: RuleContext, keys: readonly string[], work: () => Promise<T>): Promise<T> {
  const wanted = [...new Set(keys)];
  if (wanted.length === 0) return work();
  const held = new Set<string>();
  const deadline = Date.now() + MAX_WAIT_MS;
  let pause = 10;
  try {
    for (;;) {
      const missing = wanted.filter((key) => !held.has(key));
      for (const key of await ctx.leases.acquire(ctx.accountId, missing, ctx.leaseOwner, LEASE_TTL_MS)) held.add(key);
      if (held.size === wanted.length) break;
      if (Date.now() > deadline) throw new LeaseBusyError(wanted.filter((key) => !held.has(key)));
      ctx.signal?.throwIfAborted();
      await sleep(pause);
      pause = Math.min(200, pause * 2);
    }
    const renew = setInterval(() => {
      ctx.leases.acquire(ctx.accountId, [...held], ctx.leaseOwner, LEASE_TTL_MS).catch((error: unknown) => ctx.logger.warn({ err: error }, 'renewing entity leases failed'));
    }, LEASE_TTL_MS / 3);
    renew.unref();
    try {
      return await work();
    } finally {
      clearInterval(renew);
    }
  } finally {
    if (held.size > 0) await ctx.leases.release(ctx.accountId, [...held], ctx.leaseOwner);
  }
}
