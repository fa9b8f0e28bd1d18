import type { Express } from 'express';
import type { RouteRegistrar } from '../../app.js';
import type { ProxyContext, ProxyModules } from '../../context.js';
import { BonusOperationsRepository } from '../../db/repositories/bonus-operations.js';
import { IdempotencyKeysRepository } from '../../db/repositories/idempotency-keys.js';
import { OperationLogRepository } from '../../db/repositories/operation-log.js';
import { WidgetSettings } from '../../services/widget-settings.js';
import { AmoAuthorization, type AmoAuthorizationCheck } from '../../services/amo-authorization.js';
import { AmoCodeExchange } from '../../services/amo-code-exchange.js';
import { DailyCountersRepository } from '../../db/repositories/daily-counters.js';
import { PersonalDataRepository } from '../../db/repositories/personal-data.js';
import { PersonalDataService } from '../../services/personal-data-service.js';
import { NO_PHONE_CONFIRMATION, type PhoneConfirmationPort } from '../../services/phone-confirmation.js';
import { ReferralNotesRepository } from '../../db/repositories/referral-notes.js';
import { SeenEventsRepository } from '../../db/repositories/seen-events.js';
import { AmoUserNames, type AmoUserNameLookup } from '../../services/amo-user-names.js';
import { SyncJobs } from '../../services/sync-jobs.js';
import { InteractiveMoySklad, type InteractiveMoySkladOptions } from '../../services/interactive-moysklad.js';
import { AccountSyncRepository } from '../../db/repositories/account-sync.js';
import { ReadModelRepository } from '../../db/repositories/read-model.js';
import { BackgroundTasks } from '../../services/background-tasks.js';
import { BonusService } from '../../services/bonus-service.js';
import { CardService } from '../../services/card-service.js';
import { ConnectionService } from '../../services/connection-service.js';
import type { IdempotencyTiming } from '../../services/idempotent-execution.js';
import { InstallationService } from '../../services/installation-service.js';
import { ReferralService } from '../../services/referral-service.js';
import { SettingsService } from '../../services/settings-service.js';
import { SyncService } from '../../services/sync-service.js';
import { DatabaseReplayStore, type ReplayStore } from '../auth/replay-store.js';
import { PROXY_VERSION } from '../../version.js';
import { createOpenApiRouter } from '../openapi.js';
import { createAmoHooksRouter, type HookLimits } from './amocrm-hooks.js';
import { createReferralRouter, REFERRAL_FORM_LIMIT_BYTES, REFERRAL_PATH_PREFIX, referralEarlyErrorHandler, type ReferralRouterOptions } from './referral.js';
import type { WidgetServices } from './widget/services.js';
import { createWidgetRouter, WIDGET_API_PREFIX, WIDGET_BODY_LIMIT_BYTES, widgetEarlyErrorHandler, widgetRoutes } from './widget/widget-router.js';

export type WidgetApiOptions = {
  /** Sends the referral page's confirmation codes (an SMS provider); none by default, see phone-confirmation.ts. */
  phoneConfirmation?: PhoneConfirmationPort;
  /** For tests: swap a dependency or the clock; production passes none. */
  overrides?: {
    /** Every public call of `InteractiveMoySklad` (a fake need not be one). */
    moysklad?: Pick<InteractiveMoySklad, keyof InteractiveMoySklad>;
    /** Tuning of the interactive МойСклад calls (never its limiters: those are the process's). */
    interactiveMoysklad?: Partial<Omit<InteractiveMoySkladOptions, 'limiters'>>;
    amoOAuth?: Pick<AmoCodeExchange, 'exchangeCode'>;
    amoAuthorization?: AmoAuthorizationCheck;
    hookLimits?: HookLimits;
    amoUserNames?: AmoUserNameLookup;
    replayStore?: ReplayStore;
    idempotencyTiming?: IdempotencyTiming;
    now?: () => Date;
    referralLimits?: ReferralRouterOptions['limits'];
    /** How often referrers awaiting a first-purchase reward are looked for (default 60 s). */
    referralSweepMs?: number;
  };
};

/**
 * The widget API as a proxy module (like the sync's, proxy/sync/module.ts): its routes (widget API, amoCRM hooks,
 * referral page, /openapi.json) and a sweep timer. Its stop waits for all detached work: install-hook code exchanges
 * (a code is valid once, for 20 min) and the МойСклад webhook removals started by DELETE /connection and the revoke
 * hook, so a shutdown does not cut them off halfway.
 */
export type WidgetApiModule = Required<Pick<ProxyModules, 'routes'>> & {
  /** The one route registrar in `routes`, for apps built without the module lifecycle (tests). */
  register: RouteRegistrar;
  services: WidgetServices;
  installation: InstallationService;
  referral: ReferralService;
  personalData: PersonalDataService;
  /** Waits for detached work (install code exchanges, webhook removals, a running referral sweep). */
  settle(): Promise<void>;
  /**
   * Starts the periodic sweep: referrers paid after their referral's first purchase, held referral notes queued,
   * uninstalled accounts purged.
   */
  start(): void;
  /** Stops the sweep and waits for all detached work: call it on shutdown. */
  stop(): Promise<void>;
};

/**
 * Wires the widget-facing HTTP layer to the database, the МойСклад and amoCRM clients and the process's queue. It takes
 * from the process's context (proxy/context.ts) what must be one per process and shared with the sync: the accounts
 * repository, the job queue (widget jobs run in order with the webhooks' jobs), the МойСклад limiter set (one limiter
 * per МойСклад user) and the amoCRM clients (one amoCRM limiter).
 */
export function createWidgetApiModule(context: ProxyContext, options: WidgetApiOptions = {}): WidgetApiModule {
  const { config, database, logger, queue, moyskladLimiters, amoClients, accounts } = context;
  const settings = new WidgetSettings(accounts);
  const bonusOperations = new BonusOperationsRepository(database.db);
  const readModel = new ReadModelRepository(database.db);
  const accountSync = new AccountSyncRepository(database.db);
  const operationLog = new OperationLogRepository(database.db);
  const idempotency = new IdempotencyKeysRepository(database.db);
  const dailyCounters = new DailyCountersRepository(database.db);
  const jobs = new SyncJobs(queue, database.db);
  const moysklad = options.overrides?.moysklad ?? new InteractiveMoySklad({ baseUrl: config.MOYSKLAD_API_URL, publicUrl: config.PUBLIC_URL, logger: logger.child({ component: 'moysklad' }), limiters: moyskladLimiters, ...options.overrides?.interactiveMoysklad });
  const amoOAuth =
    options.overrides?.amoOAuth ??
    new AmoCodeExchange({ credentials: { clientId: config.AMOCRM_CLIENT_ID, clientSecret: config.AMOCRM_CLIENT_SECRET, redirectUri: config.AMOCRM_REDIRECT_URI }, publicUrl: config.PUBLIC_URL });

  // The names of amoCRM users behind widget operations, through the process's amoCRM clients (shared with the sync:
  // one limiter, one token refresh, one 7 rps budget per account).
  const userNames = options.overrides?.amoUserNames ?? new AmoUserNames({ client: (accountId) => amoClients.amo(accountId), log: logger.child({ component: 'amocrm-users' }) });

  const services: WidgetServices = {
    connection: new ConnectionService({ accounts, moysklad, operationLog, accountSync, jobs, publicUrl: config.PUBLIC_URL, log: logger }),
    card: new CardService({ readModel, accountSync, bonusOperations, accounts, settings, publicUrl: config.PUBLIC_URL }),
    bonus: new BonusService({ accounts, settings, dailyCounters, readModel, accountSync, moysklad, idempotency, operationLog, jobs, userNames, bonusOperations, ...(options.overrides?.idempotencyTiming ? { timing: options.overrides.idempotencyTiming } : {}) }),
    settings: new SettingsService({ accounts, settings, moysklad, operationLog, jobs, log: logger }),
    sync: new SyncService({ jobs, operationLog }),
  };
  const referral = new ReferralService({
    accounts,
    settings,
    readModel,
    moysklad,
    idempotency,
    operationLog,
    jobs,
    dailyCounters,
    notes: new ReferralNotesRepository(database.db),
    phoneConfirmation: options.phoneConfirmation ?? NO_PHONE_CONFIRMATION,
    log: logger,
  });
  const personalData = new PersonalDataService({
    store: new PersonalDataRepository(database.db),
    operationLog,
    graceMs: (config.PERSONAL_DATA_GRACE_HOURS ?? 0) * 3600_000,
    log: logger,
  });
  const sweeps = new BackgroundTasks();
  let sweepTimer: NodeJS.Timeout | undefined;
  const failed = (what: string) => (error: unknown) => logger.error({ err: error instanceof Error ? error.message : String(error) }, `${what} failed`);
  const sweep = () => {
    if (sweeps.size > 0) return; // the previous sweep is still running
    sweeps.track(
      (async () => {
        await referral.rewardReferrersAfterFirstPurchase().catch(failed('referral reward sweep'));
        await referral.deliverHeldNotes().catch(failed('referral notes'));
        await personalData.purgeDue().catch(failed('personal data purge'));
      })(),
    );
  };
  const amoAuthorization = options.overrides?.amoAuthorization ?? new AmoAuthorization(accounts, amoClients);
  const installation = new InstallationService({
    accounts,
    amoOAuth,
    amoAuthorization,
    seenEvents: new SeenEventsRepository(database.db),
    personalData,
    moysklad,
    jobs,
    publicUrl: config.PUBLIC_URL,
    operationLog,
    clientId: config.AMOCRM_CLIENT_ID,
    clientSecret: config.AMOCRM_CLIENT_SECRET,
    log: logger,
  });
  const routes = widgetRoutes(services);
  const token = {
    clientSecret: config.AMOCRM_CLIENT_SECRET,
    clientId: config.AMOCRM_CLIENT_ID,
    publicUrl: config.PUBLIC_URL,
    baseUrlTemplate: config.AMOCRM_BASE_URL_TEMPLATE,
    replayStore: options.overrides?.replayStore ?? new DatabaseReplayStore(database.db),
    accountSubdomain: async (accountId: number) => (await accounts.find(accountId))?.subdomain ?? null,
    ...(options.overrides?.now ? { now: options.overrides.now } : {}),
  };

  const settle = async () => {
    await Promise.all([installation.settle(), services.connection.settle(), sweeps.settle()]);
  };

  const register: RouteRegistrar = (app: Express) => {
    app.use(createOpenApiRouter(routes, { version: PROXY_VERSION, serverUrl: config.PUBLIC_URL }));
    app.use(createAmoHooksRouter({ installation, baseUrlTemplate: config.AMOCRM_BASE_URL_TEMPLATE, ...(options.overrides?.hookLimits ? { limits: options.overrides.hookLimits } : {}) }));
    app.use(
      createReferralRouter({
        referral,
        secureCookies: config.PUBLIC_URL.startsWith('https:'),
        ...(options.overrides?.referralLimits ? { limits: options.overrides.referralLimits } : {}),
      }),
    );
    app.use(REFERRAL_PATH_PREFIX, referralEarlyErrorHandler);
    app.use(createWidgetRouter(services, { token, extraOrigins: config.ALLOWED_ORIGINS }));
    app.use(WIDGET_API_PREFIX, widgetEarlyErrorHandler({ extraOrigins: config.ALLOWED_ORIGINS }));
  };
  register.bodyLimits = [
    { pathPrefix: WIDGET_API_PREFIX, bytes: WIDGET_BODY_LIMIT_BYTES },
    { pathPrefix: REFERRAL_PATH_PREFIX, bytes: REFERRAL_FORM_LIMIT_BYTES },
  ];

  return {
    routes: [register],
    register,
    services,
    installation,
    referral,
    personalData,
    settle,
    start() {
      sweepTimer ??= setInterval(sweep, options.overrides?.referralSweepMs ?? 60_000).unref();
    },
    async stop() {
      clearInterval(sweepTimer);
      sweepTimer = undefined;
      await settle();
    },
  };
}
