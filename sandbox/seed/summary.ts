import type { Seed } from './types.js';

/** Human-readable totals of a seed, printed by the CLI. */
export function summarizeSeed(seed: Seed): string {
  const count = (type: string) => seed.counterparties.filter((c) => c.companyType === type).length;
  const revenue = seed.retaildemands.reduce((total, d) => total + d.sum, 0);
  const points = (kind: 'EARNING' | 'SPENDING') =>
    seed.bonustransactions.filter((t) => t.transactionType === kind).reduce((total, t) => total + t.bonusValue, 0);
  const moments = seed.retaildemands.map((d) => d.moment).sort();
  const rubles = `${Math.floor(revenue / 100).toLocaleString('ru-RU')},${String(revenue % 100).padStart(2, '0')} ₽`;
  return [
    `counterparties: ${seed.counterparties.length} (individual ${count('individual')}, legal ${count('legal')}, entrepreneur ${count('entrepreneur')})`,
    `productfolders: ${seed.productfolders.length}, products: ${seed.products.length} (${seed.variants.length} modifications), pricetypes: ${seed.pricetypes.length}`,
    `retaildemands: ${seed.retaildemands.length}, revenue ${rubles}` +
      (moments.length ? `, ${moments[0]} … ${moments[moments.length - 1]} MSK` : ''),
    `bonustransactions: ${seed.bonustransactions.length} (earned ${points('EARNING')}, spent ${points('SPENDING')} points)`,
  ].join('\n');
}
