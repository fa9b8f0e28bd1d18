import { ApiError } from './api-error.js';
import type { FilterCondition, FilterOperator } from './filter.js';

/**
 * Which fields a list may be filtered by, and with which operators: the «Фильтрация» column of each entity's
 * attribute table in moysklad/api-remap-1.2-doc (`md/dictionaries/_counterparty.md`, `_product.md`,
 * `_productFolder.md`, `_variant.md`, `_bonus_operation.md`, `md/documents/_retaildemand.md`,
 * `_retail_sales_return.md`) plus the filter-only parameters those pages and `md/_general.md` name (`barcode`,
 * `productid`, `isDeleted`, `assortment`, `accounts.accountnumber`).
 *
 * A field that is not listed is refused the way МойСклад refuses an unsupported filter field: code 1034
 * («Ошибка фильтрации: {текст ошибки}», md/_errors.md) with the text «Неизвестное поле фильтрации '<field>'».
 * The docs give no HTTP status for 1034; 412 is what public client code reports for it. So e.g.
 * `GET /entity/product?filter=productFolder=…` fails here as it does in МойСклад: `productFolder` has no
 * «Фильтрация» entry for products (it is a filter of `/entity/assortment`).
 */

const EQ: readonly FilterOperator[] = ['=', '!='];
const TEXT: readonly FilterOperator[] = ['=', '!=', '~', '~=', '=~'];
const RANGE: readonly FilterOperator[] = ['=', '!=', '<', '>', '<=', '>='];

export type FilterSpec = Readonly<Record<string, readonly FilterOperator[]>>;

const DOCUMENT: FilterSpec = {
  accountId: EQ, agent: EQ, applicable: EQ, code: TEXT, created: RANGE, deleted: RANGE, description: TEXT, externalCode: TEXT,
  group: EQ, id: EQ, moment: RANGE, name: TEXT, organization: EQ, owner: EQ, printed: EQ, published: EQ, retailShift: EQ,
  retailStore: EQ, shared: EQ, state: EQ, store: EQ, sum: RANGE, syncId: EQ, updated: RANGE,
  // md/_general.md «Фильтрация документов» and «Дополнительные фильтры».
  isDeleted: ['='], assortment: EQ, 'state.name': ['='],
};

export const FILTERABLE: Readonly<Record<string, FilterSpec>> = {
  counterparty: {
    accountId: EQ, actualAddress: TEXT, archived: EQ, code: TEXT, companyType: EQ, created: RANGE, description: TEXT,
    discountCardNumber: TEXT, email: TEXT, externalCode: TEXT, fax: TEXT, group: EQ, id: EQ, name: TEXT, owner: EQ,
    phone: TEXT, priceType: TEXT, shared: EQ, state: EQ, syncId: EQ, tags: TEXT, updated: RANGE, inn: TEXT, kpp: TEXT,
    legalAddress: TEXT, legalTitle: TEXT, 'accounts.accountnumber': ['='],
  },
  product: {
    archived: EQ, article: TEXT, barcode: TEXT, code: TEXT, description: TEXT, externalCode: TEXT, group: EQ, id: EQ,
    isSerialTrackable: EQ, minimumBalance: RANGE, name: TEXT, owner: EQ, pathName: TEXT, shared: EQ, supplier: EQ,
    syncId: EQ, updated: RANGE, volume: RANGE, weight: RANGE,
  },
  productfolder: {
    accountId: EQ, archived: EQ, code: TEXT, description: TEXT, externalCode: TEXT, group: EQ, id: EQ, name: TEXT, owner: EQ,
    pathName: TEXT, shared: EQ, updated: RANGE,
  },
  variant: {
    accountId: EQ, archived: EQ, article: TEXT, barcode: TEXT, code: TEXT, externalCode: TEXT, id: EQ, name: TEXT, updated: RANGE,
    // «Возможна фильтрация списка Модификаций по id товара - параметр фильтрации productid» (md/dictionaries/_variant.md).
    productid: EQ,
  },
  bonustransaction: {
    accountId: EQ, agent: EQ, applicable: EQ, bonusProgram: EQ, bonusValue: RANGE, code: TEXT, created: RANGE, description: TEXT,
    externalCode: TEXT, group: EQ, id: EQ, moment: RANGE, name: TEXT, organization: EQ, owner: EQ, shared: EQ, updated: RANGE,
    updatedBy: EQ,
  },
  retaildemand: DOCUMENT,
  retailsalesreturn: { ...DOCUMENT, contract: EQ },
};

/** The new `/entity/assortment` (md/dictionaries/_assortment.md «Атрибуты доступные для фильтрации»). */
export const ASSORTMENT_FILTERABLE: FilterSpec = {
  archived: ['='], barcode: ['=', '~', '~=', '=~'], code: TEXT, description: TEXT, externalCode: TEXT, group: EQ, id: EQ,
  name: TEXT, pathName: TEXT, productFolder: EQ, supplier: EQ, type: ['='], updated: ['=', '<', '<=', '>', '>='],
  withSubFolders: ['='],
};

/** The deprecated `/entity/assortment` without the beta header (md/dictionaries/_assortment_legacy.md). */
export const LEGACY_ASSORTMENT_FILTERABLE: FilterSpec = {
  'alcoholic.type': EQ, archived: ['='], article: TEXT, barcode: ['='], code: TEXT, description: TEXT, externalCode: TEXT,
  group: EQ, id: EQ, isSerialTrackable: ['='], name: TEXT, owner: EQ, pathname: TEXT, productFolder: EQ, quantityMode: ['='],
  search: ['='], shared: ['='], stockMode: ['='], stockMoment: ['='], stockStore: EQ, supplier: EQ, type: ['='],
  updated: ['=', '<', '<=', '>', '>='], updatedBy: EQ, weighed: ['='], withSubFolders: ['='],
};

/** Throws 412/1034 for a field the spec does not list, or an operator the field does not take. */
export function checkFilterable(spec: FilterSpec | undefined, conditions: readonly FilterCondition[]): void {
  if (!spec) return;
  for (const { field, operator } of conditions) {
    const operators = spec[field];
    if (!operators) throw new ApiError(412, 1034, `Ошибка фильтрации: Неизвестное поле фильтрации '${field}'`, { parameter: 'filter' });
    if (!operators.includes(operator))
      throw new ApiError(412, 1034, `Ошибка фильтрации: Оператор '${operator}' не совместим с полем '${field}'`, { parameter: 'filter' });
  }
}
