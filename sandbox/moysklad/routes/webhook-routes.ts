import { randomUUID } from 'node:crypto';
import express, { type Response, type Router } from 'express';
import { z } from 'zod';
import { ApiError, notFound } from '../api-error.js';
import type { EmulatorCore } from '../core.js';
import { matchesFilter, parseFilter } from '../filter.js';
import { sendJson } from '../gzip-json.js';
import { listEnvelope, parsePage } from '../list-query.js';
import { entityMeta, isObject } from '../references.js';
import { currentUser, jsonBody, routeParam } from '../request-context.js';
import type { Doc } from '../store.js';

const MAX_PER_TYPE_AND_ACTION = 5;
const FORBIDDEN_TYPES = ['webhook', 'discount', 'notes'];

const webhookInput = z.object({
  url: z.string(),
  action: z.enum(['CREATE', 'UPDATE', 'DELETE', 'PROCESSED']),
  entityType: z.string().min(1),
  diffType: z.enum(['NONE', 'FIELDS']).optional(),
  enabled: z.boolean().optional(),
});

function zodToApiError(error: z.ZodError): ApiError {
  const issue = error.issues[0];
  const field = issue?.path.join('.') || 'body';
  return new ApiError(412, issue?.code === 'invalid_type' && issue.input === undefined ? 3000 : 30000, `Ошибка в поле '${field}': ${issue?.message}`, {
    parameter: field,
  });
}

function checkAllowed(core: EmulatorCore, res: Response): void {
  if (!currentUser(res).isAdmin) throw new ApiError(403, 30004, 'Для работы с веб-хуками нужны права администратора');
  if (!core.options.webhooksAllowed) throw new ApiError(403, 30006, 'Тариф не позволяет использовать веб-хуки');
}

/**
 * Webhook rules of md/dictionaries/_webhook.md: URL ≤ 255, http(s), unique triple, and «Всего на одно уникальное
 * сочетание entityType, action может быть создано не более 5 вебхуков с разными url для пользователей» — counted over
 * every user's webhooks of the account (solutions, with their own limit of 1, are not emulated). The sixth is refused
 * with 30007 and the documented text (md/_errors.md); the docs give no HTTP status, 412 as for every save error here.
 */
function validate(core: EmulatorCore, candidate: Doc): void {
  const url = String(candidate.url);
  if (url.length > 255) throw new ApiError(412, 30010, 'Длина URL веб-хука не может превышать 255 символов', { parameter: 'url' });
  if (!/^https?:\/\/[^\s]+$/i.test(url)) throw new ApiError(412, 30000, 'URL веб-хука должен начинаться с http:// или https://', { parameter: 'url' });
  if (FORBIDDEN_TYPES.includes(String(candidate.entityType)))
    throw new ApiError(412, 30000, `Нельзя создать веб-хук на тип '${candidate.entityType}'`, { parameter: 'entityType' });
  if (candidate.diffType === 'FIELDS' && candidate.action !== 'UPDATE')
    throw new ApiError(412, 30009, 'diffType FIELDS допустим только для действия UPDATE', { parameter: 'diffType' });
  const others = core.store.list('webhook').filter((w) => w.id !== candidate.id);
  const sameKind = others.filter((w) => w.entityType === candidate.entityType && w.action === candidate.action);
  if (sameKind.some((w) => w.url === url))
    throw new ApiError(412, 30003, 'Веб-хук с такими entityType, action и url уже существует');
  if (sameKind.length >= MAX_PER_TYPE_AND_ACTION)
    throw new ApiError(412, 30007, `Нельзя создать больше '${MAX_PER_TYPE_AND_ACTION}' веб-хуков одинакового типа на одну сущность`);
}

/**
 * Creates a webhook with every rule of POST /entity/webhook (30003, 30007, 30009, 30010, …) except the caller's rights,
 * which the route checks. Also used by the sandbox helper that plays another integration registering its webhooks.
 */
export function createWebhook(core: EmulatorCore, body: unknown): Doc {
  if (!core.options.webhooksAllowed) throw new ApiError(403, 30006, 'Тариф не позволяет использовать веб-хуки');
  const parsed = webhookInput.safeParse(body);
  if (!parsed.success) throw zodToApiError(parsed.error);
  const id = randomUUID();
  const webhook: Doc = {
    meta: entityMeta('webhook', id),
    id,
    accountId: core.options.accountId,
    entityType: parsed.data.entityType,
    url: parsed.data.url,
    method: 'POST',
    enabled: parsed.data.enabled ?? true,
    action: parsed.data.action,
    diffType: parsed.data.diffType ?? 'NONE',
  };
  validate(core, webhook);
  core.store.put('webhook', webhook);
  return webhook;
}

/** `/entity/webhook` CRUD (admin only). Webhooks themselves produce no audit events or notifications. */
export function webhookRoutes(core: EmulatorCore): Router {
  const router = express.Router();
  const find = (id: string): Doc => {
    const found = core.store.get('webhook', id);
    if (!found) throw notFound('webhook', id);
    return found;
  };

  router.get('/entity/webhook', (req, res) => {
    checkAllowed(core, res);
    const query = req.query as Record<string, unknown>;
    const page = parsePage(query);
    const conditions = parseFilter(query.filter);
    const all = core.store.list('webhook').filter((w) => matchesFilter(w, conditions));
    sendJson(res, 200, listEnvelope('/entity/webhook', query, 'webhook', all.length, all.slice(page.offset, page.offset + page.limit), page));
  });

  // An array body is the documented bulk form («Массовое создание и обновление вебхуков», ≤ 1,000 items). Each item
  // succeeds or fails on its own: a failed one comes back as `{ errors: [...] }` in its place (the form client
  // libraries such as wmakeev/moysklad parse); the rest are created. Items with `meta` update that webhook.
  router.post('/entity/webhook', (req, res) => {
    checkAllowed(core, res);
    const body = jsonBody(req);
    if (!Array.isArray(body)) return sendJson(res, 200, createWebhook(core, body));
    if (body.length > 1000) throw new ApiError(413, 1002, 'В массиве может быть не более 1000 элементов');
    const results = body.map((item: unknown) => {
      try {
        if (isObject(item) && isObject(item.meta) && typeof item.meta.href === 'string') {
          const prev = find(String(item.meta.href).split('/').pop() ?? '');
          const parsed = webhookInput.partial().safeParse(Object.fromEntries(Object.entries(item).filter(([key]) => key !== 'meta')));
          if (!parsed.success) throw zodToApiError(parsed.error);
          const next: Doc = { ...prev, ...Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined)) };
          validate(core, next);
          core.store.put('webhook', next);
          return next;
        }
        return createWebhook(core, item);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        return { errors: [error.toItem()] };
      }
    });
    sendJson(res, 200, results);
  });

  // Bulk delete: `POST /entity/webhook/delete` with the webhooks' meta.
  router.post('/entity/webhook/delete', (req, res) => {
    checkAllowed(core, res);
    const body = jsonBody(req);
    if (!Array.isArray(body)) throw new ApiError(400, 2001, 'Тело запроса должно быть JSON-массивом');
    const results = body.map((item: unknown) => {
      const id = isObject(item) && isObject(item.meta) ? String(item.meta.href ?? '').split('/').pop() ?? '' : '';
      if (!core.store.get('webhook', id)) return { errors: [notFound('webhook', id).toItem()] };
      core.store.remove('webhook', id);
      return { info: `Сущность 'webhook' с UUID: ${id} успешно удалена` };
    });
    sendJson(res, 200, results);
  });

  router.get('/entity/webhook/:id', (req, res) => {
    checkAllowed(core, res);
    sendJson(res, 200, find(routeParam(req, 'id')));
  });

  router.put('/entity/webhook/:id', (req, res) => {
    checkAllowed(core, res);
    const prev = find(routeParam(req, 'id'));
    const body = jsonBody(req);
    if (!isObject(body)) throw new ApiError(400, 2001, 'Тело запроса должно быть JSON-объектом');
    const parsed = webhookInput.partial().safeParse(body);
    if (!parsed.success) throw zodToApiError(parsed.error);
    const next: Doc = { ...prev, ...Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined)) };
    validate(core, next);
    core.store.put('webhook', next);
    sendJson(res, 200, next);
  });

  router.delete('/entity/webhook/:id', (req, res) => {
    checkAllowed(core, res);
    const id = routeParam(req, 'id');
    find(id);
    core.store.remove('webhook', id);
    res.status(200).end();
  });

  return router;
}
