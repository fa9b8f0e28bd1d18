import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUBDOMAIN, startStack, type Stack } from '../../bench/support/stack.js';
import { waitForImport } from '../../bench/support/wait-import.js';
import { COMPRESSION, sleep } from './support/fixture.js';
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
    let progress = { done: 0, total: 0 };
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      progress = (await stack.api().syncStatus()).import;
      if (progress.total > 0 && progress.done >= progress.total * 0.3) break;
      await sleep(100);
    }
    expect(progress.total).toBeGreaterThan(0);
    const amoBeforeKill = stack.amo.store.customers(SUBDOMAIN).length;
    await first.stop('SIGKILL');
    const killedAt = Date.now();

    await stack.startChildProxy();
    await waitForImport(stack, { timeoutMs: RESUME_TIMEOUT_MS });
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
