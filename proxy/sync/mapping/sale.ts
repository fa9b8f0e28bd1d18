import { parseMoscow } from '../../moysklad/moscow-time.js';
import { kopecksToWholeRoubles, type Kopecks } from '../../moysklad/money.js';
import { fitPrice, fitWithMarker } from './amo-limits.js';

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
  /** The sum and lines are what is left after partial returns (an amoCRM purchase is re-created with them). */
  partlyReturned?: boolean;
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
  const body = [
    `Розничная продажа №${sale.number} от ${moscowDisplay(sale.moment)} на сумму ${formatRoubles(sale.sumKopecks)}.`,
    `Товары: ${items || '—'}.`,
    // Its own line in the note, so it starts with a capital letter.
    pointsLine ? `${pointsLine.charAt(0).toUpperCase()}${pointsLine.slice(1)}.` : null,
  ]
    .filter((line): line is string => line !== null)
    .join('\n');
  // A receipt of hundreds of lines is shortened to what a note takes; the marker stays whole.
  return fitWithMarker(body, saleMarker(sale.moyskladId));
}

export interface ReturnFacts {
  moyskladId: string;
  number: string;
  sumKopecks: Kopecks;
  /** The lines this return took back. */
  lines: Pick<SaleLine, 'name' | 'quantity' | 'priceKopecks'>[];
  /** Points earned on the sale that this return took back, and points spent on the sale that it gave back. */
  pointsTakenBack: number;
  pointsGivenBack: number;
  /** What is left of the sale after every return so far (null: nothing, it is returned whole). */
  remainingKopecks: Kopecks | null;
}

/**
 * The return note on the customer card: which sale, how much, which lines, how many points moved (the buyer must
 * understand why the balance dropped), and what is left of the sale. One note per return: a sale returned in parts
 * gets one for each part, each with its own marker.
 */
export function returnNoteText(sale: Pick<SaleFacts, 'moyskladId' | 'number' | 'moment'>, ret: ReturnFacts): string {
  const items = ret.lines.map((line) => `${line.name} — ${formatQuantity(line.quantity)} × ${formatRoubles(line.priceKopecks)}`).join('; ');
  const points: string[] = [];
  if (ret.pointsTakenBack > 0) points.push(`списано баллов, начисленных за покупку: ${ret.pointsTakenBack}`);
  if (ret.pointsGivenBack > 0) points.push(`возвращено баллов, потраченных на покупку: ${ret.pointsGivenBack}`);
  const pointsLine = points.length > 0 ? points.join(', ') : 'баллы не менялись';
  const body = [
    `Возврат №${ret.number} по розничной продаже №${sale.number} от ${moscowDisplay(sale.moment)} на сумму ${formatRoubles(ret.sumKopecks)}.`,
    items ? `Возвращены товары: ${items}.` : null,
    `${pointsLine.charAt(0).toUpperCase()}${pointsLine.slice(1)}.`,
    ret.remainingKopecks === null ? 'Продажа возвращена полностью.' : `По продаже осталось ${formatRoubles(ret.remainingKopecks)}.`,
  ]
    .filter((line): line is string => line !== null)
    .join('\n');
  return fitWithMarker(body, returnMarker(sale.moyskladId, ret.moyskladId));
}

/** The marker of one return's note: it names the sale (so the sale's notes are found together) and the return. */
export function returnMarker(saleId: string, returnId: string): string {
  return saleMarker(`${saleId}:return:${returnId}`);
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
    price: fitPrice(kopecksToWholeRoubles(sale.sumKopecks)),
    comment: `Розничная продажа №${sale.number}${sale.partlyReturned ? ' с учётом возврата' : ''} (${saleMarker(sale.moyskladId)})`,
    completed_at: Math.floor(parseMoscow(sale.moment).getTime() / 1000),
    request_id: sale.moyskladId,
    ...(elements.length > 0 ? { _embedded: { catalog_elements: elements } } : {}),
  };
}
