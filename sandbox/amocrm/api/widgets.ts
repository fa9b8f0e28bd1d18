import express, { Router } from 'express';
import { z } from 'zod';
import { sendHal } from '../http/hal.js';
import { ApiProblem } from '../http/problem.js';
import { accountOf, baseUrlOf, requireAdmin, type ApiDeps } from './context.js';

/**
 * `GET/POST /api/v4/widgets/{code}`: only the integration's own widget is known. `settings` is returned because
 * every caller holds a token of that integration. POST (admin) installs it with a flat settings object.
 */

const settingsSchema = z.record(z.string(), z.unknown());

export function widgetsRouter(deps: ApiDeps): Router {
  const router = Router();

  const widgetJson = (req: express.Request, res: express.Response) => {
    const installation = accountOf(res).widgets.get(deps.integration.widgetCode);
    return {
      id: 1001,
      code: deps.integration.widgetCode,
      version: '1.0.0',
      rating: '0',
      settings_template: [],
      is_lead_source: false,
      is_work_with_dp: false,
      is_crm_template: false,
      client_uuid: deps.integration.clientId,
      is_active_in_account: installation?.installed ?? false,
      pipeline_id: null,
      settings: installation?.settings ?? {},
      _links: { self: { href: `${baseUrlOf(req, res)}/api/v4/widgets/${deps.integration.widgetCode}` } },
    };
  };

  router.get('/widgets/:code', (req, res) => {
    if (req.params['code'] !== deps.integration.widgetCode) throw new ApiProblem(404, 'Not Found', 'Widget not found');
    sendHal(res, 200, widgetJson(req, res));
  });

  router.post('/widgets/:code', express.json(), (req, res) => {
    if (req.params['code'] !== deps.integration.widgetCode) throw new ApiProblem(404, 'Not Found', 'Widget not found');
    requireAdmin(res);
    const parsed = settingsSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw new ApiProblem(400, 'Bad Request', 'Body must be an object of widget settings');
    accountOf(res).widgets.set(deps.integration.widgetCode, { installed: true, settings: parsed.data });
    sendHal(res, 200, widgetJson(req, res));
  });

  return router;
}
