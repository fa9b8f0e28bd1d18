import { beforeEach, describe, expect, it } from 'vitest';
import { describeEachDatabase, useTestDatabase } from '../test-support/databases.js';
import { retryDelayMs } from './backoff.js';
import { JobQueue } from './job-queue.js';

const LEASE_MS = 30_000;

describe('retryDelayMs', () => {
  it('grows exponentially, is capped, and is jittered between half and the full delay', () => {
    const policy = { baseMs: 1_000, maxMs: 5_000 };
    expect([1, 2, 3, 4, 5].map((attempt) => retryDelayMs(attempt, policy, () => 1))).toEqual([1_000, 2_000, 4_000, 5_000, 5_000]);
    expect(retryDelayMs(3, policy, () => 0)).toBe(2_000);
    expect(retryDelayMs(3, policy, () => 0.5)).toBe(3_000);
  });
});

describeEachDatabase('JobQueue', (kind) => {
  const database = useTestDatabase(kind);
  let clock: number;
  let queue: JobQueue;

  beforeEach(() => {
    clock = 1_700_000_000_000;
    queue = new JobQueue(database(), { now: () => clock, random: () => 1, backoff: { baseMs: 1_000, maxMs: 60_000 } });
  });

  it('dedupes a waiting job by job_key, but not one that already started', async () => {
    const first = await queue.enqueue({ kind: 'sync.buyer', jobKey: 'buyer:1', payload: { id: 1 } });
    const duplicate = await queue.enqueue({ kind: 'sync.buyer', jobKey: 'buyer:1', payload: { id: 1 } });
    expect(duplicate).toEqual({ id: first.id, deduplicated: true });

    const [claimed] = await queue.claim('w1', ['sync.buyer'], 10, LEASE_MS);
    expect(claimed?.id).toBe(first.id);
    const afterStart = await queue.enqueue({ kind: 'sync.buyer', jobKey: 'buyer:1', payload: { id: 1 } });
    expect(afterStart.deduplicated).toBe(false);
    expect(afterStart.id).not.toBe(first.id);
  });

  it('claims only due jobs of the requested kinds, oldest first, and hands each out once', async () => {
    const a = await queue.enqueue({ kind: 'a', payload: { n: 1 } });
    const b = await queue.enqueue({ kind: 'a', payload: { n: 2 } });
    await queue.enqueue({ kind: 'other' });
    await queue.enqueue({ kind: 'a', runAt: clock + 10_000 });

    const claimed = await queue.claim('w1', ['a'], 10, LEASE_MS);
    expect(claimed.map((j) => [j.id, j.payload, j.attempts, j.lockedBy, j.lockedUntil])).toEqual([
      [a.id, { n: 1 }, 1, 'w1', clock + LEASE_MS],
      [b.id, { n: 2 }, 1, 'w1', clock + LEASE_MS],
    ]);
    expect(await queue.claim('w2', ['a'], 10, LEASE_MS)).toEqual([]);
    clock += 10_000;
    expect(await queue.claim('w2', ['a'], 10, LEASE_MS)).toHaveLength(1);
  });

  it('retries with backoff stored in run_at, then fails terminally with the error', async () => {
    const { id } = await queue.enqueue({ kind: 'flaky', maxAttempts: 3 });
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      const [job] = await queue.claim('w1', ['flaky'], 1, LEASE_MS);
      expect(job?.attempts).toBe(attempt);
      const state = await queue.fail(job!, 'w1', `boom ${attempt}`);
      expect(state).toBe(attempt < 3 ? 'available' : 'failed');
      const row = await queue.get(id);
      if (attempt < 3) {
        delays.push(row!.runAt - clock);
        expect(await queue.claim('w1', ['flaky'], 1, LEASE_MS)).toEqual([]); // not due yet
        clock = row!.runAt;
      }
    }
    expect(delays).toEqual([1_000, 2_000]);
    const failed = await queue.get(id);
    expect(failed).toMatchObject({ state: 'failed', lastError: 'boom 3', lockedBy: null });
    expect(await queue.counts()).toEqual({ pending: 0, running: 0, failed: 1 });
    expect(await queue.listFailed()).toEqual([{ id, kind: 'flaky', error: 'boom 3', problem: null, failedAt: new Date(clock).toISOString() }]);
  });

  it('a permanent error skips the remaining attempts; retryFailed gives the job a fresh start', async () => {
    const { id } = await queue.enqueue({ kind: 'k', accountId: 42, maxAttempts: 5 });
    const [job] = await queue.claim('w1', ['k'], 1, LEASE_MS);
    expect(await queue.fail(job!, 'w1', 'bad payload', { permanent: true })).toBe('failed');

    expect(await queue.retryFailed(id, 7)).toBe(false); // another account cannot retry it
    expect(await queue.retryFailed(id, 42)).toBe(true);
    expect(await queue.retryFailed(id, 42)).toBe(false); // no longer failed
    const [again] = await queue.claim('w1', ['k'], 1, LEASE_MS);
    expect(again).toMatchObject({ id, attempts: 1, state: 'running' });
  });

  it('keeps the readable problem of a failure; skipFailed sets a failed job of the account aside as done', async () => {
    const problem = { entity: { type: 'counterparty', moyskladId: 'ms-1', name: 'Иван' }, field: 'name', message: 'This value is too long.', hint: 'fix_in_moysklad' as const };
    const { id } = await queue.enqueue({ kind: 'sync.entity', accountId: 42, maxAttempts: 5 });
    const [job] = await queue.claim('w1', ['sync.entity'], 1, LEASE_MS);
    expect(await queue.fail(job!, 'w1', 'amoCRM refused the request (HTTP 400)', { permanent: true, problem })).toBe('failed');
    expect(await queue.listFailed({ accountId: 42 })).toEqual([{ id, kind: 'sync.entity', error: 'amoCRM refused the request (HTTP 400)', problem, failedAt: new Date(clock).toISOString() }]);
    // A row whose problem does not parse (an older or foreign shape) shows the raw error only.
    await database().db.updateTable('jobs').set({ problem_json: '{"hint":"dance"}' }).where('id', '=', id).execute();
    expect((await queue.listFailed())[0]?.problem).toBeNull();

    expect(await queue.skipFailed(id, 7)).toBe(false); // another account cannot skip it
    expect(await queue.skipFailed(id, 42)).toBe(true);
    expect(await queue.skipFailed(id, 42)).toBe(false); // no longer failed
    expect(await queue.get(id)).toMatchObject({ state: 'completed', lastError: 'amoCRM refused the request (HTTP 400)' });
    expect(await queue.counts(42)).toEqual({ pending: 0, running: 0, failed: 0 });
    expect(await queue.claim('w1', ['sync.entity'], 1, LEASE_MS)).toEqual([]);
  });

  it('returns an expired lease to the queue; the stale worker can no longer complete or fail it', async () => {
    const { id } = await queue.enqueue({ kind: 'k', maxAttempts: 3 });
    const [job] = await queue.claim('stale', ['k'], 1, LEASE_MS);

    expect(await queue.returnExpiredLeases()).toBe(0); // lease still valid
    clock += LEASE_MS + 1;
    expect(await queue.returnExpiredLeases()).toBe(1);

    const [reclaimed] = await queue.claim('fresh', ['k'], 1, LEASE_MS);
    expect(reclaimed).toMatchObject({ id, attempts: 2, lockedBy: 'fresh' });
    expect(await queue.complete(id, 'stale')).toBe(false);
    expect(await queue.fail(job!, 'stale', 'late failure')).toBeNull();
    expect(await queue.extendLease(id, 'stale', LEASE_MS)).toBe(false);
    expect(await queue.complete(id, 'fresh')).toBe(true);
    expect(await queue.get(id)).toMatchObject({ state: 'completed', lockedBy: null });
  });

  it('fails a job whose lease expires on its last attempt', async () => {
    const { id } = await queue.enqueue({ kind: 'k', maxAttempts: 1 });
    await queue.claim('w1', ['k'], 1, LEASE_MS);
    clock += LEASE_MS + 1;
    expect(await queue.returnExpiredLeases()).toBe(1);
    expect(await queue.get(id)).toMatchObject({ state: 'failed', lastError: expect.stringMatching(/lease expired/) });
  });

  it('extendLease keeps a long job from being swept', async () => {
    const { id } = await queue.enqueue({ kind: 'k' });
    await queue.claim('w1', ['k'], 1, LEASE_MS);
    clock += LEASE_MS - 1;
    expect(await queue.extendLease(id, 'w1', LEASE_MS)).toBe(true);
    clock += LEASE_MS - 1;
    expect(await queue.returnExpiredLeases()).toBe(0);
  });

  it('keeps per-entity order: a job waits while an earlier one with its ordering key is pending or running', async () => {
    const first = await queue.enqueue({ kind: 'k', orderingKey: 'buyer:1' });
    const second = await queue.enqueue({ kind: 'k', orderingKey: 'buyer:1' });
    const other = await queue.enqueue({ kind: 'k', orderingKey: 'buyer:2' });

    const batch = await queue.claim('w1', ['k'], 10, LEASE_MS);
    expect(batch.map((j) => j.id)).toEqual([first.id, other.id]);
    expect(await queue.claim('w2', ['k'], 10, LEASE_MS)).toEqual([]);

    // A retry of the first job (with backoff) still blocks the second one.
    expect(await queue.fail(batch[0]!, 'w1', 'try again')).toBe('available');
    expect(await queue.claim('w2', ['k'], 10, LEASE_MS)).toEqual([]);
    clock += 60_000;
    const [retried] = await queue.claim('w2', ['k'], 10, LEASE_MS);
    expect(retried?.id).toBe(first.id);
    await queue.complete(first.id, 'w2');
    const [next] = await queue.claim('w2', ['k'], 10, LEASE_MS);
    expect(next?.id).toBe(second.id);
  });

  it('release on shutdown hands a job back without spending an attempt', async () => {
    const { id } = await queue.enqueue({ kind: 'k' });
    await queue.claim('w1', ['k'], 1, LEASE_MS);
    expect(await queue.release(id, 'w1')).toBe(true);
    expect(await queue.get(id)).toMatchObject({ state: 'available', attempts: 0, lockedBy: null });
  });

  it('a retried job gives up its key when an equal job is already waiting', async () => {
    const { id } = await queue.enqueue({ kind: 'k', jobKey: 'same' });
    const [job] = await queue.claim('w1', ['k'], 1, LEASE_MS);
    const newer = await queue.enqueue({ kind: 'k', jobKey: 'same' });
    expect(await queue.fail(job!, 'w1', 'oops')).toBe('available');
    expect(await queue.get(id)).toMatchObject({ state: 'available', jobKey: null });
    expect(await queue.get(newer.id)).toMatchObject({ state: 'available', jobKey: 'same' });
  });

  it('enqueue inside a transaction is rolled back with it (outbox)', async () => {
    const { db } = database();
    await expect(
      db.transaction().execute(async (trx) => {
        await queue.enqueue({ kind: 'k', jobKey: 'outbox' }, trx);
        throw new Error('domain write failed');
      }),
    ).rejects.toThrow('domain write failed');
    expect(await queue.counts()).toEqual({ pending: 0, running: 0, failed: 0 });

    await db.transaction().execute((trx) => queue.enqueue({ kind: 'k', jobKey: 'outbox' }, trx));
    expect(await queue.counts()).toEqual({ pending: 1, running: 0, failed: 0 });
  });

  it('counts per account and prunes old completed jobs', async () => {
    await queue.enqueue({ kind: 'k', accountId: 1 });
    await queue.enqueue({ kind: 'k', accountId: 2 });
    const [job] = await queue.claim('w1', ['k'], 1, LEASE_MS);
    await queue.complete(job!.id, 'w1');
    expect(await queue.counts(1)).toEqual({ pending: 0, running: 0, failed: 0 });
    expect(await queue.counts(2)).toEqual({ pending: 1, running: 0, failed: 0 });
    clock += 1_000;
    expect(await queue.pruneCompleted(clock)).toBe(1);
    expect(await queue.get(job!.id)).toBeUndefined();
  });
});
