import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import type { Database } from '../../proxy/db/schema.js';
import type { Stack } from '../../bench/support/stack.js';
import { importedStack, sleep, tillParticipants } from './support/fixture.js';
import { settleLedger, takeLedger } from './support/ledger.js';
import { recordScenario } from './support/record.js';

const SALES = 40;

describe('10 % of МойСклад webhooks dropped, others duplicated and reordered', () => {
  let stack: Stack;
  let db: Kysely<Database>;
  beforeAll(async () => {
    ({ stack, db } = await importedStack({ seed: { buyers: 10, legalEntities: 0, entrepreneurs: 0, products: 8, sales: 0 } }));
  });
  afterAll(async () => stack?.close());

  it('reconciliation restores every buyer and sale, once', async () => {
    stack.ms.faults = { dropWebhookRatio: 0.1, duplicateWebhookRatio: 0.3, reorderWebhooks: true, reorderWindowMs: 50 };
    const { buyers, products } = tillParticipants(stack);
    for (let i = 0; i < SALES; i++) {
      // Every other sale is to a new buyer created at the till (a counterparty webhook that may be dropped too).
      const buyer = i % 2 === 0 ? { name: `Новый Покупатель ${i}`, phone: `+7998${String(1_000_000 + i)}` } : { id: buyers[i % buyers.length]!.id };
      stack.ms.sellAtTill({ buyer, positions: [{ productId: products[i % products.length]!.id, quantity: 1 + (i % 2) }] });
      await sleep(50);
    }
    await stack.ms.webhooksSettled();
    const dropped = stack.ms.webhookLog.filter((entry) => entry.outcome === 'dropped').length;
    const duplicates = stack.ms.webhookLog.filter((entry) => entry.duplicate).length;
    const webhookRequests = new Set(stack.ms.webhookLog.map((entry) => entry.requestId)).size;
    // Taken as soon as МойСклад has sent everything: includes work still queued, not only what drops lost.
    const rightAfterWebhooks = await takeLedger(stack, db);
    const ledger = await settleLedger(stack, db, 150_000);
    recordScenario('moyskladWebhookFaults', {
      sales: SALES,
      webhookRequests,
      webhooksDropped: dropped,
      webhooksDuplicated: duplicates,
      missingRightAfterWebhooks: rightAfterWebhooks.lost,
      lost: ledger.lost,
      duplicated: ledger.duplicated,
      pointsMismatched: ledger.pointsMismatched,
      detail: ledger,
    });
    expect(ledger.sales.expected).toBe(SALES);
    expect({ lost: ledger.lost, duplicated: ledger.duplicated, pointsMismatched: ledger.pointsMismatched }).toEqual({ lost: 0, duplicated: 0, pointsMismatched: 0 });
  });
});
