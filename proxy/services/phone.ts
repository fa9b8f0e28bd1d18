/**
 * Phones as digit strings, so "+7 (999) 123-45-67", "8 999 123 45 67" and "79991234567" compare equal.
 * A Russian trunk prefix 8 before ten digits becomes the country code 7. Returns null for anything that is
 * not 10–15 digits (E.164 allows at most 15).
 */
export function normalizePhoneDigits(raw: string): string | null {
  let digits = raw.replace(/\D/g, '');
  if (digits.length === 11 && digits.startsWith('8')) digits = `7${digits.slice(1)}`;
  if (digits.length === 10 && digits.startsWith('9')) digits = `7${digits}`;
  return digits.length >= 11 && digits.length <= 15 ? digits : null;
}
