import type { Express, Request, Response } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { AccountsRepository } from '../../../db/repositories/accounts.js';
import type { Database } from '../../../db/schema.js';
import type { JobQueue } from '../../../queue/job-queue.js';
import { amoCustomerChangedJob, amoProductDeletedJob } from '../../../sync/jobs.js';
import { claimsFromWebhook } from '../../../sync/rules/customer-fields.js';
import { HttpError } from '../../errors.js';
import { webhookAccepted } from './verify-secret.js';

const paramsSchema = z.object({ accountId: z.coerce.number().int().positive(), secret: z.string().min(16).max(128) });

/** qs turns `x[0]…x[20]` into an array and longer lists into an object keyed by index: take both. */
const listOf = <T extends z.ZodType>(item: T) => z.array(item).or(z.record(z.string(), item).transform((record) => Object.values(record)));

/**
 * A customer of `update_customer` (crm_platform/webhooks-format, v2 names): only what the job's hint needs is read —
 * the id and the custom fields (`{id, name, code?, values}`, values as strings or `{value, enum?}`).
 */
const customerSchema = z.looseObject({
  id: z.coerce.number().int().positive(),
  custom_fields: listOf(z.looseObject({ code: z.string().max(255).optional(), values: listOf(z.unknown()).optional() })).optional(),
});

/**
 * The form-encoded v2 payload, decoded by express.urlencoded (qs): `customers[update][0][id]`, `account[id]`.
 * Only what we act on is read; the shape of `catalogs[delete]` is unconfirmed (modelled on the documented deletes).
 */
const payloadSchema = z.looseObject({
  account: z.looseObject({ id: z.coerce.number().int().positive() }),
  catalogs: z.looseObject({ delete: listOf(z.looseObject({ id: z.coerce.number().int().positive() })).optional() }).optional(),
  customers: z.looseObject({ update: listOf(customerSchema).optional() }).optional(),
});

export interface AmoWebhookDeps {
  db: Kysely<Database>;
  accounts: AccountsRepository;
  queue: JobQueue;
}

/**
 * `POST /webhooks/amocrm/:accountId/:secret`: a customer changed in amoCRM (our bonus fields are put back when edited
 * by hand), a product deleted in amoCRM (deleted or archived in МойСклад).
 */
export function amoWebhookRoutes(deps: AmoWebhookDeps) {
  return (app: Express) => {
    app.post('/webhooks/amocrm/:accountId/:secret', async (req: Request, res: Response) => {
      const params = paramsSchema.safeParse(req.params);
      if (!params.success || !(await webhookAccepted(deps.accounts, params.data.accountId, 'amocrm', params.data.secret))) {
        throw new HttpError(404, 'not_found', 'Not Found');
      }
      const payload = payloadSchema.safeParse(req.body);
      if (!payload.success) throw new HttpError(400, 'invalid_webhook', 'Bad Request', 'Not an amoCRM webhook payload.');
      if (payload.data.account.id !== params.data.accountId) throw new HttpError(400, 'account_mismatch', 'Bad Request', 'The payload names another account.');
      const { accountId } = params.data;
      const deleted = (payload.data.catalogs?.delete ?? []).map((item) => item.id);
      // Never trusted: a customer change only makes the job look (our bonus fields, proxy/sync/rules/customer-fields.ts).
      const updated = payload.data.customers?.update ?? [];
      await deps.db.transaction().execute(async (trx) => {
        for (const elementId of deleted) await deps.queue.enqueue(amoProductDeletedJob(accountId, elementId), trx);
        for (const customer of updated) await deps.queue.enqueue(amoCustomerChangedJob(accountId, customer.id, claimsFromWebhook(customer.custom_fields)), trx);
      });
      deps.queue.nudge();
      res.status(200).end();
    });
  };
}
