import type { RequestHandler } from 'express';
import { ApiProblem } from '../http/problem.js';
import type { AccountState } from '../state/account-state.js';
import type { AccessRecord, TokenRegistry } from './token-registry.js';

/** Every API v4 call needs `Authorization: Bearer {access_token}` for this account; anything else is 401. */

export interface ApiCaller { token: AccessRecord; userId: number; isAdmin: boolean }

export function requireBearer(tokens: TokenRegistry): RequestHandler {
  return async (req, res, next) => {
    const account = res.locals['account'] as AccountState;
    const match = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
    if (!match?.[1]) throw new ApiProblem(401, 'Unauthorized', 'Authorization header with a Bearer token is required');
    const check = await tokens.verifyAccess(match[1], account.data.subdomain);
    if (!check.ok) throw new ApiProblem(401, 'Unauthorized', check.reason);
    const tokenUser = account.user(check.record.userId);
    let userId = check.record.userId;
    // An admin-granted token may act as another user (X-Context-User-ID, reference §1.6).
    const contextUser = Number(req.get('x-context-user-id'));
    if (tokenUser?.isAdmin && Number.isInteger(contextUser) && account.user(contextUser)) userId = contextUser;
    const caller: ApiCaller = { token: check.record, userId, isAdmin: account.user(userId)?.isAdmin ?? false };
    res.locals['caller'] = caller;
    next();
  };
}
