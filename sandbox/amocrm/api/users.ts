import { Router } from 'express';
import { sendHal, sendNoContent, sendPagedList } from '../http/hal.js';
import type { AccountUser } from '../options.js';
import { accountOf, baseUrlOf, idParam, requireAdmin, withSet } from './context.js';

/**
 * `GET /api/v4/users` and `GET /api/v4/users/{id}` (amo-docs crm_platform/users-api,
 * https://www.amocrm.ru/developers/content/crm_platform/users-api): the account's users, **admin only** ("Метод
 * доступен только с правами администратора аккаунта"). The user model is the documented one with what the emulator
 * knows: id, name and the admin flag from the account options; `email` is synthesised, rights other than the flags
 * are absent. `with=role,group` embeds no roles and the default group «Отдел продаж», as `/account` names it.
 * A missing id answers 204, like every other read of a missing entity here.
 */
export function usersRouter(): Router {
  const router = Router();

  const userJson = (user: AccountUser, base: string, include: Set<string>) => ({
    id: user.id,
    name: user.name,
    email: `user${user.id}@example.com`,
    lang: 'ru',
    rights: { mail_access: false, catalog_access: true, status_rights: null, is_admin: user.isAdmin, is_free: false, is_active: true, group_id: null, role_id: null },
    _links: { self: { href: `${base}/api/v4/users/${user.id}` } },
    ...(include.has('role') || include.has('group')
      ? { _embedded: { ...(include.has('role') ? { roles: [] } : {}), ...(include.has('group') ? { groups: [{ id: 0, name: 'Отдел продаж' }] } : {}) } }
      : {}),
  });

  router.get('/users', (req, res) => {
    requireAdmin(res);
    const base = baseUrlOf(req, res);
    const include = withSet(req);
    const users = [...accountOf(res).data.users].sort((a, b) => a.id - b.id);
    sendPagedList(req, res, 'users', users, (user) => userJson(user, base, include));
  });

  router.get('/users/:id', (req, res) => {
    requireAdmin(res);
    const user = accountOf(res).user(idParam(req, 'id') ?? -1);
    if (!user) return sendNoContent(res);
    sendHal(res, 200, userJson(user, baseUrlOf(req, res), withSet(req)));
  });

  return router;
}
