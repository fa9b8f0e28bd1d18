import { type DestinationStream, type Logger, pino } from 'pino';
import { redactLogLine } from './redact.js';

export interface LoggerOptions {
  level?: string;
  /** Where lines go (default stdout); tests pass a stream to read what was logged. */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      // Every line passes the one redaction (proxy/redact.ts) after serialisation, so secrets are masked by key at any
      // depth and in any case, whatever a serializer or a vendor error object put in the line.
      hooks: { streamWrite: redactLogLine },
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
