import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createLogger } from '../logger.js';
import { describeEachDatabase, useTestDatabase } from '../test-support/databases.js';
import { JobQueue } from './job-queue.js';
import { PermanentJobError, Worker, defineJobHandler } from './worker.js';

const logger = createLogger({ level: 'silent' });
const fastBackoff = { baseMs: 5, maxMs: 20 };

/** Queue drained: nothing waiting, nothing running. */
const drained = async (queue: JobQueue) => {
  const counts = await queue.counts();
  expect(counts.pending + counts.running).toBe(0);
};
const waitOptions = { timeout: 10_000, interval: 10 };

describeEachDatabase('Worker', (kind) => {
  const database = useTestDatabase(kind);
  const workers: Worker[] = [];
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop(1_000)));
  });
  const startWorker = (options: ConstructorParameters<typeof Worker>[0]) => {
    const worker = new Worker(options);
    workers.push(worker);
    worker.start();
    return worker;
  };

  it('two workers on two connections process 200 jobs, each exactly once', async () => {
    const first = database();
    const second = first.connectAgain();
    const queueA = new JobQueue(first);
    const queueB = new JobQueue(second);
    const handled = new Map<number, string[]>();
    const handlerFor = (name: string) =>
      defineJobHandler(z.object({ n: z.number().int() }), async ({ n }) => {
        handled.set(n, [...(handled.get(n) ?? []), name]);
        await sleep(1); // let the other worker interleave
      });
    for (let n = 0; n < 200; n += 1) await queueA.enqueue({ kind: 'count', payload: { n } });

    startWorker({ queue: queueA, handlers: { count: handlerFor('A') }, logger, concurrency: 4, pollIntervalMs: 20 });
    startWorker({ queue: queueB, handlers: { count: handlerFor('B') }, logger, concurrency: 4, pollIntervalMs: 20 });
    await vi.waitFor(() => drained(queueA), waitOptions);

    expect(handled.size).toBe(200);
    expect([...handled.values()].every((by) => by.length === 1)).toBe(true);
    const byWorker = [...handled.values()].flat();
    expect(byWorker).toContain('A');
    expect(byWorker).toContain('B');
    const { rows } = await first.db.selectFrom('jobs').select(['state', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('state').execute().then((r) => ({ rows: r }));
    expect(rows.map((r) => [r.state, Number(r.n)])).toEqual([['completed', 200]]);
  });

  it('two workers keep per-entity order: jobs with one ordering key run one at a time, oldest first', async () => {
    const first = database();
    const queueA = new JobQueue(first);
    const queueB = new JobQueue(first.connectAgain());
    const runningByKey = new Map<string, number>();
    const orderByKey = new Map<string, number[]>();
    let overlaps = 0;
    const handler = defineJobHandler(z.object({ key: z.string(), seq: z.number() }), async ({ key, seq }) => {
      if (runningByKey.get(key)) overlaps += 1;
      runningByKey.set(key, 1);
      orderByKey.set(key, [...(orderByKey.get(key) ?? []), seq]);
      await sleep(2);
      runningByKey.set(key, 0);
    });
    for (let seq = 0; seq < 10; seq += 1) {
      for (const key of ['buyer:1', 'buyer:2', 'buyer:3']) await queueA.enqueue({ kind: 'ordered', orderingKey: key, payload: { key, seq } });
    }
    startWorker({ queue: queueA, handlers: { ordered: handler }, logger, concurrency: 3, pollIntervalMs: 10 });
    startWorker({ queue: queueB, handlers: { ordered: handler }, logger, concurrency: 3, pollIntervalMs: 10 });
    await vi.waitFor(() => drained(queueA), waitOptions);

    expect(overlaps).toBe(0);
    for (const key of ['buyer:1', 'buyer:2', 'buyer:3']) expect(orderByKey.get(key)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('retries a throwing handler with backoff and records the final error; bad payloads fail at once', async () => {
    const queue = new JobQueue(database(), { backoff: fastBackoff });
    let calls = 0;
    startWorker({
      queue,
      logger,
      pollIntervalMs: 10,
      handlers: {
        flaky: defineJobHandler(z.object({}), async () => {
          calls += 1;
          throw new Error(`vendor down ${calls}`);
        }),
        strict: defineJobHandler(z.object({ id: z.string() }), async () => {}),
        doomed: defineJobHandler(z.object({}), async () => {
          throw new PermanentJobError('customer deleted in amoCRM');
        }),
      },
    });
    const flaky = await queue.enqueue({ kind: 'flaky', maxAttempts: 3 });
    const strict = await queue.enqueue({ kind: 'strict', payload: { id: 5 } });
    const doomed = await queue.enqueue({ kind: 'doomed', maxAttempts: 5 });

    await vi.waitFor(async () => expect((await queue.counts()).failed).toBe(3), waitOptions);
    expect(calls).toBe(3);
    expect(await queue.get(flaky.id)).toMatchObject({ state: 'failed', attempts: 3, lastError: 'vendor down 3' });
    expect(await queue.get(strict.id)).toMatchObject({ state: 'failed', attempts: 1, lastError: expect.stringMatching(/^invalid payload: id:/) });
    expect(await queue.get(doomed.id)).toMatchObject({ state: 'failed', attempts: 1, lastError: 'customer deleted in amoCRM' });
  });

  it('its sweeper rescues a job whose worker died holding the lease', async () => {
    const queue = new JobQueue(database());
    const { id } = await queue.enqueue({ kind: 'k' });
    await queue.claim('dead-worker', ['k'], 1, 50); // claimed, never finished
    const done: number[] = [];
    startWorker({ queue, logger, pollIntervalMs: 10, sweepIntervalMs: 20, handlers: { k: defineJobHandler(z.object({}), async (_p, { job }) => void done.push(job.id)) } });
    await vi.waitFor(async () => expect((await queue.get(id))?.state).toBe('completed'), waitOptions);
    expect(done).toEqual([id]);
    expect(await queue.get(id)).toMatchObject({ attempts: 2, lastError: expect.stringMatching(/lease expired/) });
  });

  it('an enqueue wakes an idle worker long before its next poll', async () => {
    const queue = new JobQueue(database());
    const done: number[] = [];
    startWorker({ queue, logger, pollIntervalMs: 60_000, handlers: { k: defineJobHandler(z.object({ n: z.number() }), async ({ n }) => void done.push(n)) } });
    await sleep(50); // the worker has polled once and is now idle
    await queue.enqueue({ kind: 'k', payload: { n: 1 } });
    await vi.waitFor(() => expect(done).toHaveLength(1), { timeout: 2_000, interval: 10 });
  });

  it('keeps the lease alive for a job that outlives it', async () => {
    const queue = new JobQueue(database());
    let finished = false;
    startWorker({
      queue, logger, pollIntervalMs: 10, leaseMs: 150,
      handlers: { slow: defineJobHandler(z.object({}), async () => { await sleep(500); finished = true; }) },
    });
    const { id } = await queue.enqueue({ kind: 'slow' });
    await sleep(350); // more than two lease lengths
    expect(await queue.returnExpiredLeases()).toBe(0);
    await vi.waitFor(async () => expect((await queue.get(id))?.state).toBe('completed'), waitOptions);
    expect(finished).toBe(true);
  });

  it('stop waits for running jobs, and past the deadline aborts them and releases their lease', async () => {
    const queue = new JobQueue(database());
    const started: number[] = [];
    const worker = new Worker({
      queue, logger, pollIntervalMs: 10,
      handlers: {
        quick: defineJobHandler(z.object({}), async (_p, { job }) => { started.push(job.id); await sleep(50); }),
        stuck: defineJobHandler(z.object({}), async (_p, { job, signal }) => {
          started.push(job.id);
          await new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
        }),
      },
    });
    const quick = await queue.enqueue({ kind: 'quick' });
    const stuck = await queue.enqueue({ kind: 'stuck' });
    worker.start();
    await vi.waitFor(() => expect(started).toHaveLength(2), waitOptions);

    await worker.stop(200);
    expect(await queue.get(quick.id)).toMatchObject({ state: 'completed' });
    // Released, not failed: the attempt is given back and any worker can take it at once.
    await vi.waitFor(async () => expect((await queue.get(stuck.id))?.state).toBe('available'), waitOptions);
    expect(await queue.get(stuck.id)).toMatchObject({ attempts: 0, lockedBy: null });
    await queue.enqueue({ kind: 'quick' });
    await sleep(50);
    expect(started).toHaveLength(2); // a stopped worker claims nothing
  });
});
