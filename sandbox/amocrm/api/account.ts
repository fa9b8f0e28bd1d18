import { Router } from 'express';
import { sendHal } from '../http/hal.js';
import { accountOf, baseUrlOf, callerOf, withSet } from './context.js';

/** `GET /api/v4/account`: account info incl. `customers_mode`. Unknown `with=` values are tolerated and ignored. */
export function accountRouter(): Router {
  const router = Router();
  router.get('/account', (req, res) => {
    const account = accountOf(res);
    const include = withSet(req);
    const body: Record<string, unknown> = {
      id: account.data.id,
      name: account.data.name,
      subdomain: account.data.subdomain,
      created_at: 1_700_000_000,
      created_by: account.admin().id,
      updated_at: 1_700_000_000,
      updated_by: account.admin().id,
      current_user_id: callerOf(res).userId,
      country: 'RU',
      currency: 'RUB',
      currency_symbol: '₽',
      customers_mode: account.data.customersMode,
      is_unsorted_on: true,
      is_loss_reason_enabled: false,
      is_helpbot_enabled: false,
      is_technical_account: false,
      contact_name_display_order: 1,
      _links: { self: { href: `${baseUrlOf(req, res)}/api/v4/account` } },
    };
    if (include.has('users_groups')) body['_embedded'] = { users_groups: [{ id: 0, name: 'Отдел продаж', uuid: null }] };
    if (include.has('is_api_filter_enabled')) body['is_api_filter_enabled'] = false;
    if (include.has('amojo_id')) body['amojo_id'] = `amojo-${account.data.id}`;
    sendHal(res, 200, body);
  });
  return router;
}
