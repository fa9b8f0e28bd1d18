/**
 * Secret-bearing keys, compared without case (Node lower-cases incoming header names; axios and hand-built
 * requests keep `Authorization`). Censoring is by key at any depth, so new code that logs a `token` stays safe
 * by default.
 */
const SECRET_KEYS = [
  'authorization',
  'x-auth-token',
  'cookie',
  'set-cookie',
  'password',
  'token',
  'access_token',
  'refresh_token',
  'client_secret',
  'secret',
  // Our encrypted columns: ciphertext is not plaintext, but there is no reason for it to reach the logs.
  'amo_access_token_enc',
  'amo_refresh_token_enc',
  'moysklad_token_enc',
  'webhook_secret_enc',
];

const CENSORED = '[redacted]';

const secretKeys = new Set(SECRET_KEYS);
const longestKey = Math.max(...SECRET_KEYS.map((key) => key.length));
/** Cheap first look: most lines carry no secret-bearing key and are returned as they are, without a scan. */
const mayHoldSecret = new RegExp(`"(?:${SECRET_KEYS.map((key) => key.replace(/[-_]/g, '\\$&')).join('|')})"\\s*:`, 'i');

const QUOTE = 34;
const BACKSLASH = 92;
const COLON = 58;

/**
 * Replaces the value of every secret-bearing key in one serialized JSON log line with "[redacted]", at any depth,
 * whatever the value's type (string, number, object, array). Runs on pino's finished line (`hooks.streamWrite`),
 * so it sees what serializers and child bindings produced, and allocates nothing for a line without such a key.
 */
export function censorSecrets(line: string): string {
  if (!mayHoldSecret.test(line)) return line;
  let out = '';
  let copiedUpTo = 0;
  let at = 0;
  while (at < line.length) {
    if (line.charCodeAt(at) !== QUOTE) {
      at += 1;
      continue;
    }
    // A string token: a key when a colon follows. Scanning whole strings means text inside a value never
    // passes for a key.
    const end = endOfString(line, at);
    const colon = skipSpaces(line, end);
    if (line.charCodeAt(colon) === COLON && end - at - 2 <= longestKey && secretKeys.has(line.slice(at + 1, end - 1).toLowerCase())) {
      const valueStart = skipSpaces(line, colon + 1);
      const valueEnd = endOfValue(line, valueStart);
      out += `${line.slice(copiedUpTo, valueStart)}"${CENSORED}"`;
      copiedUpTo = valueEnd;
      at = valueEnd;
      continue;
    }
    at = end;
  }
  return copiedUpTo === 0 ? line : out + line.slice(copiedUpTo);
}

/** Index just after the closing quote of the string starting at `start` (its opening quote). */
function endOfString(line: string, start: number): number {
  for (let at = start + 1; at < line.length; at += 1) {
    const code = line.charCodeAt(at);
    if (code === BACKSLASH) at += 1;
    else if (code === QUOTE) return at + 1;
  }
  return line.length;
}

function skipSpaces(line: string, at: number): number {
  while (at < line.length && /\s/.test(line[at]!)) at += 1;
  return at;
}

/** Index just after the JSON value starting at `start`: a string, an object or array (nested), or a literal. */
function endOfValue(line: string, start: number): number {
  const first = line[start];
  if (first === '"') return endOfString(line, start);
  if (first === '{' || first === '[') {
    let depth = 0;
    for (let at = start; at < line.length; at += 1) {
      const char = line[at];
      if (char === '"') at = endOfString(line, at) - 1;
      else if (char === '{' || char === '[') depth += 1;
      else if (char === '}' || char === ']') {
        depth -= 1;
        if (depth === 0) return at + 1;
      }
    }
    return line.length;
  }
  let at = start;
  while (at < line.length && !',}]'.includes(line[at]!) && !/\s/.test(line[at]!)) at += 1;
  return at;
}
