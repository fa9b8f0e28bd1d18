import type { Express, Request, Response } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { AccountsRepository } from '../../../db/repositories/accounts.js';
import type { Database } from '../../../db/schema.js';
import type { JobQueue } from '../../../queue/job-queue.js';
import { amoProductDeletedJob } from '../../../sync/jobs.js';
import { HttpError } from '../../errors.js';
import { webhookAccepted } from './verify-secret.js';

const paramsSchema = z.object({ accountId: z.coerce.number().int().positive(), secret: z.string().min(16).max(128) });
/**
 * The form-encoded v2 payload, decoded by express.urlencoded (qs): `catalogs[delete][0][id]`, `account[id]`.
 * Only what we act on is read; the shape of `catalogs[delete]` is unconfirmed (modelled on the documented deletes).
 */
const payloadSchema = z.looseObject({
  account: z.looseObject({ id: z.coerce.number().int().positive() }),
  catalogs: z.looseObject({ delete: z.array(z.looseObject({ id: z.coerce.number().int().positive() })).or(z.record(z.string(), z.looseObject({ id: z.coerce.number().int().positive() }))).optional() }).optional(),
});

export interface AmoWebhookDeps {
  db: Kysely<Database>;
  accounts: AccountsRepository;
  queue: JobQueue;
}

/** `POST /webhooks/amocrm/:accountId/:secret`: a product deleted in amoCRM is deleted (or archived) in МойСклад. */
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
      const deleted = payload.data.catalogs?.delete;
      const ids = deleted ? (Array.isArray(deleted) ? deleted : Object.values(deleted)).map((item) => item.id) : [];
      await deps.db.transaction().execute(async (trx) => {
        for (const elementId of ids) {
          await deps.queue.enqueue(amoProductDeletedJob(params.data.accountId, elementId), trx);
        }
      });
      deps.queue.nudge();
      res.status(200).end();
    });
  };
}
