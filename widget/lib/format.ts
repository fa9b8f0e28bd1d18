// Display formatting. Money arrives as integer kopecks and is shown in roubles for the user's locale.

export function formatRoubles(kopecks: number, intlLocale: string): string {
  return new Intl.NumberFormat(intlLocale, { style: 'currency', currency: 'RUB' }).format(kopecks / 100);
}

export function formatInteger(value: number, intlLocale: string): string {
  return new Intl.NumberFormat(intlLocale, { maximumFractionDigits: 0 }).format(value);
}

export function formatQuantity(value: number, intlLocale: string): string {
  return new Intl.NumberFormat(intlLocale, { maximumFractionDigits: 3 }).format(value);
}

/** ISO-8601 with offset (the contract) → local date and time; an unreadable value is shown as is. */
export function formatDateTime(iso: string, intlLocale: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(intlLocale, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}
