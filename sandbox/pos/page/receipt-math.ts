// The till page's arithmetic, in integer kopecks and points. The limits come from the same rules the emulator and
// the till API apply (sandbox/moysklad/till-bonus-rules.ts); the server re-checks everything the page computes.
import { pointsCapForReceipt, pointsToKopecks } from '../../moysklad/till-bonus-rules.js';
import type { PosProgram } from '../pos-backend.js';

export type CartLine = { productId: string; name: string; priceKopecks: number; quantity: number };

export function cartTotal(cart: readonly CartLine[]): number {
  return cart.reduce((sum, line) => sum + line.priceKopecks * line.quantity, 0);
}

/** Points this receipt may be paid with: a known buyer's balance, capped by the program's share of the receipt. */
export function pointsLimit(totalKopecks: number, balance: number | null, program: PosProgram | null): number {
  if (!program || balance === null) return 0;
  return Math.max(0, Math.min(balance, pointsCapForReceipt(totalKopecks, program)));
}

export function pointsInKopecks(points: number, program: PosProgram | null): number {
  return program ? pointsToKopecks(points, program) : 0;
}

/** 1 234 567,05 ₽ (narrow no-break spaces between thousands, a minus sign for negatives). */
export function money(kopecks: number): string {
  const sign = kopecks < 0 ? '\u2212' : '';
  const abs = Math.abs(kopecks);
  const roubles = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
  const cents = abs % 100;
  return `${sign}${roubles},${cents < 10 ? '0' : ''}${cents}\u00a0\u20bd`;
}
