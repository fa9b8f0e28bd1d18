import { afterEach, describe, expect, it } from 'vitest';
import { closeStarted, startApi, type TestApi } from './test-support.js';

let api: TestApi;
afterEach(closeStarted);

const MSK = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/;

describe('counterparty', () => {
  it('reproduces the documented "create an individual" example', async () => {
    // 2023-08-14 18:34:00.817 UTC = 21:34:00.817 MSK, the time of the documentation example.
    api = await startApi({ now: () => Date.UTC(2023, 7, 14, 18, 34, 0, 817) });
    const res = await api.call('POST', '/entity/counterparty', {
      name: 'Петров',
      companyType: 'individual',
      legalLastName: 'Петров',
      legalFirstName: 'Петр',
      legalMiddleName: 'Петрович',
      sex: 'MALE',
      birthDate: '1953-11-01 00:00:00.000',
    });
    expect(res.status).toBe(200);
    const c = res.body;
    expect(c.meta).toMatchObject({
      href: `${api.baseUrl}/entity/counterparty/${c.id}`,
      metadataHref: `${api.baseUrl}/entity/counterparty/metadata`,
      type: 'counterparty',
      mediaType: 'application/json',
    });
    expect(c).toMatchObject({
      updated: '2023-08-14 21:34:00.817',
      created: '2023-08-14 21:34:00.817',
      name: 'Петров',
      archived: false,
      companyType: 'individual',
      legalTitle: 'Петров Петр Петрович',
      birthDate: '1953-11-01 00:00:00.000',
      sex: 'MALE',
      tags: [],
      salesAmount: 0,
      bonusPoints: 0,
      accountId: api.emu.accountId,
    });
    expect(c.externalCode).toMatch(/^[A-Za-z0-9]{22}$/);
    expect(c.phone).toBeUndefined(); // empty fields are omitted
  });

  it('requires name (412/3000 with parameter)', async () => {
    api = await startApi();
    const res = await api.call('POST', '/entity/counterparty', { companyType: 'individual' });
    expect(res.status).toBe(412);
    expect(res.body.errors[0]).toMatchObject({ code: 3000, parameter: 'name' });
    expect(res.body.errors[0].moreInfo).toContain('3000');
  });

  it('creates idempotently with the same syncId', async () => {
    api = await startApi();
    const syncId = '7944ef04-f831-11e5-7a69-971500188b19';
    const a = await api.call('POST', '/entity/counterparty', { name: 'A', syncId });
    const b = await api.call('POST', '/entity/counterparty', { name: 'A again', syncId });
    expect(b.body.id).toBe(a.body.id);
    expect(b.body.name).toBe('A');
    expect(api.emu.list('counterparty')).toHaveLength(1);
  });

  it('404/1021 for an unknown id; updates with PUT; null clears a field', async () => {
    api = await startApi({ now: (() => { let t = Date.UTC(2026, 0, 1); return () => (t += 1000); })() });
    expect((await api.call('GET', '/entity/counterparty/00000000-0000-4000-8000-000000000000')).body.errors[0].code).toBe(1021);
    const { body: created } = await api.call('POST', '/entity/counterparty', { name: 'Иван', phone: '+79990000001' });
    const { body: updated } = await api.call('PUT', `/entity/counterparty/${created.id}`, { email: 'i@example.com', phone: null });
    expect(updated.email).toBe('i@example.com');
    expect(updated.phone).toBeUndefined();
    expect(updated.updated > created.updated).toBe(true);
    expect(updated.updated).toMatch(MSK);
  });
});

describe('bulk requests', () => {
  it('creates and updates in one array, with per-item errors', async () => {
    api = await startApi();
    const { body: existing } = await api.call('POST', '/entity/product', { name: 'Old' });
    const res = await api.call('POST', '/entity/product', [{ name: 'New' }, { meta: existing.meta, name: 'Renamed' }, { article: 'x' }]);
    expect(res.status).toBe(200);
    expect(res.body[0].name).toBe('New');
    expect(res.body[1]).toMatchObject({ id: existing.id, name: 'Renamed' });
    expect(res.body[2].errors[0].code).toBe(3000);
  });

  it('refuses more than 1000 items with 413', async () => {
    api = await startApi();
    const res = await api.call('POST', '/entity/product', Array.from({ length: 1001 }, (_, i) => ({ name: `p${i}` })));
    expect(res.status).toBe(413);
    expect(api.emu.list('product')).toHaveLength(0);
  });

  it('deletes by meta with POST /entity/{type}/delete', async () => {
    api = await startApi();
    const { body: created } = await api.call('POST', '/entity/productfolder', [{ name: 'A' }, { name: 'B' }]);
    const res = await api.call('POST', '/entity/productfolder/delete', created.map((f: { meta: unknown }) => ({ meta: f.meta })));
    expect(res.body[0].info).toContain('успешно удалена');
    expect(api.emu.list('productfolder')).toHaveLength(0);
  });
});

describe('product', () => {
  it('fills every price type, shows pathName of the group and its priceType names', async () => {
    api = await startApi();
    const { body: parent } = await api.call('POST', '/entity/productfolder', { name: 'Фототовары' });
    const { body: folder } = await api.call('POST', '/entity/productfolder', { name: 'Камеры', productFolder: { meta: parent.meta } });
    const { body: types } = await api.call('GET', '/context/companysettings/pricetype');
    const sale = types.find((t: { name: string }) => t.name === 'Цена продажи');
    const { body: product } = await api.call('POST', '/entity/product', {
      name: 'Камера',
      productFolder: { meta: folder.meta },
      salePrices: [{ value: 4599000, priceType: { meta: sale.meta } }],
    });
    expect(folder.pathName).toBe('Фототовары');
    expect(product.pathName).toBe('Фототовары/Камеры');
    expect(product.salePrices).toHaveLength(types.length);
    expect(product.salePrices[0]).toMatchObject({ value: 4599000, priceType: { id: sale.id, name: 'Цена продажи' } });
    expect(product.salePrices[1].value).toBe(0);
  });

  it('refuses to delete a product used in a retail sale (409/1028 with dependencies) and archives it instead', async () => {
    api = await startApi();
    const { body: product } = await api.call('POST', '/entity/product', { name: 'Бананы' });
    const { body: buyer } = await api.call('POST', '/entity/counterparty', { name: 'Покупатель' });
    const { body: sale } = await api.call('POST', '/entity/retaildemand', {
      agent: { meta: buyer.meta },
      positions: [{ assortment: { meta: product.meta }, quantity: 2, price: 15050 }],
    });
    expect(sale).toMatchObject({
      sum: 30100, cashSum: 30100, noCashSum: 0, qrSum: 0, applicable: true, name: '00001',
      agent: { meta: { href: buyer.meta.href, type: 'counterparty' } },
      retailStore: { meta: { type: 'retailstore' } },
      retailShift: { meta: { type: 'retailshift' } },
      positions: { meta: { href: `${sale.meta.href}/positions`, type: 'demandposition', size: 1, limit: 1000, offset: 0 } },
    });
    expect(sale.moment).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.000$/);

    const res = await api.call('DELETE', `/entity/product/${product.id}`);
    expect(res.status).toBe(409);
    expect(res.body.errors[0].code).toBe(1028);
    expect(res.body.errors[0].dependencies[0].meta.href).toBe(sale.meta.href);

    const archived = await api.call('PUT', `/entity/product/${product.id}`, { archived: true });
    expect(archived.body.archived).toBe(true);
    const active = await api.call('GET', '/entity/product?filter=archived=false');
    expect(active.body.rows).toHaveLength(0);

    const { body: free } = await api.call('POST', '/entity/product', { name: 'Unused' });
    const deleted = await api.call('DELETE', `/entity/product/${free.id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toBeUndefined();
  });
});

describe('retaildemand positions', () => {
  it('serves /positions and expands positions.assortment', async () => {
    api = await startApi();
    const { body: product } = await api.call('POST', '/entity/product', { name: 'Камера' });
    const { body: buyer } = await api.call('POST', '/entity/counterparty', { name: 'B' });
    const { body: sale } = await api.call('POST', '/entity/retaildemand?expand=positions', {
      agent: { meta: buyer.meta },
      positions: [{ assortment: { meta: product.meta }, quantity: 1, price: 100 }],
    });
    expect(sale.positions.meta).toMatchObject({ type: 'demandposition', size: 1 });
    expect(sale.positions.rows).toHaveLength(1);
    const list = await api.call('GET', `/entity/retaildemand/${sale.id}/positions?expand=assortment&limit=100`);
    expect(list.body.rows[0].assortment.name).toBe('Камера');
    const { body: other } = await api.call('POST', '/entity/product', { name: 'Штатив' });
    await api.call('POST', '/entity/retaildemand', { agent: { meta: buyer.meta }, positions: [{ assortment: { meta: other.meta }, price: 1 }] });
    const byProduct = await api.call('GET', `/entity/retaildemand?filter=${encodeURIComponent(`assortment=${product.meta.href};isDeleted=false`)}`);
    expect(byProduct.body.rows.map((r: { id: string }) => r.id)).toEqual([sale.id]);
    const one = await api.call('GET', `/entity/retaildemand/${sale.id}?expand=agent,positions.assortment`);
    expect(one.body.agent.name).toBe('B');
    expect(one.body.positions.rows[0].assortment.name).toBe('Камера');
  });
});
