import type { Request, RequestHandler } from 'express';
import { sendProblem } from '../errors.js';
import { logOf, problemBody } from '../routes/problem.js';
import type { WidgetAuth } from '../../services/widget-auth.js';
import { verifyDisposableToken, type DisposableTokenOptions } from './verify-disposable-token.js';

export type { DisposableTokenOptions } from './verify-disposable-token.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set by `requireDisposableToken`: the caller's amoCRM account and user, from the signed token only. */
      auth?: WidgetAuth;
    }
  }
}

/** Methods that change nothing: a repeated token is accepted on them (see verify-disposable-token.ts). */
const READ_METHODS = new Set(['GET', 'HEAD']);

/**
 * Refuses the request (401 problem+json) unless `X-Auth-Token` is a valid amoCRM disposable token, not already used
 * for a state-changing call when this one changes state.
 */
export function requireDisposableToken(options: DisposableTokenOptions): RequestHandler {
  return async (req, res, next) => {
    const header = req.headers['x-auth-token'];
    const token = typeof header === 'string' ? header.trim() : undefined;
    const check = await verifyDisposableToken(token || undefined, options, !READ_METHODS.has(req.method));
    if (!check.ok) {
      // Which claim failed stays in the server log only: telling a caller "wrong aud" helps forgers.
      logOf(req)?.info({ authFailure: check.failure }, 'widget token refused');
      res.setHeader('WWW-Authenticate', 'X-Auth-Token');
      sendProblem(res, problemBody(req, check.failure));
      return;
    }
    req.auth = check.auth;
    next();
  };
}

/**
 * Admin-only routes. `is_admin` is not in amoCRM's documented claim list (only the PHP library reads
 * it), so a token without it is treated as a non-admin and refused: safe by default.
 */
export const requireAdmin: RequestHandler = (req, res, next) => {
  if (!req.auth?.isAdmin) {
    sendProblem(res, problemBody(req, 'admin_required'));
    return;
  }
  next();
};

/** For handlers behind `requireDisposableToken`: the auth it set, or a loud programming error. */
export function authOf(req: Request): WidgetAuth {
  if (!req.auth) throw new Error('route is not behind requireDisposableToken');
  return req.auth;
}
