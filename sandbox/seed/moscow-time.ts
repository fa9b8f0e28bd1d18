/**
 * МойСклад timestamps are Moscow time (UTC+3, no DST since 2014) written without an offset:
 * "YYYY-MM-DD HH:mm:ss.SSS".
 */
const MSK_OFFSET_MS = 3 * 60 * 60 * 1000;

export function toMoscowString(instant: Date | number): string {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  // Shift by +3h and read the UTC fields: that is the wall clock in Moscow.
  const iso = new Date(ms + MSK_OFFSET_MS).toISOString(); // 2026-01-02T03:04:05.678Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}

/** Parses "YYYY-MM-DD HH:mm[:ss[.SSS]]" (MSK) back to epoch milliseconds. */
export function parseMoscowString(text: string): number {
  const match = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/.exec(text);
  if (!match) throw new Error(`Not a МойСклад timestamp: ${text}`);
  const seconds = match[3] ?? '00';
  const millis = (match[4] ?? '0').padEnd(3, '0');
  return Date.parse(`${match[1]}T${match[2]}:${seconds}.${millis}+03:00`);
}

export const DAY_MS = 24 * 60 * 60 * 1000;
