// Conformance: the example payloads and rules of /work/shared/reference/moysklad-api.md, reproduced verbatim
// where the emulator can hold the data (see README «Differences» for what is adapted and why).
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EmulatorCore } from './core.js';
import { basic, closeStarted, startApi, type TestApi } from './test-support.js';

let api: TestApi;
afterEach(closeStarted);

const REAL = 'https://api.moysklad.ru/api/remap/1.2';

describe('list meta (§2.4)', () => {
  it('reproduces the documented collection meta: metadataHref, size/limit/offset, no nextHref while size ≤ limit', async () => {
    api = await startApi();
    for (const name of ['A', 'B', 'C', 'D']) await api.call('POST', '/entity/counterparty', { name });
    const { status, body } = await api.call('GET', '/entity/counterparty');
    expect(status).toBe(200);
    expect(body.meta).toEqual({
      href: `${api.baseUrl}/entity/counterparty`,
      metadataHref: `${api.baseUrl}/entity/counterparty/metadata`,
      type: 'counterparty',
      mediaType: 'application/json',
      size: 4, limit: 1000, offset: 0,
    });
    expect(body.context.employee.meta.type).toBe('employee');
    expect(body.rows).toHaveLength(4);
  });

  it('shows the list row\'s bonusProgram meta with metadataHref and bonusPoints, as in the list example', async () => {
    api = await startApi();
    const { body: program } = await api.call('POST', '/entity/bonusprogram', { name: 'Бонусы', active: true });
    await api.call('POST', '/entity/counterparty', { name: 'Анна', companyType: 'individual' });
    const { body } = await api.call('GET', '/entity/counterparty');
    expect(body.rows[0]).toMatchObject({
      bonusProgram: { meta: {
        href: `${api.baseUrl}/entity/bonusprogram/${program.id}`,
        metadataHref: `${api.baseUrl}/entity/bonusprogram/metadata`,
        type: 'bonusprogram', mediaType: 'application/json',
      } },
      bonusPoints: 0,
    });
  });
});

describe('documented entity examples', () => {
  it('serves the «Получить Товар» example: kopecks, pathName "", priceType with id/name/externalCode', async () => {
    api = await startApi();
    const priceTypeId = '672559f1-cbf3-11e1-9eb9-889ffa6f49fd';
    const currency = { meta: { href: `${REAL}/entity/currency/6314188d-2c7f-11e6-8a84-bae500000055`, type: 'currency', mediaType: 'application/json' } };
    api.emu.load({
      pricetypes: [{ id: priceTypeId, name: 'Цена продажи', externalCode: 'cbcf493b-55bc-11d9-848a-00112f43529a' }],
      products: [{
        meta: { href: `${REAL}/entity/product/d950551c-2c7f-11e6-8a84-bae50000000b`, metadataHref: `${REAL}/entity/product/metadata`, type: 'product', mediaType: 'application/json' },
        id: 'd950551c-2c7f-11e6-8a84-bae50000000b',
        updated: '2016-06-07 10:45:16',
        name: 'Бананы',
        description: 'Бананы, Африка',
        code: 'one1',
        externalCode: '456',
        archived: false,
        pathName: '',
        article: 'Ar23',
        salePrices: [{
          value: 346347237000.0,
          currency,
          priceType: { meta: { href: `${REAL}/context/companysettings/pricetype/${priceTypeId}`, type: 'pricetype', mediaType: 'application/json' },
            id: priceTypeId, name: 'Цена продажи', externalCode: 'cbcf493b-55bc-11d9-848a-00112f43529a' },
        }],
        buyPrice: { value: 23553000.0, currency },
      }],
    });
    const { status, body } = await api.call('GET', '/entity/product/d950551c-2c7f-11e6-8a84-bae50000000b');
    expect(status).toBe(200);
    const local = (href: string) => href.replace(REAL, api.baseUrl);
    expect(body).toMatchObject({
      meta: { href: `${api.baseUrl}/entity/product/d950551c-2c7f-11e6-8a84-bae50000000b`, metadataHref: `${api.baseUrl}/entity/product/metadata`, type: 'product', mediaType: 'application/json' },
      id: 'd950551c-2c7f-11e6-8a84-bae50000000b',
      updated: '2016-06-07 10:45:16',
      name: 'Бананы', description: 'Бананы, Африка', code: 'one1', externalCode: '456', archived: false, pathName: '', article: 'Ar23',
      salePrices: [{
        value: 346347237000,
        currency: { meta: { href: local(currency.meta.href), type: 'currency' } },
        priceType: { meta: { href: `${api.baseUrl}/context/companysettings/pricetype/${priceTypeId}`, type: 'pricetype', mediaType: 'application/json' },
          id: priceTypeId, name: 'Цена продажи', externalCode: 'cbcf493b-55bc-11d9-848a-00112f43529a' },
      }],
      buyPrice: { value: 23553000, currency: { meta: { href: local(currency.meta.href), type: 'currency' } } },
    });
  });

  it('serves the retaildemand example (positions MetaArray, retailStore/retailShift, payments, cheque) and its position row', async () => {
    api = await startApi();
    const id = 'cdccba00-0563-11e6-9464-e4de00000090';
    const agentId = '8518d001-f504-11e5-8a84-bae50000016a';
    // The example's position points at a `service`; the emulator stores products only (README «Differences»).
    const productId = '60fc3826-00d7-11e6-9464-e4de00000097';
    api.emu.load({
      counterparties: [{ id: agentId, name: 'Покупатель', companyType: 'individual' }],
      products: [{ id: productId, name: 'Услуга' }],
      retaildemands: [{
        meta: { href: `${REAL}/entity/retaildemand/${id}`, type: 'retaildemand' },
        id,
        updated: '2016-04-18 15:48:09',
        name: '00002',
        moment: '2016-04-18 15:48:00',
        applicable: true,
        agent: { meta: { href: `${REAL}/entity/counterparty/${agentId}`, type: 'counterparty' } },
        positions: [{ id: '0b7ab774-055e-11e6-9464-e4de0000007f', quantity: 17, price: 300.0, discount: 0, vat: 18, vatEnabled: true,
          assortment: { meta: { href: `${REAL}/entity/product/${productId}`, type: 'product' } } }],
        retailStore: { meta: { href: `${REAL}/entity/retailstore/851f8576-f504-11e5-8a84-bae50000016c`, type: 'retailstore' } },
        retailShift: { meta: { href: `${REAL}/entity/retailshift/cd86df19-0563-11e6-9464-e4de0000008e`, type: 'retailshift' } },
        cashSum: 0, noCashSum: 1800, qrSum: 0,
        cheque: { fnNumber: '110011', fiscalDocSign: '1122330002', fiscalDocNumber: '22222222222', kktRegNumber: '000001', time: '2025-06-01 22:04:35.000' },
      }],
    });
    const { body } = await api.call('GET', `/entity/retaildemand/${id}`);
    expect(body).toMatchObject({
      id, updated: '2016-04-18 15:48:09', name: '00002', moment: '2016-04-18 15:48:00', applicable: true,
      sum: 5100, // "Сумма в копейках", recomputed from the positions: 17 × 300
      agent: { meta: { href: `${api.baseUrl}/entity/counterparty/${agentId}`, type: 'counterparty' } },
      positions: { meta: { href: `${api.baseUrl}/entity/retaildemand/${id}/positions`, type: 'demandposition', size: 1, limit: 1000, offset: 0 } },
      retailStore: { meta: { href: `${api.baseUrl}/entity/retailstore/851f8576-f504-11e5-8a84-bae50000016c`, type: 'retailstore' } },
      retailShift: { meta: { href: `${api.baseUrl}/entity/retailshift/cd86df19-0563-11e6-9464-e4de0000008e`, type: 'retailshift' } },
      cashSum: 0, noCashSum: 1800, qrSum: 0,
      cheque: { fnNumber: '110011', fiscalDocSign: '1122330002', fiscalDocNumber: '22222222222', kktRegNumber: '000001', time: '2025-06-01 22:04:35.000' },
    });
    const { body: positions } = await api.call('GET', `/entity/retaildemand/${id}/positions`);
    expect(positions.rows[0]).toMatchObject({ id: '0b7ab774-055e-11e6-9464-e4de0000007f', quantity: 17, price: 300, discount: 0, vat: 18, vatEnabled: true,
      assortment: { meta: { href: `${api.baseUrl}/entity/product/${productId}`, type: 'product' } } });
  });

  it('creates the documented bonus program example', async () => {
    api = await startApi();
    const example = {
      name: 'bonusprogram', active: false, allAgents: true, agentTags: ['группа агентов'], earnRateRoublesToPoint: 7, spendRatePointsToRouble: 4,
      maxPaidRatePercents: 50, welcomeBonusesEnabled: true, welcomeBonusesValue: 100, welcomeBonusesMode: 'REGISTRATION',
      postponedBonusesDelayDays: 7, earnWhileRedeeming: true,
    };
    const { status, body } = await api.call('POST', '/entity/bonusprogram', example);
    expect(status).toBe(200);
    expect(body).toMatchObject({ ...example, allProducts: true, meta: { type: 'bonusprogram' } });
  });
});

describe('size limits (§2.1)', () => {
  it('refuses more than 1000 elements in a nested array (positions) with 413', async () => {
    api = await startApi();
    const { body: product } = await api.call('POST', '/entity/product', { name: 'Т' });
    const { body: agent } = await api.call('POST', '/entity/counterparty', { name: 'А' });
    const position = { quantity: 1, price: 100, assortment: { meta: product.meta } };
    const tooMany = await api.call('POST', '/entity/retaildemand', { agent: { meta: agent.meta }, positions: Array.from({ length: 1001 }, () => position) });
    expect(tooMany.status).toBe(413);
    expect(tooMany.body.errors[0]).toMatchObject({ parameter: 'positions' });
    const max = await api.call('POST', '/entity/retaildemand', { agent: { meta: agent.meta }, positions: Array.from({ length: 1000 }, () => position) });
    expect(max.status).toBe(200);
    expect(max.body.sum).toBe(100_000);
  });
});

describe('documented filter and audit queries (§5)', () => {
  it('runs the incremental-sync and audit-delete examples verbatim', async () => {
    let now = Date.UTC(2025, 11, 31, 20, 0, 0); // 2025-12-31 23:00 MSK
    api = await startApi({ now: () => now });
    await api.call('POST', '/entity/counterparty', { name: 'Старый', companyType: 'individual' });
    now = Date.UTC(2025, 11, 31, 21, 0, 1); // 2026-01-01 00:00:01 MSK
    const { body: b } = await api.call('POST', '/entity/counterparty', { name: 'Б', companyType: 'individual' });
    now += 1000;
    const { body: a } = await api.call('POST', '/entity/counterparty', { name: 'А', companyType: 'individual' });
    await api.call('POST', '/entity/counterparty', { name: 'ООО', companyType: 'legal' });
    const { body: product } = await api.call('POST', '/entity/product', { name: 'Удалённый' });
    await api.call('DELETE', `/entity/product/${product.id}`);
    const q = encodeURIComponent('companyType=individual;updated>=2026-01-01 00:00:00');
    const { body: list } = await api.call('GET', `/entity/counterparty?filter=${q}&order=updated,asc&limit=1000`);
    expect(list.rows.map((r: { id: string }) => r.id)).toEqual([b.id, a.id]);
    const { body: byName } = await api.call('GET', `/entity/counterparty?filter=${encodeURIComponent('companyType=individual')}&order=${encodeURIComponent('updated,asc;id')}`);
    expect(byName.rows.map((r: { name: string }) => r.name)).toEqual(['Старый', 'Б', 'А']);
    const audit = encodeURIComponent('entityType=product;eventType=delete;moment>=2026-01-01 00:00:00');
    const { status, body: contexts } = await api.call('GET', `/audit?filter=${audit}`);
    expect(status).toBe(200);
    expect(contexts.rows).toHaveLength(1);
    expect(contexts.rows[0]).toMatchObject({ eventType: 'delete', entityType: 'product' });
  });
});

describe('big seeds (performance)', () => {
  it('lists 5,000 buyers and 10,000 sales computing the per-buyer sales cache once per call, not per row', { timeout: 60_000 }, async () => {
    api = await startApi();
    const buyers = Array.from({ length: 5000 }, (_, i) => ({ id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, name: `B${i}`, companyType: 'individual' }));
    const productId = '10000000-0000-4000-8000-000000000001';
    const sales = Array.from({ length: 10_000 }, (_, i) => ({
      agent: { meta: { href: `/entity/counterparty/${buyers[i % 5000]!.id}` } },
      positions: [{ assortment: { meta: { href: `/entity/product/${productId}` } }, quantity: 1, price: 100 }],
    }));
    api.emu.load({ counterparties: buyers, products: [{ id: productId, name: 'P' }], retaildemands: sales });
    const store = (api.emu as unknown as { core: EmulatorCore }).core.store;
    const spy = vi.spyOn(store, 'list');
    const salesScans = () => spy.mock.calls.filter(([type]) => type === 'retaildemand').length;

    const rows = api.emu.list('counterparty');
    expect(rows).toHaveLength(5000);
    expect(rows[0]).toMatchObject({ salesAmount: 200 });
    expect(salesScans()).toBe(1);

    spy.mockClear();
    const { body } = await api.call('GET', `/entity/counterparty?filter=${encodeURIComponent('companyType=individual')}&order=updated,asc`);
    expect(body.meta.size).toBe(5000);
    expect(salesScans()).toBe(1);

    spy.mockClear();
    const { body: page } = await api.call('GET', '/entity/retaildemand?expand=agent&limit=100&offset=9900');
    expect(page.rows).toHaveLength(100);
    expect(page.rows[0].agent.salesAmount).toBe(200);
    expect(salesScans()).toBeLessThanOrEqual(2); // the list itself + one cache for the expanded agents
    spy.mockRestore();
  });
});

describe('request format (§1)', () => {
  it('refuses a JSON body sent without Content-Type: application/json with 400/2001 (defensive, see README)', async () => {
    api = await startApi();
    const post = (contentType?: string) =>
      fetch(`${api.baseUrl}/entity/counterparty`, {
        method: 'POST',
        headers: { Authorization: basic(), 'Accept-Encoding': 'gzip', ...(contentType ? { 'Content-Type': contentType } : {}) },
        body: JSON.stringify({ name: 'Без заголовка' }),
      });
    for (const contentType of [undefined, 'text/plain;charset=UTF-8']) {
      const res = await post(contentType);
      expect(res.status, String(contentType)).toBe(400);
      expect((await res.json()).errors[0].code).toBe(2001);
    }
    expect((await post('application/json;charset=utf-8')).status).toBe(200);
    expect((await api.call('GET', '/entity/counterparty')).body.meta.size).toBe(1);
  });
});

describe('date-time format (§5)', () => {
  it('stores a document moment to the minute (the documented 12:36:00 next to executionDate 12:36:26)', async () => {
    api = await startApi({ now: () => Date.UTC(2018, 8, 13, 9, 36, 26, 500) });
    const { body: agent } = await api.call('POST', '/entity/counterparty', { name: 'А' });
    const { body: sale } = await api.call('POST', '/entity/retaildemand', { agent: { meta: agent.meta } });
    expect(sale).toMatchObject({ moment: '2018-09-13 12:36:00.000', created: '2018-09-13 12:36:26.500' });
  });
});
