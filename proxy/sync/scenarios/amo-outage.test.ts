import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../../test-support/databases.js';
import { customers, duplicates, fieldValue, notesOf, transactionsOf } from '../test-support/amo-state.js';
import { ACCOUNT_ID, startSyncHarness, type SyncHarness } from '../test-support/sync-harness.js';

const SMALL_SEED = { buyers: 3, legalEntities: 0, entrepreneurs: 0, products: 3, sales: 2 };

describe.each(DATABASE_KINDS)('amoCRM outage on %s', (kind) => {
  let h: SyncHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('sales made while amoCRM answers 503 are all delivered once it recovers, none twice', async () => {
    h = await startSyncHarness(kind, { seed: SMALL_SEED });
    const harness = h;
    await harness.importDone();
    await harness.queueIdle();
    const products = harness.ms.list('product').filter((p) => !p.archived);
    const known = harness.ms.list('counterparty').find((c) => c.companyType === 'individual' && c.name !== 'Розничный покупатель')!;

    // Longer than the client's own read retries (50+100+200 ms here), so whole jobs fail and are retried by the queue.
    harness.amo.faults = { failFor: { untilMs: Date.now() + 1_500, status: 503 } };
    const saleIds: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      const buyer = i % 2 === 0 ? { name: `Клиент на время сбоя ${i}`, phone: `+7997111${String(i).padStart(4, '0')}` } : { id: String(known.id) };
      saleIds.push(String(harness.ms.sellAtTill({ buyer, positions: [{ productId: String(products[i % products.length]!.id), quantity: 1 }] }).retaildemand.id));
    }
    expect(saleIds.some((id) => transactionsOf(harness, id).length === 0)).toBe(true);

    await harness.until('a job attempt failed on the outage', async () => {
      const row = await harness.database.db.selectFrom('jobs').select('id').where('last_error', 'like', '%503%').executeTakeFirst();
      return row !== undefined;
    });
    // amoCRM is back; the retry backoff elapses (compressed) and the queue drains.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, (harness.amo.faults.failFor?.untilMs ?? 0) - Date.now())));
    harness.amo.faults = {};
    await harness.until(
      'every sale delivered',
      async () => {
        await harness.fastForwardRetries();
        return saleIds.every((id) => transactionsOf(harness, id).length > 0 && notesOf(harness, id).length > 0);
      },
      20_000,
    );
    await harness.queueIdle();
    for (const id of saleIds) {
      expect(transactionsOf(harness, id), `transactions of ${id}`).toHaveLength(1);
      expect(notesOf(harness, id), `notes of ${id}`).toHaveLength(1);
    }
    expect(duplicates(customers(harness).map((c) => String(fieldValue(c, 'MOYSKLAD_ID'))))).toEqual([]);
    const people = harness.ms.list('counterparty').filter((c) => c.companyType === 'individual' && c.name !== 'Розничный покупатель');
    expect(customers(harness)).toHaveLength(people.length);
    expect(await harness.database.db.selectFrom('jobs').select(['kind', 'last_error']).where('state', '=', 'failed').execute()).toEqual([]);
  });
});
