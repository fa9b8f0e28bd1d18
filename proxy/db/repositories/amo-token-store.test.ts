import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeEach, expect, it } from 'vitest';
import { createSecretBox } from '../../crypto/secret-box.js';
import { describeEachDatabase, useTestDatabase } from '../../test-support/databases.js';
import { AccountsRepository } from './accounts.js';
import { AmoTokenStore, RefreshLockTimeoutError } from './amo-token-store.js';

const secrets = createSecretBox(randomBytes(32));

describeEachDatabase('AmoTokenStore', (kind) => {
  const database = useTestDatabase(kind);
  let storeA: AmoTokenStore;
  let storeB: AmoTokenStore;
  beforeEach(async () => {
    const accountsA = new AccountsRepository(database().db, secrets);
    // A second "process": its own connection and its own lease owner.
    storeA = new AmoTokenStore(accountsA, { pollMs: 5 });
    storeB = new AmoTokenStore(new AccountsRepository(database().connectAgain().db, secrets), { pollMs: 5 });
    await accountsA.saveAmoTokens(77, 'shop', { accessToken: 'a1', refreshToken: 'r1', expiresAt: 1 });
  });

  it('loads and saves tokens, including long-lived ones without a refresh token', async () => {
    expect(await storeA.load('77')).toEqual({ accessToken: 'a1', refreshToken: 'r1', expiresAt: 1 });
    await storeB.save('77', { accessToken: 'long', refreshToken: null, expiresAt: null });
    expect(await storeA.load(77)).toEqual({ accessToken: 'long', refreshToken: null, expiresAt: null });
    await expect(storeA.save('78', { accessToken: 'x', refreshToken: null, expiresAt: null })).rejects.toThrow(/unknown account/);
    await expect(storeA.load('not-a-number')).rejects.toThrow(/positive integer/);
  });

  it('runs one refresh at a time across processes and within one; waiters see the stored pair', async () => {
    let inside = 0;
    let maxInside = 0;
    let refreshes = 0;
    // Each caller refreshes only if the token it reads under the lock is still the old one, as the amoCRM client does.
    const refreshIfStale = (store: AmoTokenStore) =>
      store.withRefreshLock('77', async () => {
        inside += 1;
        maxInside = Math.max(maxInside, inside);
        const current = await store.load('77');
        if (current?.refreshToken === 'r1') {
          refreshes += 1;
          await sleep(30);
          await store.save('77', { accessToken: 'a2', refreshToken: 'r2', expiresAt: 2 });
        }
        inside -= 1;
        return (await store.load('77'))?.accessToken;
      });
    const results = await Promise.all([refreshIfStale(storeA), refreshIfStale(storeB), refreshIfStale(storeA), refreshIfStale(storeB)]);
    expect(results).toEqual(['a2', 'a2', 'a2', 'a2']);
    expect(refreshes).toBe(1);
    expect(maxInside).toBe(1);
  });

  it('releases the lock when the refresh throws, and times out a waiter', async () => {
    await expect(storeA.withRefreshLock('77', async () => Promise.reject(new Error('amoCRM down')))).rejects.toThrow('amoCRM down');
    expect(await storeB.withRefreshLock('77', async () => 'free again')).toBe('free again');

    const impatient = new AmoTokenStore(new AccountsRepository(database().connectAgain().db, secrets), { pollMs: 5, waitMs: 50 });
    let release!: () => void;
    const holding = storeA.withRefreshLock('77', () => new Promise<void>((resolve) => (release = resolve)));
    await sleep(20);
    await expect(impatient.withRefreshLock('77', async () => 'never')).rejects.toThrow(RefreshLockTimeoutError);
    release();
    await holding;
  });
});
