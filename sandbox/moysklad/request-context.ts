import type { Request, Response } from 'express';
import { ApiError } from './api-error.js';
import type { ChangeOrigin } from './change-set.js';
import type { SandboxUser } from './options.js';

export function currentUser(res: Response): SandboxUser {
  const user = res.locals.user as SandboxUser | undefined;
  if (!user) throw new Error('request reached a route without authentication');
  return user;
}

/**
 * The origin of changes made by this API request. `X-Lognex-WebHook-DisableByPrefix` may repeat;
 * each header is one prefix (commas are not supported by the real service, so none are split here).
 */
export function requestOrigin(req: Request, res: Response): ChangeOrigin {
  const prefixes = req.headersDistinct['x-lognex-webhook-disablebyprefix'] ?? [];
  return { uid: currentUser(res).login, source: 'jsonapi', disabledWebhookPrefixes: prefixes.filter((p) => p.length > 0) };
}

/** The parsed JSON body (set by the body middleware), or 2001 when there is none. */
export function jsonBody(req: Request): unknown {
  if (req.body === undefined) throw new ApiError(400, 2001, 'Ошибка формата: тело запроса должно быть JSON (Content-Type: application/json)');
  return req.body;
}

export function routeParam(req: Request, name: string): string {
  const value = req.params[name];
  return typeof value === 'string' ? value : '';
}
