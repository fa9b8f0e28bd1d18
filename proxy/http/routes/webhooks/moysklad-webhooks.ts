import type { Express, Request, Response } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { AccountsRepository } from '../../../db/repositories/accounts.js';
import type { SeenEventsRepository } from '../../../db/repositories/seen-events.js';
import type { Database } from '../../../db/schema.js';
import { idFromHref } from '../../../moysklad/schemas/common.js';
import { webhookPayloadSchema } from '../../../moysklad/schemas/events.js';
import type { JobQueue } from '../../../queue/job-queue.js';
import { entityJob, MOYSKLAD_SYNCED_TYPES, webhookDelayMs, type SyncedType } from '../../../sync/jobs.js';
import { HttpError } from '../../errors.js';
import { webhookSecretMatches } from './verify-secret.js';

/** МойСклад re-delivers with the same requestId (3 immediate retries): remember ids for a day. */
const SEEN_TTL_MS = 24 * 3600_000;
const paramsSchema = z.object({ accountId: z.coerce.number().int().positive(), secret: z.string().min(16).max(128) });
const querySchema = z.object({ requestId: z.string().min(1).max(128) });
const SYNCED = new Set<string>(MOYSKLAD_SYNCED_TYPES);

export interface MoySkladWebhookDeps {
  db: Kysely<Database>;
  accounts: AccountsRepository;
  seenEvents: SeenEventsRepository;
  queue: JobQueue;
}

/**
 * `POST /webhooks/moysklad/:accountId/:secret?requestId=…`. МойСклад waits 1.5 s, so the handler only validates,
 * dedupes and stores jobs (one transaction), then answers 200; the jobs re-read the entities later.
 */
export function moyskladWebhookRoutes(deps: MoySkladWebhookDeps) {
  return (app: Express) => {
    app.post('/webhooks/moysklad/:accountId/:secret', async (req: Request, res: Response) => {
      const params = paramsSchema.safeParse(req.params);
      if (!params.success || !(await webhookSecretMatches(deps.accounts, params.data.accountId, params.data.secret))) {
        throw new HttpError(404, 'not_found', 'Not Found');
      }
      const { accountId } = params.data;
      const query = querySchema.safeParse(req.query);
      const body = webhookPayloadSchema.safeParse(req.body);
      if (!query.success || !body.success) throw new HttpError(400, 'invalid_webhook', 'Bad Request', 'Not a МойСклад webhook payload.');

      const account = await deps.accounts.find(accountId);
      const expectedMoySkladAccount = account?.moyskladAccountId ?? null;
      const events = body.data.events.filter((event) => {
        // A webhook of another МойСклад account must not touch this one (checked when we know the id).
        if (expectedMoySkladAccount && event.accountId && event.accountId !== expectedMoySkladAccount) return false;
        return SYNCED.has(event.meta.type);
      });

      const receivedAt = Date.now();
      await deps.db.transaction().execute(async (trx) => {
        if (!(await deps.seenEvents.markSeen('moysklad', accountId, query.data.requestId, SEEN_TTL_MS, trx))) return;
        for (const event of events) {
          const action = event.action;
          if (action !== 'CREATE' && action !== 'UPDATE' && action !== 'DELETE') continue;
          const entityType = event.meta.type as SyncedType;
          await deps.queue.enqueue(entityJob({ accountId, entityType, id: idFromHref(event.meta.href), action, receivedAt }, { delayMs: webhookDelayMs(entityType, action) }), trx);
        }
      });
      deps.queue.nudge();
      res.status(200).end();
    });
  };
}
