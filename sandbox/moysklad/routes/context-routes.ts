import express, { type Router } from 'express';
import type { Accounts } from '../accounts.js';
import { authError } from '../accounts.js';
import { notFound } from '../api-error.js';
import type { EmulatorCore } from '../core.js';
import { FIXED_IDS, SALE_PRICE_TYPE_NAME } from '../fixtures.js';
import { sendJson } from '../gzip-json.js';
import { currentUser, routeParam } from '../request-context.js';

/** `/security/token`, `/context/employee` and `/context/companysettings/pricetype`. */
export function contextRoutes(core: EmulatorCore, accounts: Accounts): Router {
  const router = express.Router();

  // Basic only: a Bearer token cannot mint another token.
  router.post('/security/token', (req, res) => {
    if (!/^basic /i.test(req.headers.authorization ?? '')) throw authError('для получения токена нужна Basic-аутентификация');
    sendJson(res, 200, { access_token: accounts.issueToken(currentUser(res)) });
  });

  router.get('/context/employee', (_req, res) => {
    const user = currentUser(res);
    sendJson(res, 200, {
      meta: { href: '/context/employee', metadataHref: '/entity/employee/metadata', type: 'employee', mediaType: 'application/json' },
      id: FIXED_IDS.employee,
      accountId: core.options.accountId,
      uid: user.login,
      name: user.login.split('@')[0],
      fullName: user.login,
      isAdmin: user.isAdmin, // not a real field of the employee context; the sandbox exposes it for convenience
      archived: false,
    });
  });

  // The real endpoint answers with a plain JSON array, not a list envelope.
  router.get('/context/companysettings/pricetype', (_req, res) => {
    sendJson(res, 200, core.store.list('pricetype'));
  });

  router.get('/context/companysettings/pricetype/default', (_req, res) => {
    const types = core.store.list('pricetype');
    sendJson(res, 200, types.find((t) => t.name === SALE_PRICE_TYPE_NAME) ?? types[0]);
  });

  router.get('/context/companysettings/pricetype/:id', (req, res) => {
    const id = routeParam(req, 'id');
    const found = core.store.get('pricetype', id);
    if (!found) throw notFound('pricetype', id);
    sendJson(res, 200, found);
  });

  return router;
}
