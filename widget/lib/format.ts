// Number, money and date formatting. Money arrives as integer kopecks and is shown in roubles for the user's locale.

export function formatRoubles(kopecks: number, intlLocale: string): string {
  return new Intl.NumberFormat(intlLocale, { style: 'currency', currency: 'RUB' }).format(kopecks / 100);
}

export function formatInteger(value: number, intlLocale: string): string {
  return new Intl.NumberFormat(intlLocale, { maximumFractionDigits: 0 }).format(value);
}

export function formatQuantity(value: number, intlLocale: string): string {
  return new Intl.NumberFormat(intlLocale, { maximumFractionDigits: 3 }).format(value);
}

/**
 * The shop's clock. МойСклад keeps Moscow wall-clock time and the amoCRM purchase notes say Moscow time,
 * so the widget shows the same clock whatever the browser's zone is, and says so with a label.
 */
const SHOP_TIME_ZONE = 'Europe/Moscow';

/**
 * ISO-8601 with offset (the contract) → date and time in the shop's zone, followed by `zoneLabel`
 * (МСК / MSK from the locale file). An unreadable value is shown as is.
 */
export function formatShopDateTime(iso: string, intlLocale: string, zoneLabel: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const text = new Intl.DateTimeFormat(intlLocale, { dateStyle: 'medium', timeStyle: 'short', timeZone: SHOP_TIME_ZONE }).format(date);
  return `${text} ${zoneLabel}`;
}
