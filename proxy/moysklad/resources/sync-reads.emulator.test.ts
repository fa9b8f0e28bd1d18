import { afterEach, describe, expect, it } from 'vitest';
// Tests only: the client itself never imports the sandbox.
import { FIXED_IDS, MoySkladEmulator } from '../../../sandbox/moysklad/emulator.js';
import { MoySkladClient } from '../client.js';
import { obtainToken } from '../obtain-token.js';
import { collect } from '../paginate.js';
import { MoySkladUserLimiter } from '../user-limiter.js';
import { MoySkladWebhookLimitError, WEBHOOK_LIMIT_CODE } from './webhooks.js';

const common = { publicUrl: 'https://proxy.example.com', version: '1.0.0' };
let emu: MoySkladEmulator | null = null;

afterEach(async () => {
  await emu?.webhooksSettled();
  await emu?.close();
  emu = null;
});

async function connected(): Promise<{ emu: MoySkladEmulator; client: MoySkladClient; baseUrl: string }> {
  const emulator = new MoySkladEmulator({ timeScale: 30 });
  emu = emulator;
  const { baseUrl } = await emulator.listen(0);
  const limiter = new MoySkladUserLimiter();
  const token = await obtainToken('admin@demo', 'sandbox-password', { ...common, baseUrl, limiter });
  return { emu: emulator, client: new MoySkladClient({ ...common, baseUrl, token, limiter }), baseUrl };
}

const price = (value: number) => [{ value, priceType: { meta: { href: `/context/companysettings/pricetype/${FIXED_IDS.priceTypeSale}` } } }];
const PROGRAM = '55555555-0000-4000-8000-000000000001';

describe('МойСклад typed reads for the sync, against the emulator', () => {
  it('retail.getRetailSalesReturn returns a partial return with every position, its demand and sum; variants come expanded', async () => {
    const { emu, client } = await connected();
    const products = Array.from({ length: 120 }, (_, i) => ({ id: `66666666-0000-4000-8000-${String(i).padStart(12, '0')}`, name: `Товар ${i}`, salePrices: price(10000 + i) }));
    emu.load({ products, variants: [{ id: '77777777-0000-4000-8000-000000000001', product: { meta: { href: `/entity/product/${products[0]!.id}` } }, characteristics: [{ name: 'Цвет', value: 'белый' }], salePrices: price(15000) }] });
    const sale = emu.sellAtTill({ buyer: { name: 'Анна', phone: '+79990001122' }, positions: [{ variantId: '77777777-0000-4000-8000-000000000001', quantity: 1 }, ...products.map((p) => ({ productId: p.id, quantity: 2 }))] });
    const returned = emu.returnAtTill(sale.retaildemand.id as string, { positions: [{ assortmentId: '77777777-0000-4000-8000-000000000001', quantity: 1 }, ...products.slice(0, 109).map((p) => ({ assortmentId: p.id, quantity: 1 }))] });

    const doc = await client.retail.getRetailSalesReturn(returned.retailsalesreturn.id as string);
    expect(doc.allPositions).toHaveLength(110);
    expect(doc.sum).toBe(15000 + products.slice(0, 109).reduce((sum, p) => sum + p.salePrices[0]!.value, 0));
    expect(doc.demand?.meta.href).toBe((sale.retaildemand.meta as { href: string }).href);
    const variantLine = doc.allPositions[0]!;
    expect(variantLine.assortment).toMatchObject({ meta: { type: 'variant' }, name: 'Товар 0 (белый)' });
    expect(variantLine.assortment.product?.meta.href).toContain(`/entity/product/${products[0]!.id}`);

    const demand = await client.retail.getRetailDemand(sale.retaildemand.id as string);
    expect(demand.allPositions).toHaveLength(121);
    expect(demand.allPositions[0]!.assortment.meta.type).toBe('variant');
  });

  it('catalog.getVariant and iterateVariants read modifications with their characteristics and inherited prices', async () => {
    const { emu, client } = await connected();
    const productId = '66666666-0000-4000-8000-000000000001';
    emu.load({ products: [{ id: productId, name: 'Футболка', salePrices: price(150000) }], variants: [
      { id: '77777777-0000-4000-8000-000000000001', product: { meta: { href: `/entity/product/${productId}` } }, characteristics: [{ name: 'Размер', value: 'S' }] },
      { id: '77777777-0000-4000-8000-000000000002', product: { meta: { href: `/entity/product/${productId}` } }, characteristics: [{ name: 'Размер', value: 'M' }], salePrices: price(160000) },
    ] });
    const variant = await client.catalog.getVariant('77777777-0000-4000-8000-000000000001', { expandProduct: true });
    expect(variant).toMatchObject({ name: 'Футболка (S)', characteristics: [{ name: 'Размер', value: 'S' }], product: { id: productId, name: 'Футболка' } });
    expect(variant.salePrices?.find((p) => p.priceType.name === 'Цена продажи')?.value).toBe(150000);
    expect((await client.catalog.getProduct(productId)).variantsCount).toBe(2);
    const listed = await collect(client.catalog.iterateVariants({ productIds: [productId] }));
    expect(listed.map((v) => [v.name, v.salePrices?.[0]?.value])).toEqual([['Футболка (S)', 150000], ['Футболка (M)', 160000]]);
    expect(await collect(client.catalog.iterateVariants({ productIds: ['66666666-0000-4000-8000-000000000099'] }))).toEqual([]);
  });

  it('catalog.iterateProductsInFolder finds a folder\'s products with its sub-folders through /entity/assortment', async () => {
    const { emu, client, baseUrl } = await connected();
    const folder = (id: string, name: string, parent?: string) => ({ id, name, ...(parent ? { productFolder: { meta: { href: `/entity/productfolder/${parent}` } } } : {}) });
    emu.load({
      productfolders: [folder('88888888-0000-4000-8000-000000000001', 'Фото'), folder('88888888-0000-4000-8000-000000000002', 'Камеры', '88888888-0000-4000-8000-000000000001'), folder('88888888-0000-4000-8000-000000000003', 'Прочее')],
      products: [
        { name: 'Штатив', updated: '2026-01-01 10:00:00.000', productFolder: { meta: { href: '/entity/productfolder/88888888-0000-4000-8000-000000000001' } } },
        { name: 'Камера', updated: '2026-03-01 10:00:00.000', productFolder: { meta: { href: '/entity/productfolder/88888888-0000-4000-8000-000000000002' } } },
        { name: 'Старая камера', archived: true, productFolder: { meta: { href: '/entity/productfolder/88888888-0000-4000-8000-000000000002' } } },
        { name: 'Кружка', productFolder: { meta: { href: '/entity/productfolder/88888888-0000-4000-8000-000000000003' } } },
      ],
    });
    const photo = `${baseUrl}/entity/productfolder/88888888-0000-4000-8000-000000000001`;
    const names = async (options?: Parameters<MoySkladClient['catalog']['iterateProductsInFolder']>[1]) => (await collect(client.catalog.iterateProductsInFolder(photo, options))).map((p) => p.name);
    const before = emu.requestLog.length;
    expect(await names()).toEqual(['Штатив', 'Камера']);
    const call = emu.requestLog[before]!;
    expect(call).toMatchObject({ method: 'GET', path: '/entity/assortment', status: 200 });
    expect(call.query).toMatchObject({ limit: '1000', order: 'updated,asc;id' });
    // The current endpoint answered (the beta-feature header went out): the deprecated one adds stock fields.
    expect((await collect(client.catalog.iterateProductsInFolder(photo)))[0]).not.toHaveProperty('stock');
    expect(await names({ withSubFolders: false })).toEqual(['Штатив']);
    expect((await names({ includeArchived: true })).sort()).toEqual(['Камера', 'Старая камера', 'Штатив']);
    expect(await names({ updatedSince: new Date('2026-02-01T00:00:00Z') })).toContain('Камера');
    expect(await names({ updatedSince: new Date('2026-02-01T00:00:00Z') })).not.toContain('Штатив');
  });

  it('bonus.iterateAll reads every bonus operation 1000 a page, filtered by updated / created / agent', async () => {
    const { emu, client, baseUrl } = await connected();
    const agents = ['99999999-0000-4000-8000-000000000001', '99999999-0000-4000-8000-000000000002'];
    const tx = (i: number) => ({
      agent: { meta: { href: `/entity/counterparty/${agents[i % 2]}` } }, bonusProgram: { meta: { href: `/entity/bonusprogram/${PROGRAM}` } }, transactionType: 'EARNING', bonusValue: 1,
      transactionStatus: 'COMPLETED', created: i < 1000 ? '2026-01-10 10:00:00.000' : '2026-03-10 10:00:00.000', updated: i < 900 ? '2026-01-10 10:00:00.000' : '2026-03-10 10:00:00.000',
    });
    emu.load({
      bonusprograms: [{ id: PROGRAM, name: 'Бонусы', active: true }],
      counterparties: agents.map((id) => ({ id, name: `Покупатель ${id.slice(-1)}`, companyType: 'individual' })),
      bonustransactions: Array.from({ length: 1100 }, (_, i) => tx(i)),
    });
    const before = emu.requestLog.length;
    expect(await collect(client.bonus.iterateAll())).toHaveLength(1100);
    expect(emu.requestLog.slice(before).map((e) => [e.path, e.query['limit'] ?? null, e.query['offset'] ?? null])).toEqual([['/entity/bonustransaction', '1000', null], ['/entity/bonustransaction', '1000', '1000']]);
    const since = new Date('2026-02-01T00:00:00Z');
    expect(await collect(client.bonus.iterateAll({ updatedSince: since }))).toHaveLength(200);
    expect(await collect(client.bonus.iterateAll({ createdSince: since }))).toHaveLength(100);
    const one = await collect(client.bonus.iterateAll({ agentHref: `${baseUrl}/entity/counterparty/${agents[1]}`, updatedSince: since }));
    expect(one).toHaveLength(100);
    expect(one.every((t) => t.agent?.meta.href.endsWith(agents[1]!))).toBe(true);
    expect(await collect(client.bonus.iterateAll({ agentHrefs: agents.map((id) => `${baseUrl}/entity/counterparty/${id}`), createdSince: since }))).toHaveLength(100);
  });

  it('webhooks.create surfaces 30007 as MoySkladWebhookLimitError; ensure reports it by code; listOwn shows ours only', async () => {
    const { emu, client } = await connected();
    emu.addForeignWebhooks([1, 2, 3, 4, 5].map((i) => ({ url: `https://shop-plugin.example/ms/${i}`, entityType: 'retaildemand', action: 'CREATE' as const })));
    const prefix = 'https://proxy.example.com/webhooks/moysklad/1/';
    const refused = await client.webhooks.create({ url: `${prefix}x`, entityType: 'retaildemand', action: 'CREATE' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(MoySkladWebhookLimitError);
    expect(refused).toMatchObject({ code: 30007, status: 412, entityType: 'retaildemand', action: 'CREATE' });

    const specs = [
      { url: `${prefix}x`, entityType: 'retaildemand', action: 'CREATE' as const },
      { url: `${prefix}x`, entityType: 'counterparty', action: 'UPDATE' as const },
    ];
    // ensure does not throw: the refusal is reported with its code, the other spec goes through, in one bulk write.
    const result = await client.webhooks.ensure(specs, prefix);
    expect(result.refused.map((r) => [r.spec.entityType, r.code])).toEqual([['retaildemand', WEBHOOK_LIMIT_CODE]]);
    expect(result.created.map((h) => h.entityType)).toEqual(['counterparty']);
    expect((await client.webhooks.listOwn(prefix)).map((h) => [h.entityType, h.action])).toEqual([['counterparty', 'UPDATE']]);
    expect(await client.webhooks.list()).toHaveLength(6);
    // Every call carried our User-Agent.
    expect(new Set(emu.requestLog.map((e) => e.userAgent))).toEqual(new Set(['moysklad-amocrm/1.0.0 (+https://proxy.example.com)']));
  });
});
