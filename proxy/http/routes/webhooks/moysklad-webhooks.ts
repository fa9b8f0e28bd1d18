import type { Express, Request, Response } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { AccountsRepository } from '../../../db/repositories/accounts.js';
import type { SeenEventsRepository } from '../../../db/repositories/seen-events.js';
import type { Database } from '../../../db/schema.js';
import { webhookPayloadSchema } from '../../../moysklad/schemas/events.js';
import type { JobQueue } from '../../../queue/job-queue.js';
import { entityJob, MOYSKLAD_SYNCED_TYPES, webhookDelayMs, type SyncedType } from '../../../sync/jobs.js';
import { HttpError } from '../../errors.js';
import { webhookAccepted } from './verify-secret.js';

/** МойСклад re-delivers with the same requestId (3 immediate retries): remember ids for a day. */
const SEEN_TTL_MS = 24 * 3600_000;
const paramsSchema = z.object({ accountId: z.coerce.number().int().positive(), secret: z.string().min(16).max(128) });
const querySchema = z.object({ requestId: z.string().min(1).max(128) });
const SYNCED = new Set<string>(MOYSKLAD_SYNCED_TYPES);
/**
 * Every МойСклад entity documents its `id` as «ID … в формате UUID» (JSON API 1.2 docs, e.g. the Товар and Контрагент
 * attribute tables: https://github.com/moysklad/api-remap-1.2-doc, source/includes/_entities.md).
 */
const MOYSKLAD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The entity id of an event, or null when its href is not `…/entity/<its own type>/<uuid>`. The id ends up in the
 * URL the sync re-reads, so `..`, an empty segment or another entity type must never get that far.
 */
function entityIdOf(event: { meta: { type: string; href: string } }): string | null {
  let path: string;
  try {
    path = new URL(event.meta.href).pathname;
  } catch {
    return null;
  }
  const [entity, type, id] = path.split('/').slice(-3);
  return entity === 'entity' && type === event.meta.type && id !== undefined && MOYSKLAD_ID.test(id) ? id : null;
}

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
      if (!params.success || !(await webhookAccepted(deps.accounts, params.data.accountId, 'moysklad', params.data.secret))) {
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
      const jobs = events.map((event) => ({ event, id: entityIdOf(event) }));
      if (jobs.some((job) => job.id === null)) throw new HttpError(400, 'invalid_webhook', 'Bad Request', 'An event names no МойСклад entity id.');

      const receivedAt = Date.now();
      await deps.db.transaction().execute(async (trx) => {
        if (!(await deps.seenEvents.markSeen('moysklad', accountId, query.data.requestId, SEEN_TTL_MS, trx))) return;
        for (const { event, id } of jobs) {
          const action = event.action;
          if (action !== 'CREATE' && action !== 'UPDATE' && action !== 'DELETE') continue;
          const entityType = event.meta.type as SyncedType;
          await deps.queue.enqueue(entityJob({ accountId, entityType, id: id!, action, receivedAt }, { delayMs: webhookDelayMs(entityType, action) }), trx);
        }
      });
      deps.queue.nudge();
      res.status(200).end();
    });
  };
}
