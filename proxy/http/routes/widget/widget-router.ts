import { createHash } from 'node:crypto';
import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response, type Router } from 'express';
import { requireAdmin, requireDisposableToken, authOf, type DisposableTokenOptions } from '../../auth/disposable-token.js';
import { widgetCors } from '../../cors.js';
import { sendProblem } from '../../errors.js';
import { logOf, problemBody, RouteProblem, validationErrors, widgetErrorHandler } from '../problem.js';
import { bonusRoutes } from './bonus.js';
import { connectionRoutes } from './connection.js';
import { customerRoutes } from './customers.js';
import type { WidgetRoute } from './route-definition.js';
import type { WidgetServices } from './services.js';
import { settingsRoutes } from './settings.js';
import { statusRoutes } from './status.js';
import { syncRoutes } from './sync.js';

export const WIDGET_API_PREFIX = '/api/widget';

/** Widget bodies are tiny (a login form, a bonus operation); enforced by the app's body parser (see `BodyLimit`). */
export const WIDGET_BODY_LIMIT_BYTES = 8 * 1024;

export type WidgetRouterOptions = {
  token: DisposableTokenOptions;
  /** Extra CORS origins (the sandbox host page); amoCRM/Kommo account origins are always allowed. */
  extraOrigins?: readonly string[];
};

/** Every `/api/widget/*` route, in one list (the router and the OpenAPI document are built from it). */
export function widgetRoutes(services: WidgetServices): WidgetRoute[] {
  return [
    ...statusRoutes(services),
    ...connectionRoutes(services),
    ...customerRoutes(services),
    ...bonusRoutes(services),
    ...settingsRoutes(services),
    ...syncRoutes(services),
  ];
}

export function createWidgetRouter(services: WidgetServices, options: WidgetRouterOptions): Router {
  const router = express.Router();
  router.use(WIDGET_API_PREFIX, widgetCors({ extraOrigins: options.extraOrigins ?? [] }));
  router.use(WIDGET_API_PREFIX, requireDisposableToken(options.token));
  for (const route of widgetRoutes(services)) {
    const chain: RequestHandler[] = route.admin ? [requireAdmin] : [];
    router[route.method](route.path, ...chain, handlerFor(route));
  }
  router.use(WIDGET_API_PREFIX, (req, res) => sendProblem(res, problemBody(req, 'not_found')));
  router.use(WIDGET_API_PREFIX, widgetErrorHandler);
  return router;
}

/**
 * The app parses bodies before any route module runs, so a malformed or oversize widget body fails before the
 * widget router (an Express router never sees errors raised ahead of it). Mounted at the app level on
 * WIDGET_API_PREFIX, this answers such errors the widget's way: with the CORS headers the amoCRM page needs to
 * read the answer at all, and the problem in the caller's language.
 */
export function widgetEarlyErrorHandler(options: Pick<WidgetRouterOptions, 'extraOrigins'>): ErrorRequestHandler {
  const cors = widgetCors({ extraOrigins: options.extraOrigins ?? [] });
  return (error, req, res, next) => cors(req, res, () => widgetErrorHandler(error, req, res, next));
}

function handlerFor(route: WidgetRoute): RequestHandler {
  return async (req, res) => {
    if (route.body && !req.is('application/json')) throw new RouteProblem('unsupported_media_type');
    const params = parsePart(route.params, req.params, 'params');
    const query = parsePart(route.query, req.query, 'query');
    const body = parsePart(route.body, req.body, 'body');
    const answer = await route.handle({ auth: authOf(req), params, query, body, req, res } as Parameters<WidgetRoute['handle']>[0]);
    checkAnswer(route, answer.body, req);
    if (answer.body === undefined) res.status(answer.status).end();
    else if (route.conditional) sendConditional(req, res, answer.status, answer.body);
    else res.status(answer.status).json(answer.body);
  };
}

/**
 * The ETag is a hash of exactly what the caller would read, so "not modified" means the screen needs no change.
 * Answers are per user (the token decides the account and admin flags): `private`, and `no-cache` so any cache
 * asks again every time instead of serving a stale card.
 */
function sendConditional(req: Request, res: Response, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  const etag = `"${createHash('sha256').update(json).digest('base64url').slice(0, 32)}"`;
  res.setHeader('ETag', etag);
  res.setHeader('Cache-Control', 'private, no-cache');
  if (status === 200 && ifNoneMatch(req).includes(etag)) {
    res.status(304).end();
    return;
  }
  res.status(status).type('application/json').send(json);
}

/** The entity tags of If-None-Match; a weak `W/"…"` compares equal to its strong form (RFC 9110 §13.1.2). */
function ifNoneMatch(req: Request): string[] {
  const header = req.get('If-None-Match');
  if (!header) return [];
  return header.split(',').map((tag) => tag.trim().replace(/^W\//, ''));
}

function parsePart(schema: WidgetRoute['params'], value: unknown, where: string): unknown {
  if (!schema) return undefined;
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) {
    throw new RouteProblem('validation_failed', { errors: validationErrors(parsed.error).map((e) => ({ ...e, in: where })) });
  }
  return parsed.data;
}

/** A handler that drifts from the documented answer is a bug: log it loudly (the answer still goes out). */
function checkAnswer(route: WidgetRoute, body: unknown, req: Request): void {
  if (!route.success.schema || body === undefined) return;
  const parsed = route.success.schema.safeParse(body);
  if (!parsed.success) logOf(req)?.error({ route: route.operationId, errors: validationErrors(parsed.error) }, 'answer does not match its schema');
}
