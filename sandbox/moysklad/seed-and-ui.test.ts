import { afterEach, describe, expect, it } from 'vitest';
import { FIXED_IDS } from './fixtures.js';
import { closeStarted, type Receiver, startApi, startReceiver, type TestApi } from './test-support.js';

let api: TestApi;
let receiver: Receiver;
afterEach(closeStarted);

const REAL = 'https://api.moysklad.ru/api/remap/1.2';
const meta = (type: string, id: string) => ({ meta: { href: `${REAL}/entity/${type}/${id}`, type, mediaType: 'application/json' } });
const ids = {
  parent: 'f0000000-0000-4000-8000-000000000001',
  child: 'f0000000-0000-4000-8000-000000000002',
  product: 'a0000000-0000-4000-8000-000000000001',
  buyer: 'c0000000-0000-4000-8000-000000000001',
  program: 'b0000000-0000-4000-8000-000000000001',
  sale: 'd0000000-0000-4000-8000-000000000001',
};

/** A small seed in exactly the shape sandbox/seed produces: API-shaped JSON on the real host. */
const seed = {
  references: { ignored: true },
  pricetypes: [{ id: FIXED_IDS.priceTypeSale, name: 'Цена продажи', externalCode: 'cbcf493b-55bc-11d9-848a-00112f43529a' }],
  productfolders: [
    { id: ids.child, name: 'Камеры', productFolder: meta('productfolder', ids.parent), pathName: 'Фототовары' },
    { id: ids.parent, name: 'Фототовары', pathName: '' },
  ],
  products: [{
    id: ids.product, name: 'Камера', article: 'CAM-1', productFolder: meta('productfolder', ids.child), pathName: 'Фототовары/Камеры',
    salePrices: [{ value: 4599000, currency: meta('currency', FIXED_IDS.currencyRub), priceType: { meta: { href: `${REAL}/context/companysettings/pricetype/${FIXED_IDS.priceTypeSale}`, type: 'pricetype', mediaType: 'application/json' } } }],
  }],
  counterparties: [{ id: ids.buyer, name: 'Анна', companyType: 'individual', phone: '+79990001122', tags: [], bonusPoints: 40, salesAmount: 4599000, created: '2025-12-01 10:00:00.000', updated: '2025-12-02 11:00:00.000' }],
  bonusprograms: [{ id: ids.program, name: 'Бонусы', active: true, allAgents: true, agentTags: [], earnRateRoublesToPoint: 1000, spendRatePointsToRouble: 1, maxPaidRatePercents: 50 }],
  retaildemands: [{
    id: ids.sale, name: '00007', moment: '2025-12-02 11:00:00.000', agent: meta('counterparty', ids.buyer), sum: 4599000, cashSum: 0, noCashSum: 4599000,
    positions: { meta: { href: `${REAL}/entity/retaildemand/${ids.sale}/positions`, type: 'demandposition', size: 1, limit: 1000, offset: 0 },
      rows: [{ id: 'e0000000-0000-4000-8000-000000000001', quantity: 1, price: 4599000, discount: 0, assortment: meta('product', ids.product) }] },
  }],
  bonustransactions: [{
    name: '00001', agent: meta('counterparty', ids.buyer), bonusProgram: meta('bonusprogram', ids.program), parentDocument: meta('retaildemand', ids.sale),
    transactionType: 'EARNING', transactionStatus: 'COMPLETED', categoryType: 'REGULAR', bonusValue: 45, executionDate: '2025-12-02 11:00:00.000', externalCode: 'seed-1',
  }],
};

describe('emu.load(seed)', () => {
  it('loads API-shaped JSON silently, keeps ids and rewrites hrefs to the emulator', async () => {
    receiver = await startReceiver();
    api = await startApi({ rateLimits: { requestsPerWindow: 1000 } });
    await api.call('POST', '/entity/webhook', { url: `${receiver.origin}/h`, action: 'CREATE', entityType: 'counterparty' });
    const counts = api.emu.load(seed);
    expect(counts).toMatchObject({ pricetypes: 1, productfolders: 2, products: 1, counterparties: 1, retaildemands: 1, bonustransactions: 1 });
    await api.emu.webhooksSettled();
    expect(receiver.received).toHaveLength(0);
    expect((await api.call('GET', '/audit')).body.rows).toHaveLength(0);

    const { body: buyer } = await api.call('GET', `/entity/counterparty/${ids.buyer}`);
    expect(buyer).toMatchObject({ bonusPoints: 40, updated: '2025-12-02 11:00:00.000', salesAmount: 4599000 }); // explicit balance wins
    expect(buyer.meta.href).toBe(`${api.baseUrl}/entity/counterparty/${ids.buyer}`);
    const { body: product } = await api.call('GET', `/entity/product/${ids.product}`);
    expect(product.pathName).toBe('Фототовары/Камеры');
    const { body: sale } = await api.call('GET', `/entity/retaildemand/${ids.sale}?expand=positions`);
    expect(sale.sum).toBe(4599000);
    expect(sale.positions.rows[0].assortment.meta.href).toBe(`${api.baseUrl}/entity/product/${ids.product}`);
    const { body: tx } = await api.call('GET', '/entity/bonustransaction?filter=externalCode=seed-1');
    expect(tx.rows[0]).toMatchObject({ executionDate: '2025-12-02 11:00:00.000', parentDocument: { meta: { href: sale.meta.href } } });
    expect((await api.call('DELETE', `/entity/product/${ids.product}`)).status).toBe(409);

    const next = await api.call('POST', '/entity/retaildemand', { agent: { meta: buyer.meta } });
    expect(next.body.name).toBe('00008');
  });

  it('derives balances from loaded transactions when bonusPoints is absent, and names the bad item', async () => {
    api = await startApi();
    const { bonusPoints: _omit, ...buyerWithoutBalance } = seed.counterparties[0]!;
    api.emu.load({ ...seed, counterparties: [buyerWithoutBalance] });
    expect(api.emu.get('counterparty', ids.buyer).bonusPoints).toBe(45);
    expect(() => api.emu.load({ products: [{ id: 'x' }] })).toThrow(/products\[0\].*3000/);
  });
});

describe('UI helpers', () => {
  it('act like a user: audit source "online" and webhooks fire', async () => {
    receiver = await startReceiver();
    api = await startApi();
    for (const action of ['CREATE', 'UPDATE', 'DELETE'])
      await api.call('POST', '/entity/webhook', { url: `${receiver.origin}/h/${action}`, action, entityType: 'product' });
    const folder = api.emu.ui.createProductFolder({ name: 'Группа' });
    const product = api.emu.ui.createProduct({ name: 'Вещь', productFolder: { meta: folder.meta } });
    expect(product.pathName).toBe('Группа');
    api.emu.ui.archiveProduct(product.id as string);
    api.emu.ui.deleteProduct(product.id as string);
    await api.emu.webhooksSettled();
    // Deliveries are concurrent: which one arrives first is not part of the contract.
    expect(receiver.received.map((h) => h.body.events[0].action).sort()).toEqual(['CREATE', 'DELETE', 'UPDATE']);
    const audit = await api.call('GET', `/audit?filter=${encodeURIComponent('entityType=product;eventType=delete;moment>=2020-01-01 00:00:00')}`);
    expect(audit.body.rows).toHaveLength(1);
    const future = await api.call('GET', `/audit?filter=${encodeURIComponent('entityType=product;moment>=2999-01-01 00:00:00')}`);
    expect(future.body.rows).toHaveLength(0);
    expect(audit.body.rows[0]).toMatchObject({ source: 'online', uid: 'admin@demo' });
  });
});
