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
