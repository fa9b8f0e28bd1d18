import { afterEach, describe, expect, it } from 'vitest';
import { FIXED_IDS } from '../../../sandbox/moysklad/emulator.js';
import { DATABASE_KINDS } from '../../test-support/databases.js';
import { amoAsUser, elements, fieldValue, type Entity } from '../test-support/amo-state.js';
import { ACCOUNT_ID, SUBDOMAIN, startSyncHarness, type SyncHarness } from '../test-support/sync-harness.js';

const SMALL_SEED = { buyers: 2, legalEntities: 0, entrepreneurs: 0, products: 4, sales: 3 };

type GroupNode = { id: number; value: string; parent_id?: number | null };

/** The GROUP category of an element as names from the root, read back from the catalog's category tree. */
function groupPath(h: SyncHarness, element: Entity): string[] {
  const group = h.amo.store.catalogCustomFields(SUBDOMAIN).find((f) => f.code === 'GROUP') as { nested?: GroupNode[] | null };
  const nodes = group.nested ?? [];
  const value = (element.custom_fields_values as { field_code?: string; values?: { enum_id?: number; value?: string }[] }[] | null)?.find(
    (f) => f.field_code === 'GROUP',
  )?.values?.[0];
  let node = nodes.find((n) => n.id === value?.enum_id) ?? nodes.find((n) => n.value === value?.value);
  const path: string[] = [];
  while (node) {
    path.unshift(node.value);
    const parentId = node.parent_id;
    node = parentId ? nodes.find((n) => n.id === parentId) : undefined;
  }
  return path;
}

const priceRef = (id: string, baseUrl: string) => ({ meta: { href: `${baseUrl}/context/companysettings/pricetype/${id}`, type: 'pricetype' } });

describe.each(DATABASE_KINDS)('products on %s', (kind) => {
  let h: SyncHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('creates and updates elements, forgets products deleted in МойСклад, deletes or archives those deleted in amoCRM', async () => {
    h = await startSyncHarness(kind, { seed: SMALL_SEED, connect: false });
    const harness = h;
    // The shop's own products, in amoCRM before the widget: never touched.
    const catalogId = harness.amo.store.productsCatalogId(SUBDOMAIN);
    const own = (await amoAsUser(harness, 'POST', `/api/v4/catalogs/${catalogId}/elements`, [
      { name: 'Подарочная упаковка', custom_fields_values: [{ field_code: 'SKU', values: [{ value: 'GIFT-1' }] }] },
    ])) as { _embedded: { elements: Entity[] } };
    const ownId = own._embedded.elements[0]!.id;
    const ownBefore = elements(harness).find((e) => e.id === ownId)!;

    await harness.proxy.context.accounts.ensure(ACCOUNT_ID, SUBDOMAIN);
    await harness.proxy.context.accounts.saveSettings(ACCOUNT_ID, { priceTypeId: FIXED_IDS.priceTypeWholesale });
    await harness.connect();
    await harness.importDone();
    await harness.queueIdle();
    const products = harness.ms.list('product');
    expect(elements(harness)).toHaveLength(products.length + 1);
    expect(elements(harness).find((e) => e.id === ownId)).toEqual(ownBefore);

    // Created in МойСклад: SKU, wholesale PRICE in roubles (kopecks kept), GROUP path, EXTERNAL_ID.
    const baseUrl = String(harness.ms.list('product')[0]!.meta && (harness.ms.list('product')[0]!.meta as { href: string }).href).replace(/\/entity\/.*$/, '');
    const tripods = harness.ms.list('productfolder').find((f) => f.name === 'Штативы')!;
    const created = harness.ms.ui.createProduct({
      name: 'Штатив Manfrotto 190',
      article: 'TRI-190',
      description: 'Алюминиевый штатив',
      productFolder: { meta: { href: String((tripods.meta as { href: string }).href), type: 'productfolder' } },
      salePrices: [
        { value: 1_299_000, priceType: priceRef(FIXED_IDS.priceTypeSale, baseUrl) },
        { value: 1_150_050, priceType: priceRef(FIXED_IDS.priceTypeWholesale, baseUrl) },
      ],
    });
    const productId = String(created.id);
    await harness.queueIdle();
    const elementId = (await harness.links('product')).get(productId)!;
    expect(elementId).toBeDefined();
    let element = elements(harness).find((e) => e.id === elementId)!;
    expect(element.name).toBe('Штатив Manfrotto 190');
    expect(fieldValue(element, 'SKU')).toBe('TRI-190');
    expect(Number(fieldValue(element, 'PRICE'))).toBe(11500.5);
    expect(fieldValue(element, 'EXTERNAL_ID')).toBe(productId);
    expect(groupPath(harness, element)).toEqual(['Фототовары', 'Аксессуары для фото', 'Штативы']);

    // Updated in МойСклад: the same element follows.
    harness.ms.ui.updateProduct(productId, { name: 'Штатив Manfrotto 190X', article: 'TRI-190X' });
    await harness.queueIdle();
    element = elements(harness).find((e) => e.id === elementId)!;
    expect([element.name, fieldValue(element, 'SKU')]).toEqual(['Штатив Manfrotto 190X', 'TRI-190X']);

    // Deleted in МойСклад: the link goes, the element stays in amoCRM.
    harness.ms.ui.deleteProduct(productId);
    await harness.queueIdle();
    expect((await harness.links('product')).has(productId)).toBe(false);
    expect(elements(harness).some((e) => e.id === elementId)).toBe(true);

    // Deleted in amoCRM: an unsold product is deleted in МойСклад, a sold one is archived (409/1028).
    const links = await harness.links('product');
    const sold = products.find((p) => links.has(String(p.id)))!;
    harness.ms.sellAtTill({ buyer: { name: 'Зайцев Пётр', phone: '+79990001111' }, positions: [{ productId: String(sold.id), quantity: 1 }] });
    const spare = harness.ms.ui.createProduct({ name: 'Бленда 58 мм', salePrices: [{ value: 50_000, priceType: priceRef(FIXED_IDS.priceTypeSale, baseUrl) }] });
    await harness.queueIdle();
    const spareElement = (await harness.links('product')).get(String(spare.id))!;
    expect(harness.amo.deleteCatalogElementAsUser(SUBDOMAIN, links.get(String(sold.id))!)).toBe(true);
    expect(harness.amo.deleteCatalogElementAsUser(SUBDOMAIN, spareElement)).toBe(true);
    expect(harness.amo.deleteCatalogElementAsUser(SUBDOMAIN, ownId)).toBe(true);
    // No webhook tells us (amoCRM documents none for catalog elements): the catalog sweep finds the deletions.
    expect(await harness.sweepCatalog()).toEqual({ deleted: 2, skipped: false });
    await harness.queueIdle();
    expect(harness.ms.get('product', String(sold.id)).archived).toBe(true);
    expect(() => harness.ms.get('product', String(spare.id))).toThrow();
    const log = await harness.database.db.selectFrom('operation_log').select(['kind', 'details_json']).where('account_id', '=', ACCOUNT_ID).where('kind', 'like', 'product_%').execute();
    expect(log.map((row) => [row.kind, JSON.parse(row.details_json).moyskladId]).sort()).toEqual(
      [
        ['product_archived_in_moysklad', String(sold.id)],
        ['product_deleted_in_moysklad', String(spare.id)],
      ].sort(),
    );
    const linksAfter = await harness.links('product');
    expect(linksAfter.has(String(sold.id)) || linksAfter.has(String(spare.id))).toBe(false);
    // Deleting the shop's own element touched nothing in МойСклад.
    expect(harness.ms.list('product').filter((p) => !p.archived)).toHaveLength(products.length - 1);

    // A reconcile pass (with the catalog sweep) neither re-creates the archived product nor the deleted ones.
    await harness.proxy.context.queue.enqueue({ kind: 'sync.reconcile', accountId: ACCOUNT_ID, payload: { accountId: ACCOUNT_ID } });
    await harness.queueIdle();
    expect(elements(harness).filter((e) => fieldValue(e, 'EXTERNAL_ID') === String(sold.id))).toHaveLength(0);
    expect(await harness.database.db.selectFrom('jobs').select(['kind', 'last_error']).where('state', '=', 'failed').execute()).toEqual([]);
  });

  it('leaves amoCRM products made before connect alone', async () => {
    h = await startSyncHarness(kind, { seed: SMALL_SEED, connect: false });
    const harness = h;
    const catalogId = harness.amo.store.productsCatalogId(SUBDOMAIN);
    await amoAsUser(harness, 'POST', `/api/v4/catalogs/${catalogId}/elements`, [
      { name: 'Сертификат 1000', custom_fields_values: [{ field_code: 'SKU', values: [{ value: 'CERT' }] }] },
    ]);
    const before = elements(harness);
    await harness.connect();
    await harness.importDone();
    await harness.proxy.context.queue.enqueue({ kind: 'sync.reconcile', accountId: ACCOUNT_ID, payload: { accountId: ACCOUNT_ID } });
    await harness.queueIdle();
    const after = elements(harness).filter((e) => before.some((b) => b.id === e.id));
    expect(after).toEqual(before);
    expect(await harness.links('product')).toSatisfy((links: Map<string, number>) => [...links.values()].every((id) => !before.some((b) => b.id === id)));
  });
});
