import express, { type Request, type Response, type Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import type { InstallationService, InstallOutcome } from '../../services/installation-service.js';
import { renderAccountBaseUrl } from '../auth/verify-disposable-token.js';
import { sendProblem } from '../errors.js';
import { logOf, problemBody, widgetErrorHandler } from './problem.js';

const INSTALL_PATH = '/amocrm/install';
const REVOKE_PATH = '/amocrm/revoke';

const installQuery = z.object({
  code: z.string().min(1).max(4096),
  referer: z.string().min(1).max(255),
  from_widget: z.string().max(10).optional(),
  platform: z.string().max(10).optional(),
  state: z.string().max(512).optional(),
});

const revokeQuery = z.object({
  account_id: z.string().regex(/^[1-9][0-9]{0,15}$/),
  client_uuid: z.string().min(1).max(100),
  signature: z.string().min(1).max(200),
});

/**
 * Finds the subdomain in the hook's `referer` (`sub.amocrm.ru`, or `127.0.0.1:PORT/a/sub` in the sandbox)
 * by matching it against our configured base URL template. Anything that does not fit the template is
 * refused, so the code exchange (which carries our client_secret) only ever goes to an amoCRM host.
 * Note: with the default `.amocrm.ru` template, Kommo (`.kommo.com`) referers are refused: such a
 * deployment sets AMOCRM_BASE_URL_TEMPLATE to its own domain.
 */
export function subdomainFromReferer(referer: string, baseUrlTemplate: string): string | null {
  const withoutScheme = baseUrlTemplate.replace(/^https?:\/\//, '').replace(/\/+$/, '');
  const [before, after] = withoutScheme.split('{subdomain}');
  if (before === undefined || after === undefined) return null;
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`^${escape(before)}([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)${escape(after)}/?$`, 'i').exec(referer.replace(/^https?:\/\//, ''));
  return match?.[1]?.toLowerCase() ?? null;
}

/** A bilingual notice for whoever opened the hook URL (amoCRM ignores the body); nothing in it comes from the request. */
function notice(ru: string, en: string): string {
  return `<!doctype html><html lang="ru"><meta charset="utf-8"><title>МойСклад для amoCRM</title>
<p>${ru}</p><p lang="en">${en}</p></html>`;
}

/** Each outcome answered for what it is: "installed" only once the code exchange has succeeded. */
const INSTALL_ANSWERS: Record<InstallOutcome | 'pending', { status: number; page: string }> = {
  installed: { status: 200, page: notice('Интеграция установлена. Это окно можно закрыть.', 'The integration is installed. You can close this window.') },
  pending: { status: 202, page: notice('Установка продолжается. Откройте настройки виджета через минуту.', 'The installation is still in progress. Open the widget settings in a minute.') },
  code_reused: { status: 409, page: notice('Этот код установки уже использован.', 'This installation code has already been used.') },
  code_refused: { status: 400, page: notice('amoCRM не принял код установки. Установите интеграцию заново.', 'amoCRM refused the installation code. Install the integration again.') },
  failed: { status: 502, page: notice('amoCRM сейчас недоступен. Установите интеграцию заново через несколько минут.', 'amoCRM is unreachable right now. Install the integration again in a few minutes.') },
};

export type HookLimits = {
  /** Install hook calls per source IP per window (default 30 per 10 minutes). */
  installPerSource?: number;
  /** Install hook calls per account (subdomain of the referer) per window (default 5 per 10 minutes). */
  installPerAccount?: number;
  windowMs?: number;
  /** How long the install hook waits for the code exchange before answering 202 (default 2.5 s; amoCRM waits 3 s). */
  installWaitMs?: number;
};

export function createAmoHooksRouter(deps: { installation: InstallationService; baseUrlTemplate: string; limits?: HookLimits }): Router {
  const router = express.Router();
  const windowMs = deps.limits?.windowMs ?? 10 * 60_000;
  const tooMany = (req: Request, res: Response) => sendProblem(res, problemBody(req, 'rate_limited'));
  // Every call that gets through costs a POST of our client_secret to amoCRM: a source, and an account, get a few.
  const perSource = rateLimit({ windowMs, limit: deps.limits?.installPerSource ?? 30, standardHeaders: 'draft-8', legacyHeaders: false, handler: tooMany });
  const perAccount = rateLimit({
    windowMs,
    limit: deps.limits?.installPerAccount ?? 5,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: tooMany,
    keyGenerator: (req) => {
      const referer = typeof req.query['referer'] === 'string' ? req.query['referer'] : '';
      return `account:${subdomainFromReferer(referer, deps.baseUrlTemplate) ?? '-'}`;
    },
  });
  const installWaitMs = deps.limits?.installWaitMs ?? 2_500;

  router.get(INSTALL_PATH, perSource, perAccount, async (req, res) => {
    const query = installQuery.safeParse(req.query);
    const subdomain = query.success ? subdomainFromReferer(query.data.referer, deps.baseUrlTemplate) : null;
    if (!query.success || !subdomain) {
      logOf(req)?.warn({ refererOk: query.success }, 'install hook refused');
      sendProblem(res, problemBody(req, 'install_params_invalid'));
      return;
    }
    if (query.data.state !== undefined) {
      // unconfirmed: the widget install hook carries no `state`; a general OAuth redirect would. We do not
      // start OAuth flows ourselves, so there is nothing to compare it with, and it is only logged.
      logOf(req)?.info({ hasState: true }, 'install hook carried state');
    }
    const outcome = deps.installation.startInstallation({ subdomain, accountBaseUrl: renderAccountBaseUrl(deps.baseUrlTemplate, subdomain), code: query.data.code });
    // amoCRM waits 3 s and never retries: wait for the exchange as long as that allows, then say how far it got.
    let timer: NodeJS.Timeout | undefined;
    const waited = await Promise.race([outcome, new Promise<'pending'>((resolve) => (timer = setTimeout(() => resolve('pending'), installWaitMs)))]);
    clearTimeout(timer);
    const answer = INSTALL_ANSWERS[waited];
    res.status(answer.status).type('html').send(answer.page);
  });

  router.get(REVOKE_PATH, async (req, res) => {
    const query = revokeQuery.safeParse(req.query);
    if (!query.success || !deps.installation.verifyRevokeSignature(query.data.client_uuid, query.data.account_id, query.data.signature)) {
      logOf(req)?.warn({}, 'revoke hook with a bad signature refused');
      sendProblem(res, problemBody(req, 'revoke_signature_invalid'));
      return;
    }
    const outcome = await deps.installation.revoke(Number(query.data.account_id));
    if (outcome === 'still_authorized') return sendProblem(res, problemBody(req, 'revoke_not_confirmed'));
    if (outcome === 'unconfirmed') return sendProblem(res, problemBody(req, 'revoke_unconfirmed'));
    res.status(204).end();
  });

  router.use([INSTALL_PATH, REVOKE_PATH], widgetErrorHandler);
  return router;
}
