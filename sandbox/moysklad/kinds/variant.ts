import { randomUUID } from 'node:crypto';
import { ApiError } from '../api-error.js';
import type { EntityKind, KindServices, PresentCache } from '../core-types.js';
import { isObject, ref, refTarget, type RefMeta } from '../references.js';
import type { Doc } from '../store.js';
import { invalidField, randomExternalCode, referencingDocs, refIdOf, requireRef, rubCurrency, setDefault } from './kind-helpers.js';

/**
 * Product modifications (md/dictionaries/_variant.md): a `variant` belongs to a `product` and is told apart by its
 * `characteristics` (name/value pairs; the names are account-wide, md/dictionaries/_characteristic.md). Errors are
 * the documented 10000–10001 (characteristics) and 15000–15004 (modifications).
 */

/** Internal table of the account's characteristics (served under `/entity/variant/metadata/characteristics`). */
export const CHARACTERISTIC = 'characteristic';

export function characteristicMeta(id: string): RefMeta {
  return { href: `/entity/variant/metadata/characteristics/${id}`, type: 'attributemetadata', mediaType: 'application/json' };
}

/** The account's characteristic named `name`, created when missing (as the variant's create takes names). */
export function characteristicByName(services: KindServices, name: string, create: boolean): Doc | undefined {
  const found = services.store.list(CHARACTERISTIC).find((c) => c.name === name);
  if (found || !create) return found;
  const id = randomUUID();
  const doc: Doc = { meta: characteristicMeta(id), id, name, type: 'string', required: false };
  services.store.put(CHARACTERISTIC, doc);
  return doc;
}

interface StoredCharacteristic { id: string; value: string }

/** Names a create/update introduced; they become characteristics only when the write goes through. */
const pendingNames = new WeakMap<Doc, string[]>();

function saveError(code: number, message: string): ApiError {
  return new ApiError(412, code, message, { parameter: 'characteristics' });
}

/**
 * `characteristics: [{id, value}]` or `[{name, value}]`: an `id` must exist (10001); a name is looked up, and a new
 * name becomes a new characteristic (the docs are silent on an unknown name: created here, as the UI does).
 */
function normalizeCharacteristics(doc: Doc, services: KindServices): void {
  const input = doc.characteristics;
  if (!Array.isArray(input) || input.length === 0) throw saveError(15001, 'Ошибка сохранения модификации: должны быть заданы характеристики');
  const stored: StoredCharacteristic[] = [];
  const names: string[] = [];
  const pending: string[] = [];
  for (const raw of input) {
    if (!isObject(raw)) throw invalidField('characteristics', 'ожидается массив характеристик');
    const value = raw.value;
    if (typeof value !== 'string' || value.trim() === '')
      throw new ApiError(412, 3000, "Ошибка сохранения объекта: поле 'characteristics.value' не может быть пустым или отсутствовать", { parameter: 'characteristics.value' });
    let id: string;
    let name: string;
    if (typeof raw.id === 'string' && raw.id !== '') {
      const found = services.store.get(CHARACTERISTIC, raw.id);
      if (!found) throw saveError(10001, "Ошибка сохранения характеристики модификации: поле 'id' ссылается на несуществующую характеристику");
      id = found.id;
      name = String(found.name);
    } else if (typeof raw.name === 'string' && raw.name.trim() !== '') {
      name = raw.name.trim();
      const found = characteristicByName(services, name, false);
      id = found?.id ?? `new:${name}`;
      if (!found) pending.push(name);
    } else {
      throw saveError(10000, "Ошибка сохранения характеристики модификации: поля 'id' и 'name' не могут быть пустыми");
    }
    if (names.includes(name)) throw saveError(15004, 'Ошибка сохранения модификации: названия характеристик не должны повторяться');
    names.push(name);
    stored.push({ id, value: value.trim() });
  }
  const productId = refIdOf(doc.product, 'product');
  const key = signature(names, stored);
  const clash = services.store
    .list('variant')
    .some((other) => other.id !== doc.id && refIdOf(other.product, 'product') === productId && signature(namesOf(other, services), other.characteristics as StoredCharacteristic[]) === key);
  if (clash) throw saveError(15000, 'Ошибка сохранения модификации: модификация с данным набором характеристик уже существует для данного товара');
  doc.characteristics = stored;
  if (pending.length > 0) pendingNames.set(doc, pending);
}

function namesOf(doc: Doc, services: KindServices): string[] {
  return (doc.characteristics as StoredCharacteristic[]).map((c) => String(services.store.get(CHARACTERISTIC, c.id)?.name ?? c.id.replace(/^new:/, '')));
}

function signature(names: string[], stored: StoredCharacteristic[]): string {
  return names.map((name, i) => `${name}=${stored[i]!.value}`).sort().join('\u0000');
}

/** Sale prices the variant sets itself; validated like a product's, but not filled up (the product's show through). */
function normalizeOwnPrices(doc: Doc, services: KindServices): void {
  if (doc.salePrices === undefined) return;
  if (!Array.isArray(doc.salePrices)) throw invalidField('salePrices', 'ожидается массив цен');
  doc.salePrices = doc.salePrices.map((price) => {
    if (!isObject(price)) throw invalidField('salePrices', 'ожидается массив цен');
    const typeId = refTarget(price.priceType)?.id;
    if (!typeId || !services.store.get('pricetype', typeId)) throw invalidField('salePrices.priceType', 'тип цены не найден');
    const value = price.value ?? 0;
    if (typeof value !== 'number' || value < 0) throw invalidField('salePrices.value', 'ожидается число копеек ≥ 0');
    return { value, currency: price.currency ?? rubCurrency(), priceType: ref('pricetype', typeId) };
  });
}

/**
 * «Если у модификации не заданы отдельные цены продажи, в ответе будут выведены соответствующие цены продажи
 * товара»: per price type, the variant's own price, else its product's (kopecks).
 */
export function effectiveSalePrices(variant: Doc, services: KindServices): Array<Record<string, unknown>> {
  const product = services.store.get('product', refIdOf(variant.product, 'product') ?? '');
  const own = new Map((Array.isArray(variant.salePrices) ? variant.salePrices : []).map((p: Record<string, unknown>) => [refTarget(p.priceType)?.id, p]));
  const inherited = new Map((Array.isArray(product?.salePrices) ? product.salePrices : []).map((p: Record<string, unknown>) => [refTarget(p.priceType)?.id, p]));
  return services.store.list('pricetype').map((type) => own.get(type.id) ?? inherited.get(type.id) ?? { value: 0, currency: rubCurrency(), priceType: ref('pricetype', type.id) });
}

/** «Наименование товара с Модификацией»: the product's name and the values, e.g. "Футболка (S, красный)". */
function variantName(doc: Doc, services: KindServices): string {
  const product = services.store.get('product', refIdOf(doc.product, 'product') ?? '');
  const values = (doc.characteristics as StoredCharacteristic[]).map((c) => c.value).join(', ');
  return `${String(product?.name ?? '')} (${values})`;
}

/** Variants of each product, counted once per request (product lists show `variantsCount`). */
export function variantsByProduct(services: KindServices, cache: PresentCache): Map<string, Doc[]> {
  const cached = cache.get('variantsByProduct') as Map<string, Doc[]> | undefined;
  if (cached) return cached;
  const map = new Map<string, Doc[]>();
  for (const variant of services.store.list('variant')) {
    const productId = refIdOf(variant.product, 'product');
    if (!productId) continue;
    map.set(productId, [...(map.get(productId) ?? []), variant]);
  }
  cache.set('variantsByProduct', map);
  return map;
}

export function presentSalePrices(prices: unknown, services: KindServices): unknown[] {
  return (Array.isArray(prices) ? prices : []).map((price: Record<string, unknown>) => {
    const typeId = refTarget(price.priceType)?.id;
    const type = typeId ? services.store.get('pricetype', typeId) : undefined;
    return type ? { ...price, priceType: { ...ref('pricetype', type.id), id: type.id, name: type.name, externalCode: type.externalCode } } : price;
  });
}

export const variantKind: EntityKind = {
  type: 'variant',
  required: ['product'],
  readOnly: ['name', 'things'],
  supportsSyncId: false,
  searchFields: ['name'],
  onCreate(doc, services) {
    const product = requireRef(doc, 'product', 'product', services);
    if (product.archived === true) throw invalidField('product', 'товар в архиве');
    setDefault(doc, 'externalCode', randomExternalCode());
    setDefault(doc, 'archived', false);
    setDefault(doc, 'discountProhibited', false);
    setDefault(doc, 'buyPrice', { value: 0, currency: rubCurrency() });
    normalizeCharacteristics(doc, services);
    normalizeOwnPrices(doc, services);
    doc.name = variantName(doc, services);
  },
  onUpdate(prev, next, services) {
    if (next.product !== prev.product) requireRef(next, 'product', 'product', services);
    if (next.characteristics !== prev.characteristics || next.product !== prev.product) normalizeCharacteristics(next, services);
    if (next.salePrices !== prev.salePrices) normalizeOwnPrices(next, services);
    next.name = variantName(next, services);
  },
  beforeWrite(_prev, next, services) {
    if (!next) return;
    const pending = pendingNames.get(next);
    if (!pending) return;
    pendingNames.delete(next);
    next.characteristics = (next.characteristics as StoredCharacteristic[]).map((c) =>
      c.id.startsWith('new:') ? { id: characteristicByName(services, c.id.slice(4), true)!.id, value: c.value } : c,
    );
  },
  blockers(id, services) {
    return referencingDocs(services, ['retaildemand', 'retailsalesreturn'], (doc) =>
      Array.isArray(doc.positions) && doc.positions.some((p) => isObject(p) && refIdOf(p.assortment, 'variant') === id),
    );
  },
  present(doc, services) {
    const characteristics = (doc.characteristics as StoredCharacteristic[]).map((c) => ({
      meta: characteristicMeta(c.id),
      id: c.id,
      name: String(services.store.get(CHARACTERISTIC, c.id)?.name ?? ''),
      value: c.value,
    }));
    return { ...doc, name: variantName(doc, services), characteristics, salePrices: presentSalePrices(effectiveSalePrices(doc, services), services) };
  },
};
