/**
 * Secret redaction, decided in one place for every logger line and every error message the proxy writes.
 *
 * One list names every secret and where it may appear: as an object key (request headers, vendor error payloads,
 * repository rows, log fields), as a URL query parameter, or both. Names are compared case-insensitively, because
 * HTTP header names and query keys are case-insensitive for the services that read them (and Express routes paths
 * case-insensitively, so `/WEBHOOKS/…` reaches the same handler as `/webhooks/…`).
 *
 * `code` is a secret only in a URL (amoCRM's one-time install code); as an object key it is our problem code or a
 * МойСклад error number, which the logs need.
 */

type Where = 'key' | 'query' | 'both';

const SECRETS: readonly (readonly [name: string, where: Where])[] = [
  ['authorization', 'both'],
  ['x-auth-token', 'both'],
  ['cookie', 'key'],
  ['set-cookie', 'key'],
  ['password', 'both'],
  ['token', 'both'],
  ['access_token', 'both'],
  ['refresh_token', 'both'],
  ['client_secret', 'both'],
  ['secret', 'both'],
  ['signature', 'both'],
  ['code', 'query'],
  // Our encrypted columns: ciphertext is not plaintext, but there is no reason for it to reach a log line.
  ['amo_access_token_enc', 'key'],
  ['amo_refresh_token_enc', 'key'],
  ['moysklad_token_enc', 'key'],
  ['webhook_secret_enc', 'key'],
  ['amo_webhook_secret_enc', 'key'],
];

const REDACTED = '[redacted]';

const SECRET_KEYS = new Set(SECRETS.filter(([, where]) => where !== 'query').map(([name]) => name));
const SECRET_QUERY_KEYS = new Set(SECRETS.filter(([, where]) => where !== 'key').map(([name]) => name));
/** Keys whose string values are URLs: masked with `redactUrl` rather than dropped (they help diagnose). */
const URL_KEYS = new Set(['url', 'href', 'baseurl']);

function isSecretKey(key: string): boolean {
  return SECRET_KEYS.has(key.toLowerCase());
}

function isSecretQueryKey(key: string): boolean {
  return SECRET_QUERY_KEYS.has(key.toLowerCase());
}

/** Our webhook URLs carry a per-account, per-service secret as the segment after the account id. */
const WEBHOOK_SERVICES = new Set(['moysklad', 'amocrm']);

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment).toLowerCase();
  } catch {
    return segment.toLowerCase();
  }
}

function redactPath(path: string): string {
  const segments = path.split('/');
  // ['', 'webhooks', '<service>', '<account>', '<secret>', …] — compared decoded and lower-cased, as routing does.
  if (segments.length >= 5 && segments[0] === '' && decodeSegment(segments[1]!) === 'webhooks' && WEBHOOK_SERVICES.has(decodeSegment(segments[2]!))) {
    segments[4] = REDACTED;
  }
  return segments.join('/');
}

function redactQuery(query: string): string {
  const params = new URLSearchParams(query);
  let changed = false;
  for (const key of new Set(params.keys())) {
    if (isSecretQueryKey(key)) {
      params.set(key, REDACTED);
      changed = true;
    }
  }
  return changed ? params.toString() : query;
}

/**
 * A URL as it may be logged or put in an error message: an absolute URL (a vendor call) loses its user info and
 * secret query values; a request path (ours) also loses the webhook secret segment. Never throws.
 */
export function redactUrl(raw: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
    try {
      const url = new URL(raw);
      url.username = '';
      url.password = '';
      const path = redactPath(url.pathname);
      const query = url.search ? `?${redactQuery(url.search.slice(1))}` : '';
      return `${url.origin}${path}${query}${url.hash}`;
    } catch {
      return '[unparseable url]';
    }
  }
  const at = raw.indexOf('?');
  if (at < 0) return redactPath(raw);
  return `${redactPath(raw.slice(0, at))}?${redactQuery(raw.slice(at + 1))}`;
}

const MAX_DEPTH = 12;

/**
 * A copy of `value` with every secret-keyed field replaced and every URL-keyed string masked, at any depth (bounded,
 * cycles cut). Plain data only: used on log lines after serialisation, where everything is JSON already.
 */
export function redactValue(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH || seen.has(value)) return '[truncated]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (isSecretKey(key)) out[key] = REDACTED;
    else if (typeof field === 'string' && URL_KEYS.has(key.toLowerCase())) out[key] = redactUrl(field);
    else out[key] = redactValue(field, depth + 1, seen);
  }
  return out;
}

/** One serialised log line (JSON + newline) with its secrets masked; a line that is not JSON passes unchanged. */
export function redactLogLine(line: string): string {
  const newline = line.endsWith('\n');
  let parsed: unknown;
  try {
    parsed = JSON.parse(newline ? line.slice(0, -1) : line);
  } catch {
    return line;
  }
  return `${JSON.stringify(redactValue(parsed))}${newline ? '\n' : ''}`;
}
