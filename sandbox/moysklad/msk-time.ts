// МойСклад writes every timestamp in Moscow time (UTC+3, no DST) without an offset:
// "YYYY-MM-DD HH:mm:ss.SSS". Strings in this exact form sort the same way as the instants they name,
// which the filter and order code relies on.
const MSK_OFFSET_MS = 3 * 60 * 60 * 1000;

export function toMskTimestamp(epochMs: number): string {
  return new Date(epochMs + MSK_OFFSET_MS).toISOString().replace('T', ' ').replace('Z', '');
}

/** Seconds precision, as used by webhook payloads and document `moment` fields. */
export function toMskSeconds(epochMs: number): string {
  return toMskTimestamp(epochMs).slice(0, 19);
}

const ACCEPTED = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;

/**
 * Input dates may be "YYYY-MM-DD HH:mm", "…:ss" or "…:ss.SSS" (milliseconds in entity filters are
 * unconfirmed for the real service; accepted here). Returns the canonical full form, or null.
 */
export function normalizeMskTimestamp(text: string): string | null {
  const m = ACCEPTED.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s = '00', ms = '000'] = m;
  const canonical = `${y}-${mo}-${d} ${h}:${mi}:${s}.${ms.padEnd(3, '0')}`;
  return Number.isNaN(parseMskTimestamp(canonical)) ? null : canonical;
}

function parseMskTimestamp(text: string): number {
  return Date.parse(`${text.replace(' ', 'T')}+03:00`);
}
