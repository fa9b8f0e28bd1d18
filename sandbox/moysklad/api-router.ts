import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { checkAcceptHeader } from './accept-header.js';
import { Accounts } from './accounts.js';
import { ApiError } from './api-error.js';
import type { EmulatorCore } from './core.js';
import { requireGzip, sendJson } from './gzip-json.js';
import type { RateLimiter } from './rate-limiter.js';
import { requestLogger, type RequestLogEntry } from './request-log.js';
import { assortmentRoutes } from './routes/assortment-routes.js';
import { auditRoutes } from './routes/audit-routes.js';
import { contextRoutes } from './routes/context-routes.js';
import { entityRoutes } from './routes/entity-routes.js';
import { variantMetadataRoutes } from './routes/variant-metadata-routes.js';
import { webhookRoutes } from './routes/webhook-routes.js';

const FAULT_CODES: Record<number, number> = { 429: 1049, 500: 1000, 502: 1074, 503: 1074, 504: 1074 };

/**
 * Body: read raw and parse here so that malformed JSON becomes 400/2001 instead of Express's HTML page.
 * A body must come with `Content-Type: application/json` (error 2001 tells clients to add it). The exact answer of
 * the real service to a missing or other Content-Type is unconfirmed; the emulator refuses with 400/2001 so a
 * client that forgets the header fails here rather than in production.
 */
function parseJsonBody(req: Request, _res: Response, next: NextFunction): void {
  if (!Buffer.isBuffer(req.body) || req.body.length === 0) {
    req.body = undefined;
    next();
    return;
  }
  if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '')) {
    next(new ApiError(400, 2001, "Ошибка формата: тело запроса должно быть JSON, укажите заголовок 'Content-Type: application/json'"));
    return;
  }
  try {
    req.body = JSON.parse(req.body.toString('utf8'));
    next();
  } catch {
    next(new ApiError(400, 2001, 'Ошибка формата JSON в теле запроса'));
  }
}

/** `/api/remap/1.2`: gzip and Accept checks → injected failures → auth → per-user limits → latency → routes. */
export function apiRouter(core: EmulatorCore, accounts: Accounts, limiter: RateLimiter, log: RequestLogEntry[]): Router {
  const router = express.Router();
  router.use(requestLogger(log));
  router.use(requireGzip);
  router.use(checkAcceptHeader);
  router.use((_req, _res, next) => {
    const fail = core.faults.failNextRequests;
    if (!fail || fail.count <= 0) return next();
    fail.count--;
    const headers: Record<string, string> = fail.status === 429 ? { 'X-Lognex-Auth': '429002' } : {};
    next(new ApiError(fail.status, FAULT_CODES[fail.status] ?? 1000, `Сбой, внедрённый песочницей (HTTP ${fail.status})`, { headers }));
  });
  router.use((req, res, next) => {
    const { user } = accounts.authenticate(req.headers.authorization);
    res.locals.user = user;
    const decision = limiter.acquire(user.login);
    res.set(decision.headers);
    if (!decision.ok) {
      const message =
        decision.code === 1073
          ? 'Превышено ограничение на одновременное количество запросов'
          : 'Превышено ограничение на количество запросов в единицу времени';
      throw new ApiError(429, decision.code, message, { headers: { 'X-Lognex-Auth': decision.code === 1073 ? '429005' : '429002' } });
    }
    res.on('close', decision.release);
    core.faults.beforeRequest?.({ method: req.method, path: req.path, query: req.query as Record<string, unknown> });
    const latency = core.faults.latencyMs ?? 0;
    if (latency > 0) setTimeout(next, latency);
    else next();
  });
  router.use(express.raw({ type: () => true, limit: '20mb' }), parseJsonBody);
  router.use(contextRoutes(core, accounts));
  router.use(webhookRoutes(core));
  router.use(auditRoutes(core));
  // Before the generic /entity/{type}/{id}: `assortment` is no entity kind and `variant/metadata` no variant id.
  router.use(assortmentRoutes(core));
  router.use(variantMetadataRoutes(core));
  router.use(entityRoutes(core));
  router.use((req, _res, next) => next(new ApiError(404, 1005, `Неизвестный ресурс: ${req.method} ${req.path}`)));
  router.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof ApiError) {
      if (error.extra.headers) res.set(error.extra.headers);
      sendJson(res, error.status, { errors: [error.toItem()] });
      return;
    }
    const status = (error as { status?: number }).status === 413 ? 413 : 500;
    sendJson(res, status, { errors: [{ error: status === 413 ? 'Слишком большой запрос' : 'Внутренняя ошибка эмулятора', code: status === 413 ? 1002 : 1000, moreInfo: '' }] });
  });
  return router;
}
