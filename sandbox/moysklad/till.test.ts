import { afterEach, describe, expect, it } from 'vitest';
import { FIXED_IDS } from './fixtures.js';
import { closeStarted, type Receiver, startApi, startReceiver, type TestApi } from './test-support.js';

let api: TestApi;
let receiver: Receiver;
afterEach(closeStarted);

const PRODUCT_ID = '11111111-0000-4000-8000-000000000001';
const PROGRAM_ID = '22222222-0000-4000-8000-000000000001';
const priceRef = { meta: { href: `https://api.moysklad.ru/api/remap/1.2/context/companysettings/pricetype/${FIXED_IDS.priceTypeSale}`, type: 'pricetype', mediaType: 'application/json' } };

async function setup() {
  receiver = await startReceiver();
  api = await startApi({ rateLimits: { requestsPerWindow: 1000 } });
  api.emu.load({
    bonusprograms: [{ id: PROGRAM_ID, name: 'Бонусы', active: true, earnRateRoublesToPoint: 10, spendRatePointsToRouble: 1, maxPaidRatePercents: 50, earnWhileRedeeming: false }],
    products: [{ id: PRODUCT_ID, name: 'Камера', salePrices: [{ value: 100000, priceType: priceRef }] }],
  });
  for (const entityType of ['counterparty', 'retaildemand', 'bonustransaction', 'retailsalesreturn'])
    await api.call('POST', '/entity/webhook', { url: `${receiver.origin}/h/${entityType}`, action: 'CREATE', entityType });
}

const hookTypes = () => receiver.received.flatMap((h) => h.body.events.map((e: { meta: { type: string } }) => e.meta.type)).sort();

describe('sale at the till', () => {
  it('registers a new buyer, sells at «Цена продажи», earns points and fires webhooks', async () => {
    await setup();
    const sale = api.emu.sellAtTill({ buyer: { name: 'Анна', phone: '+79990001122', discountCardNumber: '7001' }, positions: [{ productId: PRODUCT_ID, quantity: 2 }] });
    expect(sale.counterparty).toMatchObject({ name: 'Анна', companyType: 'individual', phone: '+79990001122', bonusPoints: 200 });
    expect(sale.retaildemand).toMatchObject({ sum: 200000, noCashSum: 200000, cashSum: 0 });
    expect((sale.retaildemand.positions as { rows: unknown[] }).rows[0]).toMatchObject({ quantity: 2, price: 100000 });
    expect(sale.pointsEarned).toBe(200);
    expect(sale.bonusTransactions[0]).toMatchObject({ transactionType: 'EARNING', bonusValue: 200, parentDocument: { meta: { href: (sale.retaildemand.meta as { href: string }).href } } });

    await api.emu.webhooksSettled();
    expect(hookTypes()).toEqual(['bonustransaction', 'counterparty', 'retaildemand']);
    const audit = await api.call('GET', '/audit?filter=source=retail');
    expect(audit.body.rows).toHaveLength(1);
    expect(audit.body.rows[0]).toMatchObject({ source: 'retail', eventType: 'bulkoperation', objectCount: 3 });
  });

  it('pays partly with points (capped by maxPaidRatePercents), refuses overspending, and reverses on return', async () => {
    await setup();
    const first = api.emu.sellAtTill({ buyer: { name: 'Борис', phone: '+79990003344' }, positions: [{ productId: PRODUCT_ID, quantity: 2 }] });
    const buyerId = first.counterparty.id as string;

    expect(() => api.emu.sellAtTill({ buyer: { id: buyerId }, positions: [{ productId: PRODUCT_ID, quantity: 1 }], payWithPoints: 201 })).toThrow(/Недостаточно баллов/);
    expect(api.emu.list('retaildemand')).toHaveLength(1);

    const second = api.emu.sellAtTill({ buyer: { id: buyerId }, positions: [{ productId: PRODUCT_ID, quantity: 1 }], payWithPoints: 150, payment: 'cash' });
    expect(second.pointsSpent).toBe(150);
    expect(second.pointsEarned).toBe(0); // earnWhileRedeeming is off
    expect(second.retaildemand).toMatchObject({ sum: 100000, cashSum: 85000, noCashSum: 0 });
    expect(second.counterparty.bonusPoints).toBe(50);

    // The cap: 50 % of 1000 ₽ = 500 ₽ = 500 points, even when the buyer has more.
    api.emu.load({ bonustransactions: [] }); // loading more data must not disturb live balances
    const { body: rich } = await api.call('POST', '/entity/counterparty', { name: 'Вера', companyType: 'individual' });
    await api.call('POST', '/entity/bonustransaction', { agent: { meta: rich.meta }, bonusProgram: { meta: { href: `/entity/bonusprogram/${PROGRAM_ID}` } }, transactionType: 'EARNING', bonusValue: 5000 });
    const capped = api.emu.sellAtTill({ buyer: { id: rich.id }, positions: [{ productId: PRODUCT_ID, quantity: 1 }], payWithPoints: 900 });
    expect(capped.pointsSpent).toBe(500);

    const returned = api.emu.returnAtTill(second.retaildemand.id as string);
    expect(returned.retailsalesreturn).toMatchObject({ sum: 100000, demand: { meta: { href: (second.retaildemand.meta as { href: string }).href } } });
    expect(returned.bonusTransactions.map((t) => [t.transactionType, t.bonusValue])).toEqual([['EARNING', 150]]);
    expect(returned.counterparty.bonusPoints).toBe(200);
    expect(() => api.emu.returnAtTill(second.retaildemand.id as string)).toThrow(/уже возвращена/);
  });

  it('grants welcome points and takes earned points back on return without going below zero', async () => {
    await setup();
    api.emu.ui.updateBonusProgram(PROGRAM_ID, { welcomeBonusesEnabled: true, welcomeBonusesValue: 30, welcomeBonusesMode: 'REGISTRATION' });
    const sale = api.emu.sellAtTill({ buyer: { name: 'Дина', phone: '+79990007788' }, positions: [{ productId: PRODUCT_ID, quantity: 1 }] });
    expect(sale.bonusTransactions.map((t) => [t.categoryType, t.bonusValue])).toEqual([['WELCOME', 30], ['REGULAR', 100]]);
    expect(sale.counterparty.bonusPoints).toBe(130);
    const buyerId = sale.counterparty.id as string;
    const { body: program } = await api.call('GET', `/entity/bonusprogram/${PROGRAM_ID}`);
    await api.call('POST', '/entity/bonustransaction', { agent: { meta: (sale.counterparty as { meta: unknown }).meta }, bonusProgram: { meta: program.meta }, transactionType: 'SPENDING', bonusValue: 120 });
    const returned = api.emu.returnAtTill(sale.retaildemand.id as string);
    expect(returned.bonusTransactions.map((t) => [t.transactionType, t.bonusValue])).toEqual([['SPENDING', 10]]);
    expect(api.emu.get('counterparty', buyerId).bonusPoints).toBe(0);
  });

  it('serves the same operations over the sandbox-only HTTP endpoint', async () => {
    await setup();
    const origin = new URL(api.baseUrl).origin;
    const res = await fetch(`${origin}/sandbox/till/sale`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ buyer: { name: 'Глеб', phone: '+79990005566' }, positions: [{ productId: PRODUCT_ID, quantity: 1 }] }),
    });
    expect(res.status).toBe(200);
    const sale = await res.json();
    expect(sale.pointsEarned).toBe(100);
    const bad = await fetch(`${origin}/sandbox/till/sale`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ positions: [] }) });
    expect(bad.status).toBe(400);
    expect((await bad.json()).errors[0].code).toBe(2016);
    const ret = await fetch(`${origin}/sandbox/till/return`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ retaildemandId: sale.retaildemand.id }) });
    expect(ret.status).toBe(200);
  });
});

describe('modifications and partial returns at the till', () => {
  const MUG = '11111111-0000-4000-8000-000000000002';

  async function shop() {
    await setup();
    api.emu.load({ products: [{ id: MUG, name: 'Кружка', salePrices: [{ value: 30000, priceType: priceRef }] }] });
    const { body: black } = await api.call('POST', '/entity/variant', { product: { meta: { href: `/entity/product/${PRODUCT_ID}` } }, characteristics: [{ name: 'Цвет', value: 'чёрная' }] });
    const { body: silver } = await api.call('POST', '/entity/variant', {
      product: { meta: { href: `/entity/product/${PRODUCT_ID}` } }, characteristics: [{ name: 'Цвет', value: 'серебристая' }],
      salePrices: [{ value: 120000, priceType: priceRef }],
    });
    return { black: black.id as string, silver: silver.id as string };
  }

  it('sells a modification at its own «Цена продажи», else at its product\'s; the position\'s assortment is the variant', async () => {
    const { black, silver } = await shop();
    const sale = api.emu.sellAtTill({ buyer: { name: 'Вика', phone: '+79990009900' }, positions: [{ variantId: black, quantity: 1 }, { variantId: silver, quantity: 2 }, { productId: MUG, quantity: 1 }] });
    expect(sale.retaildemand.sum).toBe(100000 + 240000 + 30000);
    const { body } = await api.call('GET', `/entity/retaildemand/${sale.retaildemand.id}?expand=positions.assortment`);
    const rows = body.positions.rows as Array<{ price: number; assortment: { meta: { type: string }; name: string; product?: { meta: { href: string } } } }>;
    expect(rows.map((r) => [r.assortment.meta.type, r.assortment.name, r.price])).toEqual([
      ['variant', 'Камера (чёрная)', 100000], ['variant', 'Камера (серебристая)', 120000], ['product', 'Кружка', 30000],
    ]);
    expect(rows[0]!.assortment.product!.meta.href).toBe(`${api.baseUrl}/entity/product/${PRODUCT_ID}`);
    api.emu.ui.archiveProduct(PRODUCT_ID);
    expect(() => api.emu.sellAtTill({ buyer: { id: sale.counterparty.id as string }, positions: [{ variantId: black, quantity: 1 }] })).toThrow(/в архиве/);
    expect(() => api.emu.sellAtTill({ buyer: { id: sale.counterparty.id as string }, positions: [{ variantId: 'nope', quantity: 1 }] })).toThrow();
  });

  it('returns some positions and quantities; money and points follow the returned share; the rest can be returned later', async () => {
    const { silver } = await shop();
    // 2 × 1 200 ₽ + 1 × 300 ₽ = 2 700 ₽; 1 350 points pay the 50 % cap, 1 350 ₽ by card; nothing earned.
    const buyer = api.emu.sellAtTill({ buyer: { name: 'Гоша', phone: '+79990001010' }, positions: [{ productId: MUG, quantity: 1 }] });
    await api.call('POST', '/entity/bonustransaction', { agent: { meta: (buyer.counterparty as { meta: unknown }).meta }, bonusProgram: { meta: { href: `/entity/bonusprogram/${PROGRAM_ID}` } }, transactionType: 'EARNING', bonusValue: 5000 });
    const sale = api.emu.sellAtTill({ buyer: { id: buyer.counterparty.id as string }, positions: [{ variantId: silver, quantity: 2 }, { productId: MUG, quantity: 1 }], payWithPoints: 5000 });
    expect(sale).toMatchObject({ pointsSpent: 1350, pointsEarned: 0 });
    expect(sale.retaildemand).toMatchObject({ sum: 270000, noCashSum: 135000, cashSum: 0 });
    const saleId = sale.retaildemand.id as string;
    const balance = () => api.emu.get('counterparty', buyer.counterparty.id as string).bonusPoints as number;
    const before = balance();

    // One of the two modifications back: 1 200 ₽ of 2 700 ₽ → 4/9 of the money and of the spent points.
    const first = api.emu.returnAtTill(saleId, { positions: [{ assortmentId: silver, quantity: 1 }] });
    const rows = (first.retailsalesreturn.positions as { rows: Array<Record<string, unknown>> }).rows;
    expect(first.retailsalesreturn).toMatchObject({ sum: 120000, cashSum: 0, noCashSum: 60000, demand: { meta: { href: (sale.retaildemand.meta as { href: string }).href } } });
    expect(rows.map((r) => [(r.assortment as { meta: { href: string } }).meta.href.split('/').pop(), r.quantity, r.price])).toEqual([[silver, 1, 120000]]);
    expect(first.bonusTransactions.map((t) => [t.transactionType, t.bonusValue])).toEqual([['EARNING', 600]]); // floor(1350 × 4/9)
    expect(balance()).toBe(before + 600);

    // The full-return default now takes what is left; cumulative shares make the totals exact.
    expect(() => api.emu.returnAtTill(saleId, { positions: [{ assortmentId: silver, quantity: 2 }] })).toThrow(/осталось 1/);
    expect(() => api.emu.returnAtTill(saleId, { positions: [{ assortmentId: 'nope', quantity: 1 }] })).toThrow(/нет/);
    const rest = api.emu.returnAtTill(saleId);
    expect((rest.retailsalesreturn.positions as { rows: unknown[] }).rows).toHaveLength(2);
    expect(rest.retailsalesreturn).toMatchObject({ sum: 150000, noCashSum: 75000 });
    expect(rest.bonusTransactions.map((t) => [t.transactionType, t.bonusValue])).toEqual([['EARNING', 750]]);
    expect(balance()).toBe(before + 1350);
    expect(() => api.emu.returnAtTill(saleId)).toThrow(/уже возвращена/);
    const { body } = await api.call('GET', `/entity/retailsalesreturn?filter=${encodeURIComponent('sum>0')}`);
    expect(body.rows.map((r: { sum: number }) => r.sum)).toEqual([120000, 150000]);
  });

  it('takes earned points back in proportion, rounding up, and by the sale position id over HTTP', async () => {
    const { black } = await shop();
    // 3 × 1 000 ₽ earns 300 points (1 per 10 ₽ of this program).
    const sale = api.emu.sellAtTill({ buyer: { name: 'Ира', phone: '+79990002020' }, positions: [{ variantId: black, quantity: 3 }] });
    expect(sale.pointsEarned).toBe(300);
    const position = (sale.retaildemand.positions as { rows: Array<{ id: string }> }).rows[0]!;
    const origin = new URL(api.baseUrl).origin;
    const res = await fetch(`${origin}/sandbox/till/return`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ retaildemandId: sale.retaildemand.id, positions: [{ positionId: position.id, quantity: 1 }] }) });
    expect(res.status).toBe(200);
    const returned = await res.json();
    expect(returned.bonusTransactions.map((t: { transactionType: string; bonusValue: number }) => [t.transactionType, t.bonusValue])).toEqual([['SPENDING', 100]]); // ceil(300 × 1/3)
    expect(returned.retailsalesreturn).toMatchObject({ sum: 100000, noCashSum: 100000 });
    const bad = await fetch(`${origin}/sandbox/till/return`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ retaildemandId: sale.retaildemand.id, positions: [{ positionId: position.id, quantity: 0 }] }) });
    expect(bad.status).toBe(400);
  });
});
