import type { EntityKind, KindServices } from '../core-types.js';
import { isObject, ref, refTarget } from '../references.js';
import type { Doc } from '../store.js';
import { folderPath } from './productfolder.js';
import { invalidField, randomExternalCode, referencingDocs, refIdOf, rubCurrency, setDefault } from './kind-helpers.js';
import { presentSalePrices, variantsByProduct } from './variant.js';

/** Every price type gets a sale price; missing ones are 0 kopecks, as in the real service. */
function normalizeSalePrices(doc: Doc, services: KindServices): void {
  const given = Array.isArray(doc.salePrices) ? doc.salePrices : [];
  const byType = new Map<string, Record<string, unknown>>();
  for (const price of given) {
    if (!isObject(price)) throw invalidField('salePrices', 'ожидается массив цен');
    const typeId = refTarget(price.priceType)?.id;
    if (!typeId || !services.store.get('pricetype', typeId)) throw invalidField('salePrices.priceType', 'тип цены не найден');
    const value = price.value ?? 0;
    if (typeof value !== 'number' || value < 0) throw invalidField('salePrices.value', 'ожидается число копеек ≥ 0');
    byType.set(typeId, { value, currency: price.currency ?? rubCurrency(), priceType: ref('pricetype', typeId) });
  }
  doc.salePrices = services.store
    .list('pricetype')
    .map((type) => byType.get(type.id) ?? { value: 0, currency: rubCurrency(), priceType: ref('pricetype', type.id) });
}

function checkFolder(doc: Doc, services: KindServices): void {
  if (doc.productFolder === undefined) return;
  const folderId = refIdOf(doc.productFolder, 'productfolder');
  if (!folderId || !services.store.get('productfolder', folderId)) throw invalidField('productFolder', 'группа не найдена');
}

export const productKind: EntityKind = {
  type: 'product',
  required: ['name'],
  readOnly: ['pathName', 'variantsCount'],
  supportsSyncId: true,
  searchFields: ['name', 'code', 'article'],
  onCreate(doc, services) {
    setDefault(doc, 'externalCode', randomExternalCode());
    setDefault(doc, 'archived', false);
    setDefault(doc, 'buyPrice', { value: 0, currency: rubCurrency() });
    setDefault(doc, 'variantsCount', 0);
    checkFolder(doc, services);
    normalizeSalePrices(doc, services);
  },
  onUpdate(prev, next, services) {
    checkFolder(next, services);
    if (next.salePrices !== prev.salePrices) normalizeSalePrices(next, services);
  },
  // A product sold — itself or one of its modifications — stays (409/1028); deleting it deletes its modifications
  // (each with its own DELETE event), as deleting a product in МойСклад removes them with it.
  blockers(id, services) {
    const variants = new Set(services.store.list('variant').filter((v) => refIdOf(v.product, 'product') === id).map((v) => v.id));
    return referencingDocs(services, ['retaildemand', 'retailsalesreturn'], (doc) =>
      Array.isArray(doc.positions) &&
      doc.positions.some((p) => isObject(p) && (refIdOf(p.assortment, 'product') === id || variants.has(refIdOf(p.assortment, 'variant') ?? ''))),
    );
  },
  beforeWrite(prev, next, services, changes) {
    if (!prev || next) return;
    for (const variant of services.store.list('variant').filter((v) => refIdOf(v.product, 'product') === prev.id)) {
      services.store.remove('variant', variant.id);
      changes.add({ entityType: 'variant', entityId: variant.id, action: 'DELETE', name: String(variant.name ?? '') });
    }
  },
  present(doc, services, cache) {
    return {
      ...doc,
      salePrices: presentSalePrices(doc.salePrices, services),
      pathName: folderPath(refIdOf(doc.productFolder, 'productfolder'), services),
      variantsCount: variantsByProduct(services, cache).get(doc.id)?.length ?? 0,
    };
  },
};
