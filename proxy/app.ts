import { randomUUID } from 'node:crypto';
import express, { type Express, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { DatabaseHandle } from './db/database.js';
import { healthRoutes } from './http/health.js';
import { errorHandler, notFoundHandler } from './http/problem-handlers.js';
import { securityHeaders } from './http/security-headers.js';
import { redactUrl } from './redact.js';

/**
 * A smaller body limit for every path under `pathPrefix` (compared case-insensitively, as Express routes). The body
 * parsers run before any route module, so a module that wants a tighter limit declares it here: a limit checked by
 * the module itself after parsing would only see `Content-Length`, which a chunked body does not send.
 */
export type BodyLimit = { pathPrefix: string; bytes: number };

/** A route module plugs itself in by receiving the app (after body parsing, before the 404 handler). */
export type RouteRegistrar = ((app: Express) => void) & { bodyLimits?: readonly BodyLimit[] };

export interface AppDeps {
  logger: Logger;
  database: Pick<DatabaseHandle, 'db' | 'dialect'>;
  routes?: readonly RouteRegistrar[];
  /** Maximum JSON / form body size (default 256kb: widget calls and webhooks are small). */
  bodyLimit?: string;
  /** Express `trust proxy` (config TRUST_PROXY): which X-Forwarded-* hops to believe for client IPs. */
  trustProxy?: boolean | number | string;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const QUIET_PATHS = new Set(['/healthz', '/readyz']);

/**
 * Builds the Express app without listening (server.ts runs it; tests drive it over real HTTP on port 0).
 * Order: request logging with ids → security headers → body parsers → health → route modules → 404 → one error handler.
 */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy ?? false);

  app.use(
    pinoHttp({
      logger: deps.logger,
      // Reuse a well-formed incoming id (from a load balancer or the sandbox) so logs join up across hops.
      genReqId(req, res) {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      customLogLevel(_req, res, error) {
        if (error || res.statusCode >= 500) return 'error';
        return res.statusCode >= 400 ? 'warn' : 'info';
      },
      autoLogging: { ignore: (req) => QUIET_PATHS.has(req.url?.split('?')[0] ?? '') },
      // The default serializer logs the raw URL: an install `code` or a webhook secret would land in the logs.
      serializers: {
        // `query` and `params` would repeat those secrets unmasked, and the URL already shows what they hold.
        req: (req: { url: string }) => ({ ...req, url: redactUrl(req.url), query: undefined, params: undefined }),
      },
    }),
  );
  app.use(securityHeaders());
  app.use(bodyParsers(deps.bodyLimit ?? '256kb', (deps.routes ?? []).flatMap((register) => register.bodyLimits ?? [])));

  app.use(healthRoutes(deps.database));
  for (const register of deps.routes ?? []) register(app);

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}

/**
 * JSON and form parsers whose limit depends on the path: the smallest declared limit whose prefix matches, else the
 * app-wide one. body-parser counts the bytes it reads, so the limit holds for chunked bodies too (413 as soon as it
 * is exceeded, without reading the rest into memory).
 */
function bodyParsers(defaultLimit: string | number, limits: readonly BodyLimit[]): RequestHandler {
  // amoCRM sends its webhooks as application/x-www-form-urlencoded with nested keys (leads[add][0][id]).
  const pair = (limit: string | number) => [express.json({ limit }), express.urlencoded({ extended: true, limit })] as const;
  const byLimit = new Map<string | number, readonly [RequestHandler, RequestHandler]>([[defaultLimit, pair(defaultLimit)]]);
  for (const { bytes } of limits) if (!byLimit.has(bytes)) byLimit.set(bytes, pair(bytes));
  const sorted = [...limits].sort((a, b) => a.bytes - b.bytes);
  return (req, res, next) => {
    const path = req.path.toLowerCase();
    const limit = sorted.find((entry) => path.startsWith(entry.pathPrefix.toLowerCase()))?.bytes ?? defaultLimit;
    const [json, form] = byLimit.get(limit)!;
    json(req, res, (error?: unknown) => (error ? next(error) : form(req, res, next)));
  };
}
