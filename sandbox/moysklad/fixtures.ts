// Fixed objects every МойСклад account has. Their ids are stable so seeds and tests can refer to them.
import type { Doc } from './store.js';
import { entityMeta } from './references.js';

export const FIXED_IDS = {
  currencyRub: '6314188d-2c7f-11e6-8a84-bae500000055',
  organization: '7a6d10d4-0000-4000-8000-00000000a001',
  retailStore: '851f8576-f504-11e5-8a84-bae50000016c',
  retailShift: 'cd86df19-0563-11e6-9464-e4de0000008e',
  employee: '0e0e0e0e-0000-4000-8000-00000000e001',
  priceTypeSale: '672559f1-cbf3-11e1-9eb9-889ffa6f49fd',
  priceTypeWholesale: '672559f1-cbf3-11e1-9eb9-889ffa6f49fe',
  priceTypeOnline: '672559f1-cbf3-11e1-9eb9-889ffa6f49ff',
} as const;

/** The price type the till sells at. */
export const SALE_PRICE_TYPE_NAME = 'Цена продажи';

export function defaultPriceTypes(accountId: string): Doc[] {
  const make = (id: string, name: string, externalCode: string): Doc => ({
    meta: entityMeta('pricetype', id),
    id,
    accountId,
    name,
    externalCode,
  });
  return [
    make(FIXED_IDS.priceTypeSale, SALE_PRICE_TYPE_NAME, 'cbcf493b-55bc-11d9-848a-00112f43529a'),
    make(FIXED_IDS.priceTypeWholesale, 'Оптовая цена', 'e3e6e8c2-0000-4000-8000-0000000000b2'),
    make(FIXED_IDS.priceTypeOnline, 'Цена для интернет-магазина', 'e3e6e8c2-0000-4000-8000-0000000000b3'),
  ];
}
