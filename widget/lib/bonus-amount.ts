import type { BonusOperation } from '../api/types.js';

export type AmountCheck =
  | { ok: true; amount: number }
  | { ok: false; reason: 'invalid'; min: number; max: number }
  | { ok: false; reason: 'insufficient'; balance: number };

/**
 * A whole number as people type it: «1000», «1 000» (a space, or the no-break spaces Intl and copy-paste bring) or
 * the locale's own group separator («1,000» in English). Groups must be of three digits, so «1,5» is not 15.
 */
export function parseWholeNumber(raw: string, intlLocale: string): number | null {
  const text = raw.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const group = new Intl.NumberFormat(intlLocale).formatToParts(10_000).find((part) => part.type === 'group')?.value ?? ' ';
  const separators = `[ \\u00a0\\u202f\\u2009${group.replace(/[\\^\]-]/g, '\\$&')}]`;
  return new RegExp(`^\\d{1,3}(?:${separators}\\d{3})+$`).test(text) ? Number(text.replace(/\D/g, '')) : null;
}

/** Checks the typed amount before asking for confirmation; the proxy checks again on its side. */
export function checkBonusAmount(
  raw: string,
  operation: BonusOperation,
  bounds: { minAmount: number; maxAmount: number },
  balance: number,
  intlLocale = 'ru-RU',
): AmountCheck {
  const amount = parseWholeNumber(raw, intlLocale) ?? Number.NaN;
  const min = Math.max(1, bounds.minAmount);
  if (!Number.isSafeInteger(amount) || amount < min || amount > bounds.maxAmount) {
    return { ok: false, reason: 'invalid', min, max: bounds.maxAmount };
  }
  if (operation === 'redeem' && amount > balance) return { ok: false, reason: 'insufficient', balance };
  return { ok: true, amount };
}
