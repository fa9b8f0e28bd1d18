import { afterEach, describe, expect, it } from 'vitest';
import { ReadModelRepository } from '../../db/repositories/read-model.js';
import { DATABASE_KINDS } from '../../test-support/databases.js';
import { fieldValue, notesOf, transactions, transactionsOf } from '../test-support/amo-state.js';
import { ACCOUNT_ID, SUBDOMAIN, startSyncHarness, type SyncHarness } from '../test-support/sync-harness.js';

const SMALL_SEED = { buyers: 3, legalEntities: 0, entrepreneurs: 0, products: 3, sales: 2 };

type Wire = { method: string; route: string; ui?: boolean };
/** amoCRM writes made by the proxy since `from` (the request log's index), as `METHOD route`. */
const writesSince = (h: SyncHarness, from: number) =>
  (h.amo.requestLog(SUBDOMAIN) as Wire[])
    .slice(from)
    .filter((entry) => !entry.ui && entry.method !== 'GET')
    .map((entry) => `${entry.method} ${entry.route}`);

describe.each(DATABASE_KINDS)('partial retail returns on %s', (kind) => {
  let h: SyncHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('re-creates the amoCRM purchase with the net sum and lines after each part, notes the points taken back, and drops it when nothing is left', async () => {
    h = await startSyncHarness(kind, { seed: SMALL_SEED });
    const harness = h;
    await harness.importDone();
    await harness.queueIdle();
    const db = harness.database.db;
    const [first, second] = harness.ms.list('product').filter((p) => !p.archived);
    const [a, b] = [String(first!.id), String(second!.id)];

    const sale = harness.ms.sellAtTill({ buyer: { name: 'Соколова Ирина', phone: '+79995550202' }, positions: [{ productId: a, quantity: 2 }, { productId: b, quantity: 1 }] });
    const saleId = String(sale.retaildemand.id);
    const buyerId = String(sale.counterparty.id);
    const saleSum = Number(sale.retaildemand.sum);
    expect(sale.pointsEarned).toBeGreaterThan(0);
    await harness.queueIdle();
    const elements = await harness.links('product');
    const customerId = (await harness.links('counterparty')).get(buyerId)!;
    const [original] = transactionsOf(harness, saleId);
    expect(original).toMatchObject({ price: Math.round(saleSum / 100) });

    // Part one: one of the two units of A. amoCRM cannot edit a purchase: it is deleted and made again with the net.
    const logFrom = harness.amo.requestLog(SUBDOMAIN).length;
    const part = harness.ms.returnAtTill(saleId, { positions: [{ assortmentId: a, quantity: 1 }] });
    const partId = String(part.retailsalesreturn.id);
    const partSum = Number(part.retailsalesreturn.sum);
    const takenBack = part.bonusTransactions.filter((t) => t.transactionType === 'SPENDING').reduce((n, t) => n + Number(t.bonusValue), 0);
    expect(takenBack).toBeGreaterThan(0);
    await harness.queueIdle();
    let now = transactionsOf(harness, saleId);
    expect(now).toHaveLength(1);
    expect(now[0]!.id).not.toBe(original!.id);
    expect(now[0]).toMatchObject({ price: Math.round((saleSum - partSum) / 100) });
    expect(elementsOf(now[0]!)).toEqual(new Map([[elements.get(a)!, 1], [elements.get(b)!, 1]]));
    expect(writesSince(harness, logFrom).sort()).toEqual(
      ['DELETE /api/v4/customers/transactions/{id}', 'POST /api/v4/customers/{id}/transactions', 'POST /api/v4/customers/{id}/notes', 'PATCH /api/v4/customers'].sort(),
    );
    const [partNote] = notesOf(harness, `${saleId}:return:${partId}`);
    expect(partNote!.params!.text).toContain(`Списано баллов, начисленных за покупку: ${takenBack}.`);
    expect(partNote!.params!.text).toContain(`По продаже осталось`);
    // The read model shows what the buyer kept; the points field follows МойСклад.
    let row = await db.selectFrom('purchases').select(['returned', 'returned_kopecks']).where('account_id', '=', ACCOUNT_ID).where('id', '=', saleId).executeTakeFirstOrThrow();
    expect([Number(row.returned), Number(row.returned_kopecks)]).toEqual([0, partSum]);
    const card = new ReadModelRepository(db);
    let shown = (await card.purchasePage(ACCOUNT_ID, buyerId, null, 10)).items.find((p) => p.id === saleId)!;
    expect(shown.sumKopecks).toBe(saleSum - partSum);
    expect(shown.items.map((item) => item.quantity)).toEqual([1, 1]);
    expect((await card.buyerByAmoCustomer(ACCOUNT_ID, customerId))!.purchaseTotalKopecks).toBe(saleSum - partSum);
    const points = Number(harness.ms.get('counterparty', buyerId).bonusPoints ?? 0);
    expect(String(fieldValue(harness.amo.store.customer(SUBDOMAIN, customerId), 'BONUS_POINTS'))).toBe(String(points));

    // A replay of the return changes nothing in amoCRM.
    const replayFrom = harness.amo.requestLog(SUBDOMAIN).length;
    await harness.proxy.context.queue.enqueue({ kind: 'sync.entity', accountId: ACCOUNT_ID, payload: { accountId: ACCOUNT_ID, entityType: 'retailsalesreturn', id: partId, action: 'UPDATE' } });
    await harness.queueIdle();
    expect(writesSince(harness, replayFrom)).toEqual([]);

    // Part two: the other unit of A. Only B is left.
    const rest = harness.ms.returnAtTill(saleId, { positions: [{ assortmentId: a, quantity: 1 }] });
    const restSum = Number(rest.retailsalesreturn.sum);
    await harness.queueIdle();
    now = transactionsOf(harness, saleId);
    expect(now).toHaveLength(1);
    expect(now[0]).toMatchObject({ price: Math.round((saleSum - partSum - restSum) / 100) });
    expect(elementsOf(now[0]!)).toEqual(new Map([[elements.get(b)!, 1]]));
    shown = (await card.purchasePage(ACCOUNT_ID, buyerId, null, 10)).items.find((p) => p.id === saleId)!;
    expect([shown.sumKopecks, shown.items.length, shown.returned]).toEqual([saleSum - partSum - restSum, 1, false]);

    // The last part: nothing is left, so the amoCRM purchase goes and the sale counts as returned.
    const last = harness.ms.returnAtTill(saleId);
    await harness.queueIdle();
    expect(transactionsOf(harness, saleId)).toHaveLength(0);
    expect(notesOf(harness, `${saleId}:return:${String(last.retailsalesreturn.id)}`)[0]!.params!.text).toContain('Продажа возвращена полностью.');
    expect(notesOf(harness, `${saleId}:return:`)).toHaveLength(3);
    row = await db.selectFrom('purchases').select(['returned', 'returned_kopecks']).where('account_id', '=', ACCOUNT_ID).where('id', '=', saleId).executeTakeFirstOrThrow();
    expect([Number(row.returned), Number(row.returned_kopecks)]).toEqual([1, saleSum]);
    expect((await card.buyerByAmoCustomer(ACCOUNT_ID, customerId))!.purchaseCount).toBe(0);
    expect(transactions(harness, customerId)).toHaveLength(0);
    expect(await db.selectFrom('jobs').select(['kind', 'last_error']).where('state', '=', 'failed').execute()).toEqual([]);
  });

  it('ends with one purchase of the net whatever order the sale and its returns arrive in', async () => {
    h = await startSyncHarness(kind, { seed: SMALL_SEED });
    const harness = h;
    await harness.importDone();
    await harness.queueIdle();
    const [first, second] = harness.ms.list('product').filter((p) => !p.archived);
    const [a, b] = [String(first!.id), String(second!.id)];
    // The sale and a partial return happen while МойСклад's webhooks are lost; a second part's webhook comes first.
    const known = harness.ms.sellAtTill({ buyer: { name: 'Лебедев Олег', phone: '+79995550303' }, positions: [{ productId: b, quantity: 1 }] });
    await harness.queueIdle();
    harness.ms.faults = { dropWebhookRatio: 1 };
    const sale = harness.ms.sellAtTill({ buyer: { id: String(known.counterparty.id) }, positions: [{ productId: a, quantity: 3 }, { productId: b, quantity: 1 }] });
    const saleId = String(sale.retaildemand.id);
    const one = harness.ms.returnAtTill(saleId, { positions: [{ assortmentId: a, quantity: 1 }] });
    await harness.ms.webhooksSettled();
    harness.ms.faults = {};
    const two = harness.ms.returnAtTill(saleId, { positions: [{ assortmentId: b, quantity: 1 }] });
    await harness.queueIdle();
    await harness.proxy.context.queue.enqueue({ kind: 'sync.reconcile', accountId: ACCOUNT_ID, payload: { accountId: ACCOUNT_ID } });
    await harness.queueIdle();

    const net = Number(sale.retaildemand.sum) - Number(one.retailsalesreturn.sum) - Number(two.retailsalesreturn.sum);
    const now = transactionsOf(harness, saleId);
    expect(now).toHaveLength(1);
    expect(now[0]).toMatchObject({ price: Math.round(net / 100) });
    expect(elementsOf(now[0]!)).toEqual(new Map([[(await harness.links('product')).get(a)!, 2]]));
    expect(notesOf(harness, `${saleId}:return:`)).toHaveLength(2);
    expect(notesOf(harness, saleId).filter((note) => !note.params?.text?.includes(':return:'))).toHaveLength(1);
    expect(await harness.database.db.selectFrom('jobs').select(['kind', 'last_error']).where('state', '=', 'failed').execute()).toEqual([]);
  });
});

function elementsOf(transaction: Record<string, unknown>): Map<number, number> {
  const embedded = (transaction as { _embedded?: { catalog_elements?: { id: number; metadata: { quantity: number } }[] } })._embedded;
  return new Map((embedded?.catalog_elements ?? []).map((element) => [element.id, element.metadata.quantity]));
}
