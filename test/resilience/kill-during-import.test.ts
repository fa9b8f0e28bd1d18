import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SUBDOMAIN, startStack, type Stack } from '../../bench/support/stack.js';
import { COMPRESSION, importFinished } from './support/fixture.js';
import { settleLedger } from './support/ledger.js';
import { recordScenario } from './support/record.js';

// The job lease of a killed worker (proxy/queue/worker.ts: 5 min, not configurable through startProxy) has to
// run out before another process may take the import over, so this scenario needs real minutes.
const RESUME_TIMEOUT_MS = 9 * 60_000;

describe('the proxy is SIGKILLed during the initial import, then restarted', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ proxies: 0, compression: COMPRESSION, seed: { buyers: 120, legalEntities: 0, entrepreneurs: 0, products: 20, sales: 240 }, sync: { reconcileIntervalMs: 5_000, schedulerTickMs: 500 } });
  });
  afterAll(async () => stack?.close());

  it('ends in the same state as an uninterrupted import: nothing lost, nothing twice', async () => {
    const first = await stack.startChildProxy();
    await stack.installAndConnect();
    // Kill once at least 30 % of the import is done (fails, rather than killing at some other point, if it never is).
    const progress = await vi.waitFor(
      async () => {
        const current = (await stack.api().syncStatus()).import;
        expect(current.total).toBeGreaterThan(0);
        expect(current.done).toBeGreaterThanOrEqual(current.total * 0.3);
        return current;
      },
      { timeout: 120_000, interval: 100 },
    );
    const amoBeforeKill = stack.amo.store.customers(SUBDOMAIN).length;
    await first.stop('SIGKILL');
    const killedAt = Date.now();

    await stack.startChildProxy();
    await importFinished(stack, RESUME_TIMEOUT_MS);
    const resumedAfterMs = Date.now() - killedAt;
    const db = stack.openDatabase().db;
    const ledger = await settleLedger(stack, db, 60_000);
    recordScenario('killDuringImport', {
      killedAtProgress: `${progress.done}/${progress.total}`,
      amoCustomersAtKill: amoBeforeKill,
      importFinishedAfterKillMs: resumedAfterMs,
      lost: ledger.lost,
      duplicated: ledger.duplicated,
      pointsMismatched: ledger.pointsMismatched,
      detail: ledger,
    });
    expect({ lost: ledger.lost, duplicated: ledger.duplicated, pointsMismatched: ledger.pointsMismatched }).toEqual({ lost: 0, duplicated: 0, pointsMismatched: 0 });
  });
});
