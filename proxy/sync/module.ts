import { AmoError, AmoResponseShapeError, AmoValidationError } from '../amocrm/errors.js';
import { LinksRepository } from '../db/repositories/links.js';
import { OperationLogRepository } from '../db/repositories/operation-log.js';
import { SeenEventsRepository } from '../db/repositories/seen-events.js';
import { AccountSyncRepository } from '../db/repositories/account-sync.js';
import { BonusOperationsRepository } from '../db/repositories/bonus-operations.js';
import { CreateIntentsRepository } from '../db/repositories/create-intents.js';
import { EntityLeasesRepository } from '../db/repositories/entity-leases.js';
import { SyncRealtimeRepository } from '../db/repositories/sync-realtime.js';
import { SyncStreamsRepository } from '../db/repositories/sync-streams.js';
import { amoWebhookRoutes } from '../http/routes/webhooks/amocrm-webhooks.js';
import { moyskladWebhookRoutes } from '../http/routes/webhooks/moysklad-webhooks.js';
import { ReadableJobError, refusedEntityProblem, type JobProblem } from '../queue/job-problem.js';
import { defineJobHandler, PermanentJobError } from '../queue/worker.js';
import type { ProxyContext, ProxyModules } from '../context.js';
import { AccountNotReadyError } from './account-clients.js';
import { connectAccount } from './connect.js';
import { SyncEngine, type SyncEngineOptions } from './engine.js';
import { handleEntityChange } from './entity-job.js';
import { runInitialImport } from './initial-import.js';
import { accountPayload, amoCustomerChangedPayload, amoProductDeletedPayload, customerNotePayload, entityPayload, importPayload, repricePayload, SYNC_JOBS } from './jobs.js';
import { ReadModelRepository } from '../db/repositories/read-model.js';
import { reconcileAccount } from './reconcile.js';
import { repriceCatalog } from './reprice.js';
import { restoreBonusFields } from './rules/customer-fields.js';
import { addCustomerNote } from './rules/customer-notes.js';
import { deleteProductFromAmo } from './rules/products.js';
import { SyncScheduler } from './scheduler.js';
import { OTHER_POLL_MS, POLL_TICK_MS, SALE_POLL_MS } from './poll-intervals.js';
import { RealtimePoller } from './poller.js';
import { DELIVERY_GRACE_MS } from './realtime.js';
import { MoySkladAuthError } from '../moysklad/errors.js';

/** amoCRM answers that a retry cannot change (validation, missing entity, tariff); 401/403/429 have their own handling. */
const AMO_PERMANENT_STATUSES = new Set([400, 402, 404]);

export interface SyncModuleOptions extends Partial<SyncEngineOptions> {
  /** How often the scheduler looks for accounts to connect or reconcile. */
  schedulerTickMs?: number;
  /** How often the poller looks for polled types whose turn has come (proxy/sync/poller.ts). */
  pollTickMs?: number;
}

/**
 * The sync as a proxy module: webhook routes (data enters), job handlers (rules move it), a scheduler (connect and
 * reconcile). `proxy/compose.ts` adds it to the process; tests and the sandbox can build it the same way.
 */
export function createSyncModule(context: ProxyContext, options: SyncModuleOptions = {}): ProxyModules & { engine: SyncEngine; scheduler: SyncScheduler; poller: RealtimePoller } {
  const { config, database, accounts, queue, logger } = context;
  const db = database.db;
  const links = new LinksRepository(db);
  const operationLog = new OperationLogRepository(db);
  const seenEvents = new SeenEventsRepository(db);
  // The process's clients (proxy/context.ts), shared with the widget: one amoCRM limiter, so a widget call waiting for
  // a slot goes before the import's bulk calls, and a 429 met by either slows both. Their tuning for a time-compressed
  // emulator is the context's (`createContext(config, { amo })`).
  const clients = context.amoClients;
  const reconcileIntervalMs = options.reconcileIntervalMs ?? config.RECONCILE_INTERVAL_SECONDS * 1000;
  const engine = new SyncEngine({
    db,
    queue,
    accounts,
    clients,
    state: new AccountSyncRepository(db),
    streams: new SyncStreamsRepository(db),
    realtime: new SyncRealtimeRepository(db),
    links,
    intents: new CreateIntentsRepository(db),
    leases: new EntityLeasesRepository(db),
    readModel: new ReadModelRepository(db),
    bonusOperations: new BonusOperationsRepository(db),
    operationLog,
    logger,
    options: {
      publicUrl: config.PUBLIC_URL,
      reconcileIntervalMs,
      catalogSweepIntervalMs: options.catalogSweepIntervalMs ?? 5 * 60_000,
      pollingIntervalMs: options.pollingIntervalMs ?? Math.min(reconcileIntervalMs, 60_000),
      salePollMs: options.salePollMs ?? SALE_POLL_MS,
      otherPollMs: options.otherPollMs ?? OTHER_POLL_MS,
      deliveryGraceMs: options.deliveryGraceMs ?? DELIVERY_GRACE_MS,
      importPastSales: options.importPastSales ?? true,
    },
  });
  const poller = new RealtimePoller(engine, options.pollTickMs ?? POLL_TICK_MS);
  const scheduler = new SyncScheduler(engine, accounts, queue, {
    tickMs: options.schedulerTickMs ?? 2_000,
    reconcileIntervalMs,
    pollingIntervalMs: engine.deps.options.pollingIntervalMs,
  });

  /**
   * Waiting for a human (connect МойСклад, reinstall) is not worth retrying forever: park the job as failed. So is an
   * amoCRM request it refused as invalid: jobs of one account run one at a time, and eight attempts of a job that
   * cannot succeed would hold the account's queue for minutes. The failed job shows on the status page (retry, skip)
   * with a problem the admin can read: what (`entity`, when the job is about one), why, and what to do.
   */
  const parkWhenNotReady = async (work: () => Promise<void>, entity: { type: string; moyskladId: string } | null = null) => {
    try {
      await work();
    } catch (error) {
      if (error instanceof AccountNotReadyError) {
        const hint = error.reason === 'moysklad_not_connected' || error.reason === 'moysklad_needs_reauth' ? 'reconnect_moysklad' : error.reason === 'amocrm_not_installed' ? 'reinstall_widget' : 'retry_later';
        throw new ReadableJobError(problem(entity, hint), error.message, { cause: error });
      }
      // МойСклад refused the token (the account is marked needs_reauth already): parked, not retried — a retry would
      // repeat the failing request. connect queues it again once an admin has reconnected (proxy/sync/connect.ts).
      if (error instanceof MoySkladAuthError) {
        throw new ReadableJobError(problem(entity, 'reconnect_moysklad'), `МойСклад refused the stored token (HTTP ${error.status ?? 401}): an admin must connect МойСклад again`, { cause: error });
      }
      if (error instanceof AmoValidationError) {
        const refused = refusedEntityProblem(entity ?? { type: 'record', moyskladId: null }, error.items);
        throw new ReadableJobError(refused, `amoCRM refused the request (HTTP ${error.status ?? 400}): ${error.detail ?? error.message}`, { cause: error });
      }
      if (error instanceof AmoResponseShapeError && error.issues.length > 0) {
        // amoCRM answered, but a field we act on is not what its documentation prints (fields we do not act on are
        // accepted as printed, `null` included: proxy/amocrm/schemas/entities.ts). The same answer would come on
        // every retry: the job is parked with which answer and which field, for support.
        const where = `${error.method ?? ''} ${pathOf(error.url)}`.trim();
        throw new ReadableJobError(
          { ...problem(entity, 'retry_later'), field: error.path.slice(0, 300) || null, message: `amoCRM answered ${where} with a value the integration cannot use: ${error.issues[0]?.message ?? 'invalid'}`.slice(0, 1000) },
          error.message,
          { cause: error },
        );
      }
      if (error instanceof AmoError && error.status !== undefined && AMO_PERMANENT_STATUSES.has(error.status)) {
        const hint = error.status === 402 ? 'amocrm_tariff' : error.status === 404 ? 'deleted_in_amocrm' : 'retry_later';
        throw new ReadableJobError(
          { ...problem(entity, hint), message: error.detail ?? null },
          `amoCRM refused the request (HTTP ${error.status}): ${error.detail ?? error.message}`,
          { cause: error },
        );
      }
      throw error;
    }
  };
  const problem = (entity: { type: string; moyskladId: string } | null, hint: JobProblem['hint']): JobProblem => ({
    entity: entity && { ...entity, name: null },
    field: null,
    message: null,
    hint,
  });
  const lastCatalogSweep = new Map<number, number>();

  return {
    engine,
    scheduler,
    poller,
    routes: [moyskladWebhookRoutes({ db, accounts, seenEvents, queue }), amoWebhookRoutes({ db, accounts, queue })],
    jobHandlers: {
      [SYNC_JOBS.connect]: defineJobHandler(accountPayload, ({ accountId }) => parkWhenNotReady(() => connectAccount(engine, accountId))),
      [SYNC_JOBS.initialImport]: defineJobHandler(importPayload, ({ accountId, withSales }, job) =>
        parkWhenNotReady(() => runInitialImport(engine, accountId, withSales, job.signal)),
      ),
      [SYNC_JOBS.entity]: defineJobHandler(entityPayload, (payload, job) =>
        parkWhenNotReady(() => handleEntityChange(engine, payload, job.signal), { type: payload.entityType, moyskladId: payload.id }),
      ),
      [SYNC_JOBS.reconcile]: defineJobHandler(accountPayload, ({ accountId }, job) =>
        parkWhenNotReady(async () => {
          const now = Date.now();
          const sweepCatalog = now - (lastCatalogSweep.get(accountId) ?? 0) >= engine.deps.options.catalogSweepIntervalMs;
          await reconcileAccount(engine, accountId, { sweepCatalog, signal: job.signal });
          if (sweepCatalog) lastCatalogSweep.set(accountId, now);
        }),
      ),
      [SYNC_JOBS.amoProductDeleted]: defineJobHandler(amoProductDeletedPayload, ({ accountId, elementId }, job) =>
        parkWhenNotReady(async () => void (await deleteProductFromAmo(await engine.context(accountId, { lane: 'live', signal: job.signal }), elementId))),
      ),
      [SYNC_JOBS.reprice]: defineJobHandler(repricePayload, ({ accountId }, job) => parkWhenNotReady(() => repriceCatalog(engine, accountId, job.signal))),
      [SYNC_JOBS.amoCustomerChanged]: defineJobHandler(amoCustomerChangedPayload, ({ accountId, customerId, claims }, job) =>
        parkWhenNotReady(async () => void (await restoreBonusFields(await engine.context(accountId, { lane: 'live', signal: job.signal }), customerId, claims))),
      ),
      [SYNC_JOBS.customerNote]: defineJobHandler(customerNotePayload, (payload, job) =>
        parkWhenNotReady(async () => {
          const accountId = job.job.accountId;
          if (accountId === null) throw new PermanentJobError('customer note job without an account');
          await addCustomerNote(await engine.context(accountId, { lane: 'live', signal: job.signal }), payload.amoCustomerId, payload.text);
        }),
      ),
    },
    start: () => {
      scheduler.start();
      poller.start();
    },
    stop: async () => {
      await poller.stop();
      await scheduler.stop();
    },
  };
}

/** The path of a (redacted) request URL, for a message an admin may read: no host, no query. */
function pathOf(url: string | undefined): string {
  if (!url) return '';
  try {
    return new URL(url).pathname;
  } catch {
    return '';
  }
}
