import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AccountsRepository, AmoTokens } from './accounts.js';

export interface AmoTokenStoreOptions {
  /** How long one refresh may hold the lock; must outlive the token HTTP call (default 45 s). */
  leaseMs?: number;
  /** Give up waiting for another process's refresh after this long (default 60 s). */
  waitMs?: number;
  pollMs?: number;
}

export class RefreshLockTimeoutError extends Error {
  constructor(accountId: number) {
    super(`timed out waiting for the amoCRM token refresh lock of account ${accountId}`);
    this.name = 'RefreshLockTimeoutError';
  }
}

/**
 * amoCRM tokens stored in the accounts table (encrypted), with a cross-process single-flight refresh lock.
 * Shaped like `TokenStore` in proxy/amocrm/token-store.ts (account ids arrive as strings there).
 *
 * amoCRM refresh tokens are single-use, so only the lease holder refreshes; a waiter re-reads the tokens
 * after getting the lock and finds the fresh pair. Each store instance has its own lease owner id, so use one
 * instance per process.
 */
export class AmoTokenStore {
  private readonly owner = `refresh-${randomUUID()}`;
  private readonly leaseMs: number;
  private readonly waitMs: number;
  private readonly pollMs: number;
  private readonly localQueue = new Map<number, Promise<unknown>>();

  constructor(
    private readonly accounts: AccountsRepository,
    options: AmoTokenStoreOptions = {},
  ) {
    this.leaseMs = options.leaseMs ?? 45_000;
    this.waitMs = options.waitMs ?? 60_000;
    this.pollMs = options.pollMs ?? 100;
  }

  async load(accountId: string | number): Promise<AmoTokens | null> {
    return this.accounts.amoTokens(toAccountId(accountId));
  }

  async save(accountId: string | number, tokens: AmoTokens): Promise<void> {
    const id = toAccountId(accountId);
    if (!(await this.accounts.updateAmoTokens(id, tokens))) throw new Error(`unknown account ${id}`);
  }

  /** Exclusive per account: callers in this process queue up locally, other processes via the database lease. */
  withRefreshLock<T>(accountId: string | number, fn: () => Promise<T>): Promise<T> {
    const id = toAccountId(accountId);
    const previous = this.localQueue.get(id) ?? Promise.resolve();
    const run = previous.then(() => this.withDatabaseLease(id, fn));
    const tail = run.catch(() => undefined);
    this.localQueue.set(id, tail);
    void tail.then(() => {
      if (this.localQueue.get(id) === tail) this.localQueue.delete(id);
    });
    return run;
  }

  // The lease is re-entrant for its owner, and the owner is per instance, so local callers must be serialised
  // above; here only one call per account and process is ever inside.
  private async withDatabaseLease<T>(id: number, fn: () => Promise<T>): Promise<T> {
    if (!(await this.accounts.find(id))) throw new Error(`unknown account ${id}`);
    const deadline = Date.now() + this.waitMs;
    while (!(await this.accounts.tryAcquireRefreshLock(id, this.owner, this.leaseMs))) {
      if (Date.now() > deadline) throw new RefreshLockTimeoutError(id);
      await sleep(this.pollMs);
    }
    try {
      return await fn();
    } finally {
      await this.accounts.releaseRefreshLock(id, this.owner);
    }
  }
}

function toAccountId(value: string | number): number {
  const id = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(id) || id <= 0) throw new Error('amoCRM account id must be a positive integer');
  return id;
}
