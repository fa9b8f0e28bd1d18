import { FIXED_IDS } from '../moysklad/fixtures.js';
import type { MetaFactory } from './meta.js';
import type { Rng } from './prng.js';
import type { SeedPriceType, SeedReferences } from './types.js';

/**
 * Price types of the account, in the order the МойСклад UI lists them; the first is the retail price the
 * till sells at. Ids and names match the emulator's built-in price types so loaded products point at them.
 */
const PRICE_TYPES = [
  { id: FIXED_IDS.priceTypeSale, name: 'Цена продажи', externalCode: 'cbcf493b-55bc-11d9-848a-00112f43529a', percent: 100 },
  { id: FIXED_IDS.priceTypeWholesale, name: 'Оптовая цена', externalCode: 'e3e6e8c2-0000-4000-8000-0000000000b2', percent: 85 },
  { id: FIXED_IDS.priceTypeOnline, name: 'Цена для интернет-магазина', externalCode: 'e3e6e8c2-0000-4000-8000-0000000000b3', percent: 95 },
] as const;

export const RETAIL_PRICE_TYPE_NAME = PRICE_TYPES[0].name;

/**
 * The objects documents point at. Organization, retail point, shift and currency reuse the emulator's fixed
 * ids (every account has exactly these); the warehouse has no fixed id there, so it is derived from the seed.
 */
export function generateReferences(rng: Rng, meta: MetaFactory, accountId: string, retailCustomerId: string): SeedReferences {
  const fixed = <T extends string>(type: string, id: string, name: T) => ({ meta: meta.entity(type, id), id, name });
  return {
    accountId,
    organization: fixed('organization', FIXED_IDS.organization, 'ООО «Фото и Техника»'),
    store: fixed('store', rng.uuid(), 'Основной склад'),
    retailStore: fixed('retailstore', FIXED_IDS.retailStore, 'Магазин на Тверской'),
    retailShift: fixed('retailshift', FIXED_IDS.retailShift, 'Смена 1'),
    currency: { ...fixed('currency', FIXED_IDS.currencyRub, 'руб'), isoCode: 'RUB' },
    retailCustomerId,
  };
}

export function generatePriceTypes(meta: MetaFactory): SeedPriceType[] {
  return PRICE_TYPES.map(({ id, name, externalCode }) => ({ meta: meta.priceType(id), id, name, externalCode }));
}

/** Percent of the retail price a price type charges (integer percents keep kopeck math integer). */
export function priceTypePercent(name: string): number {
  return PRICE_TYPES.find((p) => p.name === name)?.percent ?? 100;
}
