import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../../test-support/databases.js';
import { fieldValue, notesOf, transactionsOf } from '../test-support/amo-state.js';
import { ACCOUNT_ID, SUBDOMAIN, startSyncHarness, type SyncHarness } from '../test-support/sync-harness.js';

const SMALL_SEED = { buyers: 3, legalEntities: 0, entrepreneurs: 0, products: 3, sales: 2 };

describe.each(DATABASE_KINDS)('retail returns on %s', (kind) => {
  let h: SyncHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('reverses the purchase, notes the return, marks the read model and refreshes points, in either order', async () => {
    h = await startSyncHarness(kind, { seed: SMALL_SEED });
    const harness = h;
    await harness.importDone();
    await harness.queueIdle();
    const product = harness.ms.list('product').find((p) => !p.archived)!;
    const db = harness.database.db;

    const sale = harness.ms.sellAtTill({ buyer: { name: 'Кузнецова Вера', phone: '+79995550101' }, positions: [{ productId: String(product.id), quantity: 2 }] });
    const saleId = String(sale.retaildemand.id);
    const buyerId = String(sale.counterparty.id);
    await harness.queueIdle();
    expect(transactionsOf(harness, saleId)).toHaveLength(1);
    const customerId = (await harness.links('counterparty')).get(buyerId)!;
    const countBefore = Number((await db.selectFrom('buyers').select('purchase_count').where('moysklad_id', '=', buyerId).executeTakeFirstOrThrow()).purchase_count);
    expect(countBefore).toBe(1);

    harness.ms.returnAtTill(saleId);
    await harness.queueIdle();
    expect(transactionsOf(harness, saleId)).toHaveLength(0);
    expect(notesOf(harness, `${saleId}:return`)).toHaveLength(1);
    expect(notesOf(harness, saleId)).toHaveLength(2); // the sale note stays, the return note names the sale
    const purchase = await db.selectFrom('purchases').select('returned').where('account_id', '=', ACCOUNT_ID).where('id', '=', saleId).executeTakeFirstOrThrow();
    expect(Number(purchase.returned)).toBe(1);
    const buyer = await db.selectFrom('buyers').selectAll().where('moysklad_id', '=', buyerId).executeTakeFirstOrThrow();
    expect(Number(buyer.purchase_count)).toBe(0);
    const msPoints = Number(harness.ms.get('counterparty', buyerId).bonusPoints ?? 0);
    expect(Number(buyer.points)).toBe(msPoints);
    expect(String(fieldValue(harness.amo.store.customer(SUBDOMAIN, customerId), 'BONUS_POINTS'))).toBe(String(msPoints));

    // The sale's webhooks are lost and the return's arrive first: the outcome must be the same.
    harness.ms.faults = { dropWebhookRatio: 1 };
    const second = harness.ms.sellAtTill({ buyer: { id: buyerId }, positions: [{ productId: String(product.id), quantity: 1 }] });
    const secondId = String(second.retaildemand.id);
    await harness.ms.webhooksSettled();
    harness.ms.faults = {};
    harness.ms.returnAtTill(secondId);
    await harness.queueIdle();
    await harness.proxy.context.queue.enqueue({ kind: 'sync.reconcile', accountId: ACCOUNT_ID, payload: { accountId: ACCOUNT_ID } });
    await harness.queueIdle();
    expect(transactionsOf(harness, secondId)).toHaveLength(0);
    expect(notesOf(harness, `${secondId}:return`)).toHaveLength(1);
    expect(notesOf(harness, secondId)).toHaveLength(2);
    const secondRow = await db.selectFrom('purchases').select('returned').where('account_id', '=', ACCOUNT_ID).where('id', '=', secondId).executeTakeFirstOrThrow();
    expect(Number(secondRow.returned)).toBe(1);
    // Replays of both sales and returns change nothing.
    for (const [entityType, id] of [
      ['retaildemand', saleId],
      ['retaildemand', secondId],
      ['retailsalesreturn', String(harness.ms.list('retailsalesreturn')[0]!.id)],
    ] as const) {
      await harness.proxy.context.queue.enqueue({ kind: 'sync.entity', accountId: ACCOUNT_ID, payload: { accountId: ACCOUNT_ID, entityType, id, action: 'UPDATE' } });
    }
    await harness.queueIdle();
    expect(transactionsOf(harness, saleId)).toHaveLength(0);
    expect(transactionsOf(harness, secondId)).toHaveLength(0);
    expect(notesOf(harness, saleId)).toHaveLength(2);
    expect(await db.selectFrom('jobs').select(['kind', 'last_error']).where('state', '=', 'failed').execute()).toEqual([]);
  });
});
