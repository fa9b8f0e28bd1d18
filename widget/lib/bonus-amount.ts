import type { BonusOperation } from '../api/types.js';

export type AmountCheck =
  | { ok: true; amount: number }
  | { ok: false; reason: 'invalid'; min: number; max: number }
  | { ok: false; reason: 'insufficient'; balance: number };

/** Checks the typed amount before asking for confirmation; the proxy checks again on its side. */
export function checkBonusAmount(
  raw: string,
  operation: BonusOperation,
  bounds: { minAmount: number; maxAmount: number },
  balance: number,
): AmountCheck {
  const text = raw.trim();
  const amount = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  const min = Math.max(1, bounds.minAmount);
  if (!Number.isSafeInteger(amount) || amount < min || amount > bounds.maxAmount) {
    return { ok: false, reason: 'invalid', min, max: bounds.maxAmount };
  }
  if (operation === 'redeem' && amount > balance) return { ok: false, reason: 'insufficient', balance };
  return { ok: true, amount };
}
