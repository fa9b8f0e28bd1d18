import express, { Router, type RequestHandler } from 'express';
import { callerIsUi, identifyCaller, requireCaller } from '../auth/bearer.js';
import type { TokenRegistry } from '../auth/token-registry.js';
import { faultInjector, type Faults } from '../limits/faults.js';
import type { RateLimiter } from '../limits/rate-limiter.js';
import { ApiProblem, sendNginxPage, sendProblem } from '../http/problem.js';
import type { RequestLog } from '../http/request-log.js';
import { accountRouter } from './account.js';
import { bonusPointsRouter } from './bonus-points.js';
import { catalogsRouter } from './catalogs.js';
import { contactsRouter } from './contacts.js';
import { accountOf, type ApiDeps } from './context.js';
import { customFieldsRouter } from './custom-fields.js';
import { customerLinksRouter } from './customer-links.js';
import { customersModeRouter, customersRouter, requireCustomersEnabled } from './customers.js';
import { notesRouter } from './notes.js';
import { transactionsRouter } from './transactions.js';
import { usersRouter } from './users.js';
import { webhooksRouter } from './webhooks.js';
import { widgetsRouter } from './widgets.js';

/**
 * `/a/{subdomain}/api/v4`: blocked accounts get the nginx 403 page before auth is checked; then Bearer auth, the
 * 7 rps limit, injected faults, and the entity routers (specific paths before `/customers/:id`).
 */
export function apiV4Router(deps: ApiDeps & { tokens: TokenRegistry; limiter: RateLimiter; faults: () => Faults; requestLog: RequestLog }): Router {
  const router = Router();
  const { limiter } = deps;

  // amoCRM's own UI (emu.issueUiToken) is neither limited nor blocked nor fault-injected: only the integration is.
  const rejectBlocked: RequestHandler = (_req, res, next) => {
    const key = accountOf(res).data.subdomain;
    if (!callerIsUi(res.locals) && limiter.isBlocked(key)) {
      limiter.check(key); // counts the rejected call
      return sendNginxPage(res, 403, 'Forbidden');
    }
    next();
  };
  const enforceRate: RequestHandler = (_req, res, next) => {
    if (callerIsUi(res.locals)) return next();
    const verdict = limiter.check(accountOf(res).data.subdomain);
    if (verdict === 'blocked') return sendNginxPage(res, 403, 'Forbidden');
    if (verdict === 'rate_limited') return sendProblem(res, new ApiProblem(429, 'Too Many Requests', 'Превышено допустимое количество запросов в секунду'));
    next();
  };

  const injectFaults = faultInjector(deps.faults, deps.nowMs);
  const integrationFaults: RequestHandler = (req, res, next) => (callerIsUi(res.locals) ? next() : injectFaults(req, res, next));
  // First, so that every call is recorded whatever answers it (block page, 401, 429, an injected fault).
  router.use(deps.requestLog.middleware((res) => accountOf(res).data.subdomain, (res) => callerIsUi(res.locals)));
  router.use(identifyCaller(deps.tokens), rejectBlocked, requireCaller, enforceRate, express.json({ limit: '10mb' }), integrationFaults);
  router.use(accountRouter(), usersRouter());
  router.use(customersModeRouter());
  const customers = Router();
  customers.use('/customers', requireCustomersEnabled);
  customers.use(customFieldsRouter()); // also serves /contacts and /catalogs custom fields
  customers.use(transactionsRouter(deps), notesRouter(deps), customerLinksRouter(deps), bonusPointsRouter(), customersRouter(deps));
  router.use(customers);
  router.use(contactsRouter(deps), catalogsRouter(deps), webhooksRouter(deps), widgetsRouter(deps));
  router.use((req) => {
    throw new ApiProblem(404, 'Not Found', `No route ${req.method} /api/v4${req.path}`);
  });
  return router;
}
