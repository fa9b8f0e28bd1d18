// Conformance: md/dictionaries/_variant.md and _characteristic.md (modifications), md/_errors.md 10000–10002, 15000–15004.
import { afterEach, describe, expect, it } from 'vitest';
import { FIXED_IDS } from './fixtures.js';
import { closeStarted, startApi, startReceiver, type TestApi } from './test-support.js';

let api: TestApi;
afterEach(closeStarted);

const PRODUCT = '11111111-0000-4000-8000-000000000001';
const priceRef = (id: string) => ({ meta: { href: `https://api.moysklad.ru/api/remap/1.2/context/companysettings/pricetype/${id}`, type: 'pricetype', mediaType: 'application/json' } });
const productRef = { meta: { href: `https://api.moysklad.ru/api/remap/1.2/entity/product/${PRODUCT}`, type: 'product', mediaType: 'application/json' } };

async function withProduct() {
  api = await startApi({ rateLimits: { requestsPerWindow: 1000 } });
  api.emu.load({ products: [{ id: PRODUCT, name: 'Футболка', salePrices: [{ value: 150000, priceType: priceRef(FIXED_IDS.priceTypeSale) }, { value: 120000, priceType: priceRef(FIXED_IDS.priceTypeWholesale) }] }] });
}

describe('variant (product modifications)', () => {
  it('creates a modification from the documented request shape, names it after its product and shows the product\'s prices it does not set', async () => {
    await withProduct();
    const { body: color } = await api.call('POST', '/entity/variant/metadata/characteristics', { name: 'Цвет' });
    expect(color).toMatchObject({ meta: { href: `${api.baseUrl}/entity/variant/metadata/characteristics/${color.id}`, type: 'attributemetadata' }, name: 'Цвет', type: 'string', required: false });
    const created = await api.call('POST', '/entity/variant', {
      name: '(красный, S)', // the server names a modification itself
      article: 'T01 (M01)',
      characteristics: [{ id: color.id, value: 'красный' }, { name: 'Размер', value: 'S' }],
      salePrices: [{ value: 155000, priceType: priceRef(FIXED_IDS.priceTypeSale) }],
      product: productRef,
    });
    expect(created.status).toBe(200);
    const v = created.body;
    expect(v).toMatchObject({
      meta: { href: `${api.baseUrl}/entity/variant/${v.id}`, metadataHref: `${api.baseUrl}/entity/variant/metadata`, type: 'variant' },
      name: 'Футболка (красный, S)', article: 'T01 (M01)', archived: false, accountId: api.emu.accountId,
      product: { meta: { href: `${api.baseUrl}/entity/product/${PRODUCT}`, type: 'product' } },
    });
    expect(v.characteristics.map((c: { name: string; value: string }) => [c.name, c.value])).toEqual([['Цвет', 'красный'], ['Размер', 'S']]);
    expect(v.characteristics[1].meta.href).toMatch(/\/entity\/variant\/metadata\/characteristics\/[0-9a-f-]{36}$/);
    // Own «Цена продажи», the product's «Оптовая цена», 0 for a type neither sets.
    expect(v.salePrices.map((p: { value: number; priceType: { name: string } }) => [p.priceType.name, p.value])).toEqual([['Цена продажи', 155000], ['Оптовая цена', 120000], ['Цена для интернет-магазина', 0]]);

    const metadata = await api.call('GET', '/entity/variant/metadata');
    expect(metadata.body.characteristics.map((c: { name: string }) => c.name)).toEqual(['Цвет', 'Размер']); // «Размер» was created by name
    expect((await api.call('GET', `/entity/variant/${v.id}?expand=product`)).body.product).toMatchObject({ id: PRODUCT, name: 'Футболка' });
    expect((await api.call('GET', `/entity/product/${PRODUCT}`)).body.variantsCount).toBe(1);
    const list = await api.call('GET', `/entity/variant?filter=${encodeURIComponent(`productid=${PRODUCT}`)}`);
    expect(list.body.meta).toMatchObject({ type: 'variant', size: 1 });
    expect((await api.call('GET', `/entity/variant?filter=${encodeURIComponent(`productid!=${PRODUCT}`)}`)).body.rows).toEqual([]);
  });

  it('refuses modifications the documented errors describe', async () => {
    await withProduct();
    const create = (body: Record<string, unknown>) => api.call('POST', '/entity/variant', { product: productRef, ...body });
    const code = async (body: Record<string, unknown>) => (await create(body)).body.errors[0].code as number;
    expect(await code({ characteristics: [] })).toBe(15001);
    expect(await code({ characteristics: [{ value: 'x' }] })).toBe(10000);
    expect(await code({ characteristics: [{ id: '00000000-0000-4000-8000-000000000000', value: 'x' }] })).toBe(10001);
    expect(await code({ characteristics: [{ name: 'Цвет', value: 'a' }, { name: 'Цвет', value: 'b' }] })).toBe(15004);
    expect((await create({ characteristics: [{ name: 'Цвет', value: 'синий' }] })).status).toBe(200);
    expect(await code({ characteristics: [{ name: 'Цвет', value: 'синий' }] })).toBe(15000);
    expect((await api.call('POST', '/entity/variant', { characteristics: [{ name: 'Цвет', value: 'красный' }] })).body.errors[0]).toMatchObject({ code: 3000, parameter: 'product' });
    expect((await api.call('POST', '/entity/variant/metadata/characteristics', [{ name: 'Цвет' }])).body.errors[0].code).toBe(10002);
    expect((await api.call('GET', '/entity/variant')).body.meta.size).toBe(1); // nothing refused was stored
  });

  it('fires webhooks and audit like other kinds; deleting a product deletes its modifications, a sold one blocks it', async () => {
    await withProduct();
    const receiver = await startReceiver();
    for (const action of ['CREATE', 'UPDATE', 'DELETE']) await api.call('POST', '/entity/webhook', { url: `${receiver.origin}/v`, action, entityType: 'variant' });
    const { body: red } = await api.call('POST', '/entity/variant', { product: productRef, characteristics: [{ name: 'Цвет', value: 'красный' }] });
    const { body: blue } = await api.call('POST', '/entity/variant', { product: productRef, characteristics: [{ name: 'Цвет', value: 'синий' }] });
    await api.call('PUT', `/entity/variant/${red.id}`, { archived: true });
    const audit = await api.call('GET', `/entity/variant/${red.id}/audit`);
    expect(audit.body.rows.map((e: { eventType: string }) => e.eventType)).toEqual(['update', 'create']);

    const sale = api.emu.sellAtTill({ buyer: { name: 'Анна', phone: '+79990001122' }, positions: [{ variantId: blue.id, quantity: 1 }] });
    const blocked = await api.call('DELETE', `/entity/product/${PRODUCT}`);
    expect(blocked.status).toBe(409);
    expect(blocked.body.errors[0].dependencies[0].meta.href).toBe(sale.retaildemand.meta && (sale.retaildemand.meta as { href: string }).href);

    api.emu.load({ products: [{ id: '11111111-0000-4000-8000-000000000002', name: 'Кепка' }] });
    const { body: cap } = await api.call('POST', '/entity/variant', { product: { meta: { href: `${api.baseUrl}/entity/product/11111111-0000-4000-8000-000000000002` } }, characteristics: [{ name: 'Цвет', value: 'белый' }] });
    expect((await api.call('DELETE', '/entity/product/11111111-0000-4000-8000-000000000002')).status).toBe(200);
    expect((await api.call('GET', `/entity/variant/${cap.id}`)).status).toBe(404);
    await api.emu.webhooksSettled();
    const events = receiver.received.flatMap((h) => h.body.events.map((e: { action: string; meta: { href: string } }) => [e.action, e.meta.href.split('/').pop()]));
    // Deliveries are concurrent, so they are compared regardless of arrival order.
    const sorted = (list: unknown[][]) => list.map((e) => e.join(' ')).sort();
    expect(sorted(events)).toEqual(sorted([['CREATE', red.id], ['CREATE', blue.id], ['UPDATE', red.id], ['CREATE', cap.id], ['DELETE', cap.id]]));
  });
});

describe('filters: documented fields only', () => {
  it('answers a filter on a field the entity does not document as МойСклад does (1034), and applies documented ones', async () => {
    api = await startApi({ rateLimits: { requestsPerWindow: 1000 } });
    const folder = '22222222-0000-4000-8000-000000000001';
    api.emu.load({
      productfolders: [{ id: folder, name: 'Фототовары' }],
      products: [{ id: PRODUCT, name: 'Камера', productFolder: { meta: { href: `/entity/productfolder/${folder}` } } }, { name: 'Без группы' }],
    });
    const byFolder = await api.call('GET', `/entity/product?filter=${encodeURIComponent(`productFolder=${api.baseUrl}/entity/productfolder/${folder}`)}`);
    expect(byFolder.status).toBe(412);
    expect(byFolder.body.errors[0]).toMatchObject({ code: 1034, error: "Ошибка фильтрации: Неизвестное поле фильтрации 'productFolder'" });
    const badOperator = await api.call('GET', `/entity/product?filter=${encodeURIComponent('archived~fal')}`);
    expect(badOperator.body.errors[0]).toMatchObject({ code: 1034, error: "Ошибка фильтрации: Оператор '~' не совместим с полем 'archived'" });
    expect((await api.call('GET', `/entity/counterparty?filter=${encodeURIComponent('salesAmount>0')}`)).body.errors[0].code).toBe(1034);
    // pathName is documented for products (`=` `!=` `~` `~=` `=~`).
    const byPath = await api.call('GET', `/entity/product?filter=${encodeURIComponent('pathName=Фототовары')}`);
    expect(byPath.body.rows.map((p: { name: string }) => p.name)).toEqual(['Камера']);
  });
});
