/**
 * Request URLs as they may be logged. Some URLs carry secrets by design: amoCRM's install hook brings a one-time
 * OAuth `code` in the query, the revoke hook a `signature`, and our webhook URLs a per-account secret in the path
 * (neither service signs webhooks). Those parts are masked before a URL reaches a log line.
 */
const SECRET_QUERY_PARAMS = new Set(['code', 'signature', 'access_token', 'refresh_token', 'client_secret', 'token']);
const WEBHOOK_SECRET_PATH = /^(\/webhooks\/(?:moysklad|amocrm)\/[^/?#]+\/)[^/?#]+/;

export function logSafeUrl(url: string): string {
  const [path = '', query] = url.split(/\?(.*)/s, 2);
  const safePath = path.replace(WEBHOOK_SECRET_PATH, '$1[redacted]');
  if (query === undefined) return safePath;
  const params = new URLSearchParams(query);
  for (const key of [...params.keys()]) {
    if (SECRET_QUERY_PARAMS.has(key.toLowerCase())) params.set(key, '[redacted]');
  }
  return `${safePath}?${params.toString()}`;
}
