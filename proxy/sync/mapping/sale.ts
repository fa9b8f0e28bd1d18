import { parseMoscow } from '../../moysklad/moscow-time.js';
import { kopecksToWholeRoubles, type Kopecks } from '../../moysklad/money.js';

export interface SaleLine {
  name: string;
  quantity: number;
  priceKopecks: Kopecks;
  /** The amoCRM products-catalog element of the line's product, when it is synced. */
  catalogElementId: number | null;
}

export interface SaleFacts {
  moyskladId: string;
  number: string;
  /** МойСклад `moment`: Moscow time without offset. */
  moment: string;
  sumKopecks: Kopecks;
  lines: SaleLine[];
  pointsEarned: number;
  pointsSpent: number;
}

/** Every note we write ends with this marker, so a retry after a crash can find the note it already wrote. */
export function saleMarker(moyskladId: string): string {
  return `МойСклад: ${moyskladId}`;
}

/** "2026-03-12 14:05:00.000" (Moscow) → "12.03.2026 14:05": shown as the shop's own local time. */
export function moscowDisplay(moment: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})/.exec(moment);
  if (!match) return moment;
  const [, year, month, day, hour, minute] = match;
  return `${day}.${month}.${year} ${hour}:${minute}`;
}

const roubles = new Intl.NumberFormat('ru-RU', { style: 'currency', currency: 'RUB', minimumFractionDigits: 2 });

/** Kopecks shown as roubles; integer kopecks / 100 is exact to two decimals, so no rounding surprises here. */
export function formatRoubles(kopecks: Kopecks): string {
  return roubles.format(kopecks / 100);
}

function formatQuantity(quantity: number): string {
  return Number.isInteger(quantity) ? String(quantity) : quantity.toLocaleString('ru-RU', { maximumFractionDigits: 3 });
}

/** The purchase note on the customer card: sale number, date, sum, products, points spent and earned. */
export function saleNoteText(sale: SaleFacts): string {
  const items = sale.lines
    .map((line) => `${line.name} — ${formatQuantity(line.quantity)} × ${formatRoubles(line.priceKopecks)}`)
    .join('; ');
  const points: string[] = [];
  if (sale.pointsSpent > 0) points.push(`списано баллов: ${sale.pointsSpent}`);
  if (sale.pointsEarned > 0) points.push(`начислено баллов: ${sale.pointsEarned}`);
  const pointsLine = points.join(', ');
  return [
    `Розничная продажа №${sale.number} от ${moscowDisplay(sale.moment)} на сумму ${formatRoubles(sale.sumKopecks)}.`,
    `Товары: ${items || '—'}.`,
    // Its own line in the note, so it starts with a capital letter.
    pointsLine ? `${pointsLine.charAt(0).toUpperCase()}${pointsLine.slice(1)}.` : null,
    saleMarker(sale.moyskladId),
  ]
    .filter((line): line is string => line !== null)
    .join('\n');
}

export function returnNoteText(sale: Pick<SaleFacts, 'moyskladId' | 'number' | 'moment' | 'sumKopecks'>, returnNumber: string): string {
  return [
    `Возврат №${returnNumber} по розничной продаже №${sale.number} от ${moscowDisplay(sale.moment)} на сумму ${formatRoubles(sale.sumKopecks)}.`,
    saleMarker(`${sale.moyskladId}:return`),
  ].join('\n');
}

/**
 * The amoCRM purchase. `price` is an int in amoCRM (whole roubles), so kopecks are rounded half away from zero; the
 * exact sum stays in the note and in our read model. Catalog elements carry quantities, which is what dynamic
 * segmentation by product and product group reads.
 */
export function transactionPayload(sale: SaleFacts, catalogId: number | null): {
  price: number;
  comment: string;
  completed_at: number;
  request_id: string;
  _embedded?: { catalog_elements: { id: number; metadata: { catalog_id: number; quantity: number } }[] };
} {
  const elements =
    catalogId === null
      ? []
      : sale.lines
          .filter((line): line is SaleLine & { catalogElementId: number } => line.catalogElementId !== null)
          .map((line) => ({ id: line.catalogElementId, metadata: { catalog_id: catalogId, quantity: line.quantity } }));
  return {
    price: kopecksToWholeRoubles(sale.sumKopecks),
    comment: `Розничная продажа №${sale.number} (${saleMarker(sale.moyskladId)})`,
    completed_at: Math.floor(parseMoscow(sale.moment).getTime() / 1000),
    request_id: sale.moyskladId,
    ...(elements.length > 0 ? { _embedded: { catalog_elements: elements } } : {}),
  };
}
