import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import type { Database } from '../../proxy/db/schema.js';
import type { Stack } from '../../bench/support/stack.js';
import { importedStack, sleep, tillParticipants } from './support/fixture.js';
import { settleLedger, takeLedger } from './support/ledger.js';
import { recordScenario } from './support/record.js';

const SALES_PER_PHASE = 15;
const FAULT_MS = 3_000; // ×10 compression: 30 s of amoCRM trouble in real-world time, per phase

describe('amoCRM answers 503, then 429, for a while during till sales', () => {
  let stack: Stack;
  let db: Kysely<Database>;
  beforeAll(async () => {
    ({ stack, db } = await importedStack({ seed: { buyers: 10, legalEntities: 0, entrepreneurs: 0, products: 8, sales: 0 } }));
  });
  afterAll(async () => stack?.close());

  it('every sale reaches amoCRM exactly once after the faults end', async () => {
    const { buyers, products } = tillParticipants(stack);
    let sale = 0;
    const sellDuring = async (status: number) => {
      stack.amo.faults = { failFor: { untilMs: Date.now() + FAULT_MS, status } };
      for (let i = 0; i < SALES_PER_PHASE; i++, sale++) {
        stack.ms.sellAtTill({ buyer: { id: buyers[sale % buyers.length]!.id }, positions: [{ productId: products[sale % products.length]!.id, quantity: 1 }] });
        await sleep(FAULT_MS / SALES_PER_PHASE);
      }
    };
    await sellDuring(503);
    await sellDuring(429);
    const during = await takeLedger(stack, db);
    stack.amo.faults = {};
    const ledger = await settleLedger(stack, db, 150_000);
    const amoStats = stack.amo.stats('demo');
    recordScenario('amoOutage', {
      sales: sale,
      faultWindowMsCompressed: FAULT_MS,
      compression: 10,
      lostWhileFaulty: during.lost,
      lost: ledger.lost,
      duplicated: ledger.duplicated,
      pointsMismatched: ledger.pointsMismatched,
      amoBlocked: amoStats.blocked,
      detail: ledger,
    });
    expect(ledger.sales.expected).toBe(sale);
    expect({ lost: ledger.lost, duplicated: ledger.duplicated, pointsMismatched: ledger.pointsMismatched }).toEqual({ lost: 0, duplicated: 0, pointsMismatched: 0 });
  });
});
