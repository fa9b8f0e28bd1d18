/**
 * The slice of pino's API the client uses. Inject `pino()` (or a child) in production; the default is silent so
 * that library code never prints on its own. Never pass secrets in `obj`: callers here only log redacted URLs.
 */
export interface ClientLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const noop = (): void => undefined;

export const silentLogger: ClientLogger = { debug: noop, info: noop, warn: noop, error: noop };
