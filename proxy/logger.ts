import { type DestinationStream, type Logger, pino } from 'pino';

/**
 * Secret-bearing fields, wherever they appear up to three levels deep (request headers, vendor error
 * payloads, repository rows). Censoring is by key, so new code that logs a `token` stays safe by default.
 */
const SECRET_KEYS = [
  // Node lower-cases incoming header names; axios and hand-built requests keep the original case.
  'authorization',
  'Authorization',
  'x-auth-token',
  'X-Auth-Token',
  'cookie',
  'Cookie',
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

function bracket(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `["${key}"]`;
}

export const redactPaths: string[] = SECRET_KEYS.flatMap((key) => {
  const k = bracket(key);
  return [k.startsWith('.') ? k.slice(1) : k, `*${k}`, `*.*${k}`, `*.*.*${k}`];
});

export interface LoggerOptions {
  level?: string;
  /** Where lines go (default stdout); tests pass a stream to read what was logged. */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      redact: { paths: redactPaths, censor: '[redacted]' },
      base: { service: 'proxy' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}

/**
 * The slice of pino's API the МойСклад and amoCRM clients use. Inject `createLogger()` (or a child) in
 * production; the default is silent so that library code never prints on its own. Never pass secrets in `obj`:
 * the clients only log redacted URLs.
 */
export interface ClientLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const noop = (): void => undefined;

export const silentLogger: ClientLogger = { debug: noop, info: noop, warn: noop, error: noop };
