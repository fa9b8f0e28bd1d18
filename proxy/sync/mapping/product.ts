import type { CatalogFieldIds } from '../../db/repositories/account-sync.js';
import type { Product, ProductFolder } from '../../moysklad/schemas/entities.js';
import { idFromHref } from '../../moysklad/schemas/common.js';
import { kopecksFromApi, type Kopecks } from '../../moysklad/money.js';
import { AMO_LIMITS, fitText } from './amo-limits.js';

/** МойСклад's default sale price type; used when the admin has not chosen one on the settings page. */
const DEFAULT_PRICE_TYPE_NAME = 'Цена продажи';

/**
 * The price the shop wants in amoCRM: of the price type chosen on the settings page, or «Цена продажи» while none is
 * chosen. null when the product has no price of that type: МойСклад lists every price type on every product and
 * shows an unset one as 0 (and a deleted type not at all), so 0 means "no price" — it is never written as a price,
 * and never replaced by another type's (the catalog would mix price types). The repricing job reports such products.
 */
export function productPriceKopecks(product: Product, priceTypeId: string | null): Kopecks | null {
  const prices = product.salePrices ?? [];
  const chosen = priceTypeId ? prices.find((p) => p.priceType.id === priceTypeId) : prices.find((p) => p.priceType.name === DEFAULT_PRICE_TYPE_NAME);
  if (!chosen) return null;
  const kopecks = kopecksFromApi(chosen.value);
  return kopecks > 0 ? kopecks : null;
}

/** amoCRM's PRICE is a numeric field in roubles; a decimal string keeps kopecks exact ("7990.5" → 7 990,50 ₽). */
export function roublesText(kopecks: Kopecks): string {
  const sign = kopecks < 0 ? '-' : '';
  const abs = Math.abs(kopecks);
  const whole = Math.floor(abs / 100);
  const cents = abs % 100;
  return cents === 0 ? `${sign}${whole}` : `${sign}${whole}.${String(cents).padStart(2, '0')}`;
}

/**
 * The folder path of a product as names from the root: `pathName` of a folder is its parent's path joined with
 * "/" (the separator is unconfirmed in the reference, so we resolve the chain through parent refs instead and use
 * `pathName` only when a parent is unknown).
 */
export function folderPath(folderId: string, folders: ReadonlyMap<string, ProductFolder>): string[] {
  const path: string[] = [];
  const seen = new Set<string>();
  let current = folders.get(folderId);
  while (current && !seen.has(current.id)) {
    seen.add(current.id);
    path.unshift(current.name);
    const parentHref = current.productFolder?.meta.href;
    if (!parentHref) break;
    const parent = folders.get(idFromHref(parentHref));
    if (!parent) {
      if (current.pathName) path.unshift(...current.pathName.split('/').filter(Boolean));
      break;
    }
    current = parent;
  }
  return path;
}

export type { CatalogFieldIds };

type ElementFieldValue =
  | { field_id: number; values: ({ value: string } | { enum_id: number })[] | null }
  | { field_code: string; values: ({ value: string } | { enum_id: number })[] | null };

/** Addresses a catalog field by its discovered id (safer for the hidden EXTERNAL_ID) or else by its code. */
function field(ids: CatalogFieldIds, code: keyof CatalogFieldIds, values: ElementFieldValue['values']): ElementFieldValue {
  const id = ids[code];
  return id === undefined ? { field_code: code, values } : { field_id: id, values };
}

export interface ProductElementInput {
  product: Product;
  priceTypeId: string | null;
  fieldIds: CatalogFieldIds;
  /** The GROUP category node of the product's folder, when it has one. */
  groupEnumId: number | null;
}

/** A products-catalog element for one МойСклад product (name, SKU, DESCRIPTION, PRICE, GROUP, EXTERNAL_ID). */
export function productElement({ product, priceTypeId, fieldIds, groupEnumId }: ProductElementInput): {
  name: string;
  custom_fields_values: ElementFieldValue[];
} {
  const price = productPriceKopecks(product, priceTypeId);
  // Fitted to amoCRM's limits (proxy/sync/mapping/amo-limits.ts): a long name is shortened, never refused.
  return {
    name: fitText(product.name, AMO_LIMITS.name).value,
    custom_fields_values: [
      field(fieldIds, 'SKU', product.article ? [{ value: fitText(product.article, AMO_LIMITS.text).value }] : null),
      field(fieldIds, 'DESCRIPTION', product.description ? [{ value: fitText(product.description, AMO_LIMITS.longText).value }] : null),
      field(fieldIds, 'PRICE', price === null ? null : [{ value: roublesText(price) }]),
      field(fieldIds, 'GROUP', groupEnumId === null ? null : [{ enum_id: groupEnumId }]),
      field(fieldIds, 'EXTERNAL_ID', [{ value: product.id }]),
    ],
  };
}
