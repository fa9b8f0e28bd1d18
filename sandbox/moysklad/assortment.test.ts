// Conformance: md/dictionaries/_assortment.md (productFolder / withSubFolders / type / archived filters, the beta
// header) and _assortment_legacy.md (the deprecated endpoint without it).
import { afterEach, describe, expect, it } from 'vitest';
import { closeStarted, startApi, type TestApi } from './test-support.js';

let api: TestApi;
afterEach(closeStarted);

const BETA = { 'X-Lognex-Remap-Beta-Feature': 'assortmentWithoutStock' };
const F = { photo: '33333333-0000-4000-8000-000000000001', cams: '33333333-0000-4000-8000-000000000002', lenses: '33333333-0000-4000-8000-000000000003', other: '33333333-0000-4000-8000-000000000004', photoMore: '33333333-0000-4000-8000-000000000005' };
const folderRef = (id: string) => ({ meta: { href: `/entity/productfolder/${id}` } });

/** Фототовары → Камеры → Объективы, and a sibling «Фототовары2» whose path starts with the same letters. */
async function catalog() {
  api = await startApi({ rateLimits: { requestsPerWindow: 1000 } });
  api.emu.load({
    productfolders: [
      { id: F.photo, name: 'Фототовары' },
      { id: F.cams, name: 'Камеры', productFolder: folderRef(F.photo) },
      { id: F.lenses, name: 'Объективы', productFolder: folderRef(F.cams) },
      { id: F.photoMore, name: 'Фототовары2' },
      { id: F.other, name: 'Прочее' },
    ],
    products: [
      { id: '44444444-0000-4000-8000-000000000001', name: 'Штатив', productFolder: folderRef(F.photo) },
      { id: '44444444-0000-4000-8000-000000000002', name: 'Камера', productFolder: folderRef(F.cams) },
      { id: '44444444-0000-4000-8000-000000000003', name: 'Объектив', productFolder: folderRef(F.lenses) },
      { id: '44444444-0000-4000-8000-000000000004', name: 'Старая камера', productFolder: folderRef(F.cams), archived: true },
      { id: '44444444-0000-4000-8000-000000000005', name: 'Рамка', productFolder: folderRef(F.photoMore) },
      { id: '44444444-0000-4000-8000-000000000006', name: 'Кружка', productFolder: folderRef(F.other) },
    ],
    variants: [{ product: { meta: { href: '/entity/product/44444444-0000-4000-8000-000000000002' } }, characteristics: [{ name: 'Цвет', value: 'чёрный' }] }],
  });
}

const names = async (filter: string, headers: Record<string, string> = BETA) => {
  const res = await api.call('GET', `/entity/assortment?filter=${encodeURIComponent(filter)}`, undefined, headers);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.rows.map((r: { name: string }) => r.name);
};
const href = (id: string) => `${api.baseUrl}/entity/productfolder/${id}`;

describe('GET /entity/assortment', () => {
  it('finds the items of a folder and of all its sub-folders (withSubFolders defaults to true), modifications included', async () => {
    await catalog();
    expect(await names(`productFolder=${href(F.photo)}`)).toEqual(['Штатив', 'Камера', 'Объектив', 'Камера (чёрный)']);
    expect(await names(`productFolder=${href(F.photo)};withSubFolders=false`)).toEqual(['Штатив']);
    expect(await names(`productFolder=${href(F.cams)};type=product`)).toEqual(['Камера', 'Объектив']);
    expect(await names(`productFolder=${href(F.cams)};type=variant`)).toEqual(['Камера (чёрный)']);
    expect(await names(`productFolder=${href(F.lenses)};productFolder=${href(F.other)}`)).toEqual(['Объектив', 'Кружка']); // = repeated is OR
    expect(await names(`productFolder!=${href(F.photo)};type=product`)).toEqual(['Рамка', 'Кружка']);
    // Archived items only when asked for.
    expect(await names(`productFolder=${href(F.cams)};type=product;archived=true;archived=false`)).toEqual(['Камера', 'Объектив', 'Старая камера']);
    // The rows are the entities themselves, with their own meta type.
    const res = await api.call('GET', `/entity/assortment?filter=${encodeURIComponent(`productFolder=${href(F.cams)}`)}`, undefined, BETA);
    expect(res.body.meta).toMatchObject({ href: `${api.baseUrl}/entity/assortment`, type: 'assortment', size: 3 });
    expect(res.body.rows.map((r: { meta: { type: string } }) => r.meta.type)).toEqual(['product', 'product', 'variant']);
    expect(res.body.rows[0].stock).toBeUndefined(); // the new endpoint returns no stock fields
  });

  it('filters by updated and pathName, refuses undocumented fields, and serves the deprecated endpoint without the header', async () => {
    await catalog();
    expect(await names('pathName~=Фототовары/Камеры;type=product')).toEqual(['Камера', 'Объектив']);
    expect(await names('updated>=2000-01-01 00:00:00;name~Кам')).toEqual(['Камера', 'Камера (чёрный)']);
    const article = await api.call('GET', `/entity/assortment?filter=${encodeURIComponent('article=1')}`, undefined, BETA);
    expect(article.status).toBe(412);
    expect(article.body.errors[0]).toMatchObject({ code: 1034 });
    // Deprecated: `pathname`, `article`, stock fields (0: stock is not emulated), the same folder semantics.
    expect(await names(`productFolder=${href(F.cams)};pathname~=Фото`, {})).toEqual(['Камера', 'Объектив', 'Камера (чёрный)']);
    const legacy = await api.call('GET', `/entity/assortment?filter=${encodeURIComponent(`productFolder=${href(F.lenses)};stockMode=all`)}`);
    expect(legacy.body.rows).toEqual([expect.objectContaining({ name: 'Объектив', stock: 0, reserve: 0, inTransit: 0, quantity: 0 })]);
    expect((await api.call('GET', `/entity/assortment?filter=${encodeURIComponent('stockMode=positiveOnly')}`)).body.rows).toEqual([]);
    expect((await api.call('GET', '/entity/assortment?groupBy=product')).body.rows.every((r: { meta: { type: string } }) => r.meta.type === 'product')).toBe(true);
    expect((await api.call('GET', `/entity/assortment?filter=${encodeURIComponent('productFolder=https://x.example/entity/product/1')}`, undefined, BETA)).status).toBe(412);
  });
});
