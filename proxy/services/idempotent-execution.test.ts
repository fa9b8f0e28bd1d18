import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDatabase } from '../test-support/databases.js';
import { createTestDatabase, type TestDatabase } from '../test-support/databases.js';
import { IdempotencyKeysRepository } from '../db/repositories/idempotency-keys.js';
import { requestHash, runOnce } from './idempotent-execution.js';
import { ServiceError } from './service-error.js';

const timing = { ttlMs: 60_000, waitMs: 300, pollMs: 5 };

describeEachDatabase('runOnce over the idempotency_keys table', (kind) => {
  let database: TestDatabase;
  let store: IdempotencyKeysRepository;
  beforeEach(async () => {
    database = await createTestDatabase(kind);
    const now = Date.now();
    await database.db.insertInto('accounts').values({ id: 1, subdomain: 'a', status: 'active', needs_reinstall: 0, needs_reauth: 0, settings_json: '{}', webhook_secret_enc: 'x', created_at: now, updated_at: now }).execute();
    store = new IdempotencyKeysRepository(database.db);
  });
  afterEach(async () => database.dispose());

  const scope = (key: string, body: unknown = { amount: 1 }) => ({ accountId: 1, key, hash: requestHash(body) });

  it('runs the work once for concurrent callers from two connections and gives all the same answer', async () => {
    const other = new IdempotencyKeysRepository(database.connectAgain().db);
    let runs = 0;
    const work = async () => {
      runs++;
      await new Promise((resolve) => setTimeout(resolve, 30));
      return { run: runs };
    };
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => runOnce(i % 2 ? store : other, scope('k1'), work, timing)));
    expect(runs).toBe(1);
    expect(answers).toEqual(Array(10).fill({ run: 1 }));
  });

  it('a definite refusal is stored and replayed; a 5xx releases the key so a retry runs again', async () => {
    const refusal = { code: 'bonus_insufficient_points', extra: { balance: 40 } };
    await expect(runOnce(store, scope('k2'), async () => { throw new ServiceError('bonus_insufficient_points', { balance: 40 }); }, timing)).rejects.toMatchObject(refusal);
    // The retry meets the same refusal with the same details (here: the balance the widget shows), without running.
    let ran = false;
    const retry = runOnce(store, scope('k2'), async () => { ran = true; return 'never'; }, timing);
    await expect(retry).rejects.toBeInstanceOf(ServiceError);
    await expect(retry).rejects.toMatchObject(refusal);
    expect(ran).toBe(false);
    // A transient refusal (МойСклад unreachable) is not an answer: the key is released and a retry runs again.
    await expect(runOnce(store, scope('k3'), async () => { throw new ServiceError('moysklad_unreachable'); }, timing)).rejects.toMatchObject({ code: 'moysklad_unreachable' });
    expect(await store.lookup(1, 'k3')).toBeNull();
    expect(await runOnce(store, scope('k3'), async () => 'ok', timing)).toBe('ok');
  });

  it('an in-progress key abandoned by a dead process is taken over after the stale period', async () => {
    let clock = Date.now();
    const clocked = new IdempotencyKeysRepository(database.db, () => clock, 1_000);
    expect((await clocked.claim(1, 'k6', 'h', 60_000)).kind).toBe('claimed');
    expect((await clocked.claim(1, 'k6', 'h', 60_000)).kind).toBe('existing');
    clock += 1_001;
    expect((await clocked.claim(1, 'k6', 'h', 60_000)).kind).toBe('claimed');
    await clocked.complete(1, 'k6', { kind: 'completed', body: 'done' });
    clock += 10_000; // a completed answer is never taken over, only expired
    expect(await clocked.claim(1, 'k6', 'h', 60_000)).toEqual({ kind: 'existing', requestHash: 'h', answer: { kind: 'completed', body: 'done' } });
  });

  it('a different request with the same key is refused; a waiter gives up with 409 when the first never finishes', async () => {
    await runOnce(store, scope('k4', { amount: 1 }), async () => 1, timing);
    await expect(runOnce(store, scope('k4', { amount: 2 }), async () => 2, timing)).rejects.toMatchObject({ code: 'idempotency_key_reused' });
    await store.claim(1, 'k5', requestHash({ amount: 1 }), 60_000); // an owner that never completes
    await expect(runOnce(store, scope('k5'), async () => 0, timing)).rejects.toMatchObject({ code: 'idempotency_in_progress' });
  });
});
