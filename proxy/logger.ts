import { type DestinationStream, type Logger, pino } from 'pino';
import { censorSecrets } from './log-censor.js';

export interface LoggerOptions {
  level?: string;
  /** Where lines go (default stdout); tests pass a stream to read what was logged. */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      // Censoring runs on the finished line (after serializers, for child bindings too). pino's `redact` with
      // wildcard paths cloned and walked every logged object: most of a card view's allocations, which V8
      // promoted into old space under concurrent requests (the proxy's RSS growth, issue 10).
      hooks: { streamWrite: censorSecrets },
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
