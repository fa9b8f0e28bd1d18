// Tiny helpers for server-rendered HTML. Every value from amoCRM data goes through escapeHtml.

export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** JSON for a `<script type="application/json">` block: `<` is escaped so data cannot close the tag. */
export function jsonForScriptTag(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Formats a Unix timestamp the way amoCRM shows dates to a Moscow account (UTC+3, no DST). */
export function formatMoscowDate(unixSeconds: number | null): string {
  if (unixSeconds === null) return '—';
  const moscow = new Date(unixSeconds * 1000 + 3 * 3600 * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(moscow.getUTCDate())}.${pad(moscow.getUTCMonth() + 1)}.${moscow.getUTCFullYear()} ${pad(moscow.getUTCHours())}:${pad(moscow.getUTCMinutes())}`;
}

/** amoCRM keeps price/ltv as whole units (documented as int); shown with thin-space grouping. */
export function formatRoubles(amount: number): string {
  return `${amount.toLocaleString('ru-RU').replace(/\u00a0/g, '\u202f')} ₽`;
}
