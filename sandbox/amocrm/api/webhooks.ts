import express, { Router } from 'express';
import { z } from 'zod';
import { parseSingle } from '../http/batch.js';
import { sendHal, sendPagedList } from '../http/hal.js';
import { ApiProblem } from '../http/problem.js';
import { accountOf, allowFilters, callerOf, requireAdmin, stringFilter, unixNow, type ApiDeps } from './context.js';
import { webhookJson } from './serializers.js';

/** Webhook subscriptions: list, create-or-update by destination (201), delete by destination (204). Admin only. */

/**
 * The events of crm_platform/webhooks-api «Возможные события», and nothing else: anything outside this list (e.g.
 * `delete_catalog`) is refused with amoCRM's 400 validation-errors answer (NotSupportedChoice at `settings.N`).
 */
const DOCUMENTED_WEBHOOK_SETTINGS = [
  'responsible_lead', 'responsible_contact', 'responsible_company', 'responsible_customer', 'responsible_task',
  'restore_lead', 'restore_contact', 'restore_company',
  'add_lead', 'add_contact', 'add_company', 'add_customer', 'add_talk', 'add_task',
  'update_lead', 'update_contact', 'update_company', 'update_customer', 'update_talk', 'update_task',
  'delete_lead', 'delete_contact', 'delete_company', 'delete_customer', 'delete_task',
  'status_lead', 'note_lead', 'note_contact', 'note_company', 'note_customer',
] as const;

const MAX_WEBHOOKS = 100;

const createSchema = z.looseObject({ destination: z.url(), settings: z.array(z.enum(DOCUMENTED_WEBHOOK_SETTINGS)).min(1), sort: z.number().int().optional() });
const deleteSchema = z.looseObject({ destination: z.url() });

export function webhooksRouter(deps: ApiDeps): Router {
  const router = Router();

  router.get('/webhooks', (req, res) => {
    const account = accountOf(res);
    allowFilters(req, ['destination']);
    const destinations = stringFilter(req, 'destination');
    const list = [...account.webhooks.values()].filter((w) => destinations === null || destinations.includes(w.destination));
    sendPagedList(req, res, 'webhooks', list, (w) => webhookJson(account, w));
  });

  router.post('/webhooks', express.json(), (req, res) => {
    requireAdmin(res);
    const account = accountOf(res);
    const body = parseSingle(req.body, createSchema);
    const now = unixNow(deps);
    const existing = [...account.webhooks.values()].find((w) => w.destination === body.destination);
    if (existing) {
      existing.settings = [...new Set(body.settings)];
      existing.sort = body.sort ?? existing.sort;
      existing.updated_at = now;
      existing.disabled = false;
      return sendHal(res, 201, webhookJson(account, existing));
    }
    if (account.webhooks.size >= MAX_WEBHOOKS) throw new ApiProblem(400, 'Bad Request', `At most ${MAX_WEBHOOKS} webhooks per account`);
    const hook = { id: account.nextId(), destination: body.destination, settings: [...new Set(body.settings)], sort: body.sort ?? 1, disabled: false, created_by: callerOf(res).userId, created_at: now, updated_at: now };
    account.webhooks.set(hook.id, hook);
    sendHal(res, 201, webhookJson(account, hook));
  });

  router.delete('/webhooks', express.json(), (req, res) => {
    requireAdmin(res);
    const account = accountOf(res);
    const body = parseSingle(req.body, deleteSchema);
    const hook = [...account.webhooks.values()].find((w) => w.destination === body.destination);
    if (!hook) throw new ApiProblem(404, 'Not Found', 'Webhook not found');
    account.webhooks.delete(hook.id);
    res.status(204).end();
  });

  return router;
}
