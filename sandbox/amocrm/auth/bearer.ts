import type { RequestHandler } from 'express';
import { ApiProblem } from '../http/problem.js';
import type { AccountState } from '../state/account-state.js';
import type { AccessRecord, TokenRegistry } from './token-registry.js';

/**
 * Every API v4 call needs `Authorization: Bearer {access_token}` for this account. `identifyCaller` only looks the
 * token up (the block check needs to know whether the caller is amoCRM's own UI); `requireCaller` turns a missing
 * or bad token into 401.
 */

export interface ApiCaller { token: AccessRecord; userId: number; isAdmin: boolean; isUi: boolean }

export function identifyCaller(tokens: TokenRegistry): RequestHandler {
  return async (req, res, next) => {
    const account = res.locals['account'] as AccountState;
    const match = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
    if (!match?.[1]) {
      res.locals['authFailure'] = 'Authorization header with a Bearer token is required';
      return next();
    }
    const check = await tokens.verifyAccess(match[1], account.data.subdomain);
    if (!check.ok) {
      res.locals['authFailure'] = check.reason;
      return next();
    }
    const tokenUser = account.user(check.record.userId);
    let userId = check.record.userId;
    // An admin-granted token may act as another user (X-Context-User-ID, https://www.amocrm.ru/developers/content/oauth/scopes).
    const contextUser = Number(req.get('x-context-user-id'));
    if (tokenUser?.isAdmin && Number.isInteger(contextUser) && account.user(contextUser)) userId = contextUser;
    const caller: ApiCaller = { token: check.record, userId, isAdmin: account.user(userId)?.isAdmin ?? false, isUi: check.record.kind === 'ui' };
    res.locals['caller'] = caller;
    next();
  };
}

export const requireCaller: RequestHandler = (_req, res, next) => {
  if (!res.locals['caller']) throw new ApiProblem(401, 'Unauthorized', String(res.locals['authFailure'] ?? 'Unauthorized'));
  next();
};

export const callerIsUi = (locals: Record<string, unknown>): boolean => (locals['caller'] as ApiCaller | undefined)?.isUi === true;
