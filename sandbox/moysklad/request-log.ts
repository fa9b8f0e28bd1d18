import type { NextFunction, Request, Response } from 'express';

/** One API request as the emulator saw it (no credentials are kept). */
export interface RequestLogEntry {
  method: string;
  /** Path below the API root, e.g. "/entity/counterparty". */
  path: string;
  query: Record<string, unknown>;
  /** Login of the authenticated user, if authentication succeeded. */
  user?: string;
  status: number;
  /** Values of `X-Lognex-WebHook-DisableByPrefix`, one per header line. */
  disabledWebhookPrefixes: string[];
  userAgent?: string;
  at: number;
}

/** Only the newest entries are kept, so long benchmarks do not grow memory without bound. */
const MAX_ENTRIES = 10_000;

/** Middleware that appends every finished API request to `log`. */
export function requestLogger(log: RequestLogEntry[]) {
  return (req: Request, res: Response, next: NextFunction): void => {
    res.on('finish', () => {
      const entry: RequestLogEntry = {
        method: req.method,
        path: req.path,
        query: { ...(req.query as Record<string, unknown>) },
        status: res.statusCode,
        disabledWebhookPrefixes: req.headersDistinct['x-lognex-webhook-disablebyprefix'] ?? [],
        at: Date.now(),
      };
      const user = (res.locals.user as { login?: string } | undefined)?.login;
      if (user) entry.user = user;
      if (req.headers['user-agent']) entry.userAgent = req.headers['user-agent'];
      log.push(entry);
      if (log.length > MAX_ENTRIES) log.splice(0, log.length - MAX_ENTRIES);
    });
    next();
  };
}
