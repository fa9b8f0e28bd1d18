import type { MetaFactory } from './meta.js';
import type { Rng } from './prng.js';
import type { SeedProduct, SeedVariant } from './types.js';

/** Characteristic names and values the seeded modifications use (one characteristic per product). */
const AXES: ReadonlyArray<{ name: string; values: readonly string[] }> = [
  { name: 'Цвет', values: ['Чёрный', 'Серебристый', 'Белый', 'Синий'] },
  { name: 'Комплектация', values: ['Базовая', 'Расширенная', 'Профессиональная'] },
];

interface VariantContext {
  accountId: string;
  meta: MetaFactory;
  updated: string;
}

/**
 * A few products with modifications (md/dictionaries/_variant.md): spread evenly over the products on sale, each gets
 * 2–3 variants along one characteristic. A variant without its own prices sells at its product's; every second one
 * costs 10 % more at «Цена продажи», so both cases are in the data.
 */
export function generateVariants(rng: Rng, count: number, products: readonly SeedProduct[], ctx: VariantContext): SeedVariant[] {
  const chosen = count === 0 || products.length === 0 ? [] : Array.from({ length: Math.min(count, products.length) }, (_, i) => products[Math.floor((i * products.length) / Math.min(count, products.length))]!);
  return chosen.flatMap((product, p) => {
    const axis = AXES[p % AXES.length]!;
    const values = axis.values.slice(0, rng.int(2, 3));
    return values.map((value, v): SeedVariant => {
      const id = rng.uuid();
      const retail = product.salePrices[0]!;
      return {
        meta: ctx.meta.entity('variant', id),
        id,
        accountId: ctx.accountId,
        updated: ctx.updated,
        name: `${product.name} (${value})`,
        code: `${product.code}-${v + 1}`,
        externalCode: rng.token(22),
        archived: false,
        article: `${product.article}-${v + 1}`,
        characteristics: [{ name: axis.name, value }],
        product: { meta: product.meta },
        ...(v % 2 === 1 ? { salePrices: [{ value: Math.floor((retail.value * 110) / 100), currency: retail.currency, priceType: retail.priceType }] } : {}),
      };
    });
  });
}
