// Resolves manifest i18n keys ("widget.name") against the widget's i18n/<lang>.json, as amoCRM does
// for the names and descriptions it shows outside the widget's own code.

export function translate(langs: unknown, key: string): string {
  let node: unknown = langs;
  for (const part of key.split('.')) {
    if (node === null || typeof node !== 'object') return key;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'string' ? node : key;
}

export type ShortTagValues = { host: string; subdomain: string; login: string; accountId: number; userId: number; topLevelDomain: string };

/** The short-tags amoCRM substitutes in `widget.description` (amo-docs integrations/structure). */
export function replaceShortTags(text: string, values: ShortTagValues): string {
  return text
    .replaceAll('#HOST#', values.host)
    .replaceAll('#SUBDOMAIN#', values.subdomain)
    .replaceAll('#LOGIN#', values.login)
    .replaceAll('#API_HASH#', '') // legacy API keys are not emulated
    .replaceAll('#ACCOUNT_ID#', String(values.accountId))
    .replaceAll('#USER_ID#', String(values.userId))
    .replaceAll('#TOP_LEVEL_DOMAIN#', values.topLevelDomain);
}
