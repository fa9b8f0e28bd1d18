import { beforeEach, expect, it } from 'vitest';
import type { BuyerSnapshot } from '../../sync/mapping/buyer.js';
import { describeEachDatabase, useTestDatabase } from '../../test-support/databases.js';
import { type PurchaseRecord, ReadModelRepository } from './read-model.js';

const buyer = (moyskladId: string, points = 0): BuyerSnapshot => ({ moyskladId, name: `Buyer ${moyskladId}`, firstName: null, lastName: null, phone: null, email: null, bonusCard: null, points });

const sale = (id: string, buyerMoyskladId: string, sumKopecks: number, items: PurchaseRecord['items'] = [{ name: 'Tea', quantity: 1, priceKopecks: sumKopecks, assortmentId: 'tea' }]): PurchaseRecord => ({
  id,
  buyerMoyskladId,
  number: id,
  moment: '2026-03-12T14:05:00.000+03:00',
  momentMs: 1_773_313_500_000,
  sumKopecks,
  pointsEarned: 0,
  pointsSpent: 0,
  items,
});

describeEachDatabase('read model repository', (kind) => {
  const database = useTestDatabase(kind);
  beforeEach(async () => {
    const now = Date.now();
    await database().db.insertInto('accounts').values({ id: 1, subdomain: 'shop', status: 'active', needs_reinstall: 0, needs_reauth: 0, settings_json: '{}', webhook_secret_enc: 'x', created_at: now, updated_at: now }).execute();
  });

  it('writes purchases, their lines and the buyer totals in one transaction: a failing purchase leaves none of the batch', async () => {
    const readModel = new ReadModelRepository(database().db);
    await readModel.upsertBuyer(1, buyer('b1', 5), 101);
    // The second purchase's line breaks a NOT NULL column: the first purchase, its line and the totals roll back too.
    const broken = sale('s2', 'b1', 200, [{ name: null as unknown as string, quantity: 1, priceKopecks: 200 }]);
    await expect(readModel.upsertPurchases(1, [sale('s1', 'b1', 100), broken])).rejects.toThrow();
    expect(await database().db.selectFrom('purchases').select('id').execute()).toEqual([]);
    expect(await database().db.selectFrom('purchase_items').select('purchase_id').execute()).toEqual([]);
    expect(await readModel.buyerByAmoCustomer(1, 101)).toMatchObject({ purchaseCount: 0, purchaseTotalKopecks: 0 });

    await readModel.upsertPurchases(1, [sale('s1', 'b1', 100), sale('s2', 'b1', 200)]);
    expect(await readModel.buyerByAmoCustomer(1, 101)).toMatchObject({ points: 5, purchaseCount: 2, purchaseTotalKopecks: 300 });
    expect((await readModel.purchasePage(1, 'b1', null, 10)).items.map((p) => p.id)).toEqual(['s2', 's1']);
  });

  it('a sale and its return written at once by two writers both land, and the totals count the return', async () => {
    const first = new ReadModelRepository(database().db);
    // PostgreSQL: a second connection, as a second process has. SQLite: the same one — better-sqlite3 is synchronous,
    // so a second connection in the same thread would block the thread it waits for (separate processes just wait).
    const second = new ReadModelRepository(kind === 'postgres' ? database().connectAgain().db : database().db);
    await first.upsertBuyers(1, [{ buyer: buyer('b1'), amoCustomerId: 101 }, { buyer: buyer('b2'), amoCustomerId: 102 }]);
    for (let round = 0; round < 25; round += 1) {
      const id = `s${round}`;
      await Promise.all([
        // Two writers of the same rows in opposite argument order: locked in one order, neither waits forever.
        first.upsertPurchases(1, [sale(id, 'b1', 100), sale(`${id}x`, 'b2', 50)]),
        second.upsertPurchases(1, [sale(`${id}x`, 'b2', 50), sale(id, 'b1', 100)]),
        second.upsertReturn(1, { id: `r${round}`, purchaseId: id, number: `r${round}`, momentMs: 1_773_313_600_000, sumKopecks: 40, pointsTakenBack: 0, pointsGivenBack: 0, lines: [] }),
      ]);
    }
    // Whichever came first, the sale's net is derived from its return once both are recorded.
    expect(await first.buyerByAmoCustomer(1, 101)).toMatchObject({ purchaseCount: 25, purchaseTotalKopecks: 25 * 60 });
    expect(await first.buyerByAmoCustomer(1, 102)).toMatchObject({ purchaseCount: 25, purchaseTotalKopecks: 25 * 50 });
  });

  it('one setPoints for the sync and the widget; a referral keeps the buyer row the sync wrote', async () => {
    const readModel = new ReadModelRepository(database().db);
    await readModel.upsertBuyer(1, buyer('b1', 5), 101);
    await readModel.setPoints(1, 'b1', 42);
    await readModel.recordReferral(1, { moyskladId: 'b1', name: 'Other name', phone: '+79990000001' }, 'r1');
    expect(await readModel.buyerByAmoCustomer(1, 101)).toMatchObject({ name: 'Buyer b1', points: 42 });
    expect(await readModel.buyerByReferralCode((await readModel.buyerByAmoCustomer(1, 101))!.referralCode!)).toMatchObject({ accountId: 1, buyer: { moyskladId: 'b1' } });
  });
});
