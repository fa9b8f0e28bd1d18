import express, { type Router } from 'express';
import { z } from 'zod';
import type { InstallationService } from '../../services/installation-service.js';
import { renderAccountBaseUrl } from '../auth/verify-disposable-token.js';
import { logOf, sendProblem, widgetErrorHandler } from './problem.js';

export const INSTALL_PATH = '/amocrm/install';
export const REVOKE_PATH = '/amocrm/revoke';

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

const INSTALLED_PAGE = `<!doctype html><html lang="ru"><meta charset="utf-8"><title>МойСклад для amoCRM</title>
<p>Интеграция установлена. Это окно можно закрыть.</p><p lang="en">The integration is installed. You can close this window.</p></html>`;

export function createAmoHooksRouter(deps: { installation: InstallationService; baseUrlTemplate: string }): Router {
  const router = express.Router();

  // amoCRM waits 3 s and never retries: answer at once, exchange the code in the background.
  router.get(INSTALL_PATH, (req, res) => {
    const query = installQuery.safeParse(req.query);
    const subdomain = query.success ? subdomainFromReferer(query.data.referer, deps.baseUrlTemplate) : null;
    if (!query.success || !subdomain) {
      logOf(req)?.warn({ refererOk: query.success }, 'install hook refused');
      sendProblem(req, res, 400, 'install_params_invalid');
      return;
    }
    if (query.data.state !== undefined) {
      // unconfirmed: the widget install hook carries no `state`; a general OAuth redirect would. We do not
      // start OAuth flows ourselves, so there is nothing to compare it with, and it is only logged.
      logOf(req)?.info({ hasState: true }, 'install hook carried state');
    }
    deps.installation.startInstallation({ subdomain, accountBaseUrl: renderAccountBaseUrl(deps.baseUrlTemplate, subdomain), code: query.data.code });
    res.status(200).type('html').send(INSTALLED_PAGE);
  });

  router.get(REVOKE_PATH, async (req, res) => {
    const query = revokeQuery.safeParse(req.query);
    if (!query.success || !deps.installation.verifyRevokeSignature(query.data.client_uuid, query.data.account_id, query.data.signature)) {
      logOf(req)?.warn({}, 'revoke hook with a bad signature refused');
      sendProblem(req, res, 403, 'revoke_signature_invalid');
      return;
    }
    await deps.installation.revoke(Number(query.data.account_id));
    res.status(204).end();
  });

  router.use([INSTALL_PATH, REVOKE_PATH], widgetErrorHandler);
  return router;
}
