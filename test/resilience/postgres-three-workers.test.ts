import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Kysely } from 'kysely';
import type { Database } from '../../proxy/db/schema.js';
import { createTestDatabase, type TestDatabase } from '../../proxy/test-support/databases.js';
import type { Stack } from '../../bench/support/stack.js';
import { importedStack, sleep, tillParticipants } from './support/fixture.js';
import { settleLedger } from './support/ledger.js';
import { recordScenario } from './support/record.js';

const SALES = 60;

describe('three proxy workers on one PostgreSQL', () => {
  let pg: TestDatabase;
  let stack: Stack;
  let db: Kysely<Database>;
  beforeAll(async () => {
    pg = await createTestDatabase('postgres', { migrate: false }); // a fresh schema; the proxies migrate it
    ({ stack, db } = await importedStack({ databaseUrl: pg.url, proxies: 3, workerPollIntervalMs: 100, seed: { buyers: 40, legalEntities: 0, entrepreneurs: 0, products: 10, sales: 80 } }));
  });
  afterAll(async () => {
    await stack?.close();
    await pg?.dispose();
  });

  it('import and live sales land once, whichever worker takes the job', async () => {
    const { buyers, products } = tillParticipants(stack);
    // Which workers hold jobs while the sales flow (completed jobs forget their worker, so sample running ones).
    const workersSeen = new Set<string>();
    const sampler = setInterval(() => {
      void db
        .selectFrom('jobs')
        .select('locked_by')
        .where('state', '=', 'running')
        .execute()
        .then((rows) => rows.forEach((row) => row.locked_by && workersSeen.add(row.locked_by)))
        .catch(() => undefined);
    }, 20);
    for (let i = 0; i < SALES; i++) {
      // A burst (no pause): the queue fills up and the three workers compete for the same jobs.
      stack.ms.sellAtTill({ buyer: { id: buyers[i % buyers.length]!.id }, positions: [{ productId: products[i % products.length]!.id, quantity: 1 }] });
      if (i % 10 === 9) await sleep(1);
    }
    await stack.ms.webhooksSettled();
    // The three workers must also agree when the same МойСклад event reaches *different* processes at once
    // (a load balancer in front of them): every delivered webhook is sent again, the same moment, to the other
    // two proxies, with its original requestId.
    const delivered = stack.ms.webhookLog.filter((entry) => entry.outcome === 'delivered' && !entry.duplicate);
    const replayStatuses: Record<string, number> = {};
    await Promise.all(
      delivered.flatMap((entry) =>
        stack.proxies.slice(1).map(async (proxy) => {
          const original = new URL(entry.url);
          const target = new URL(`${original.pathname}${original.search}`, proxy.url);
          target.searchParams.set('requestId', entry.requestId);
          const response = await fetch(target, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', 'User-Agent': 'MoySklad webhook touch agent 2.0 (/https://www.moysklad.ru)' },
            body: JSON.stringify(entry.payload),
          });
          await response.arrayBuffer();
          replayStatuses[response.status] = (replayStatuses[response.status] ?? 0) + 1;
        }),
      ),
    );
    await settleLedger(stack, db, 150_000);
    // Replays still queued would show up as duplicates only once processed: wait until the shared queue is empty.
    await vi.waitFor(
      async () => {
        const { queue } = await stack.api().syncStatus();
        expect(queue.pending + queue.running).toBe(0);
      },
      { timeout: 120_000, interval: 250 },
    );
    const ledger = await settleLedger(stack, db, 60_000);
    clearInterval(sampler);
    const amo = stack.amo.stats('demo');
    recordScenario('postgresThreeWorkers', {
      workers: 3,
      workersSeenHoldingJobs: workersSeen.size,
      webhooksReplayedToOtherWorkers: delivered.length * 2,
      replayStatuses,
      sales: ledger.sales.expected,
      lost: ledger.lost,
      duplicated: ledger.duplicated,
      pointsMismatched: ledger.pointsMismatched,
      amoRejected429: amo.rejected429,
      amoBlocked: amo.blocked,
      detail: ledger,
    });
    expect({ lost: ledger.lost, duplicated: ledger.duplicated, pointsMismatched: ledger.pointsMismatched }).toEqual({ lost: 0, duplicated: 0, pointsMismatched: 0 });
  });
});
