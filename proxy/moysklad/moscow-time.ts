/**
 * МойСклад writes and reads timestamps as Moscow wall-clock time (UTC+3, no DST since 2014) with no offset:
 * "YYYY-MM-DD HH:mm:ss.SSS". Input also accepts seconds or minutes precision.
 */
const MOSCOW_OFFSET_MS = 3 * 60 * 60 * 1000;
const MOSCOW_PATTERN = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/** Formats an instant as a МойСклад Moscow-time string. `withMs=false` gives the filter-friendly seconds form. */
export function toMoscowString(date: Date, withMs = true): string {
  if (Number.isNaN(date.getTime())) throw new RangeError('toMoscowString: invalid Date');
  const msk = new Date(date.getTime() + MOSCOW_OFFSET_MS);
  const base =
    `${msk.getUTCFullYear()}-${pad(msk.getUTCMonth() + 1)}-${pad(msk.getUTCDate())} ` +
    `${pad(msk.getUTCHours())}:${pad(msk.getUTCMinutes())}:${pad(msk.getUTCSeconds())}`;
  return withMs ? `${base}.${pad(msk.getUTCMilliseconds(), 3)}` : base;
}

/** Parses a МойСклад Moscow-time string into an instant. Throws on anything else (no silent `Invalid Date`). */
export function parseMoscow(value: string): Date {
  const match = MOSCOW_PATTERN.exec(value);
  if (!match) throw new RangeError(`parseMoscow: not a МойСклад timestamp: ${JSON.stringify(value)}`);
  const [, y, mo, d, h, mi, s, ms] = match;
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0), Number((ms ?? '0').padEnd(3, '0')));
  const date = new Date(utc - MOSCOW_OFFSET_MS);
  // Date.UTC rolls "2026-02-31" over to March; reject such strings instead.
  if (toMoscowString(date).slice(0, 10) !== `${y}-${mo}-${d}`) throw new RangeError(`parseMoscow: no such date: ${value}`);
  return date;
}

/**
 * An instant as ISO-8601 with the Moscow offset ("2026-03-12T14:05:00.000+03:00"): the shop's wall clock, as МойСклад
 * shows it, with the zone explicit so no reader mistakes it for UTC or for the browser's zone.
 */
export function toMoscowIso(date: Date): string {
  return `${toMoscowString(date).replace(' ', 'T')}+03:00`;
}

export function isMoscowString(value: string): boolean {
  try {
    parseMoscow(value);
    return true;
  } catch {
    return false;
  }
}
