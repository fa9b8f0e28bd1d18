import type { Express } from 'express';
import type { RouteRegistrar } from '../../app.js';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { SecretBox } from '../../crypto/secret-box.js';
import type { DatabaseHandle } from '../../db/database.js';
import { AccountsRepository } from '../../db/repositories/accounts.js';
import { AmoRateStore } from '../../db/repositories/amo-rate-store.js';
import { AmoTokenStore } from '../../db/repositories/amo-token-store.js';
import { BonusOperationsRepository } from '../../db/repositories/bonus-operations.js';
import { IdempotencyKeysRepository } from '../../db/repositories/idempotency-keys.js';
import { OperationLogRepository } from '../../db/repositories/operation-log.js';
import { JobQueue } from '../../queue/job-queue.js';
import { AccountsAdapter } from '../../services/adapters/accounts-adapter.js';
import { AmoAuthorizationAdapter } from '../../services/adapters/amo-authorization-adapter.js';
import { AmoOAuthAdapter } from '../../services/adapters/amo-oauth-adapter.js';
import { DailyCountersAdapter } from '../../services/adapters/daily-counters.js';
import { InstallCodesAdapter } from '../../services/adapters/install-codes.js';
import { PersonalDataStore } from '../../services/adapters/personal-data-store.js';
import { PersonalDataService } from '../../services/personal-data-service.js';
import { NO_PHONE_CONFIRMATION, type PhoneConfirmationPort } from '../../services/phone-confirmation.js';
import { ReferralNotesStore } from '../../services/adapters/referral-notes-store.js';
import { SeenEventsRepository } from '../../db/repositories/seen-events.js';
import { AmoUserNames } from '../../services/adapters/amo-user-names.js';
import { JobsAdapter } from '../../services/adapters/jobs-adapter.js';
import { MoySkladUserLimiters } from '../../moysklad/user-limiters.js';
import { AccountClients } from '../../sync/account-clients.js';
import { MoySkladPortAdapter, type MoySkladAdapterOptions } from '../../services/adapters/moysklad-port-adapter.js';
import { KyselyReadModel } from '../../services/adapters/read-model-store.js';
import { DatabaseReplayStore } from '../../services/adapters/replay-store-db.js';
import { BackgroundTasks } from '../../services/background-tasks.js';
import { BonusService } from '../../services/bonus-service.js';
import { CardService } from '../../services/card-service.js';
import { ConnectionService } from '../../services/connection-service.js';
import type { IdempotencyTiming } from '../../services/idempotent-execution.js';
import { InstallationService } from '../../services/installation-service.js';
import type { AmoAuthorizationPort, AmoOAuthPort, AmoUserNamesPort, MoySkladPort } from '../../services/ports.js';
import { ReferralService } from '../../services/referral-service.js';
import { SettingsService } from '../../services/settings-service.js';
import { SyncService } from '../../services/sync-service.js';
import type { ReplayStore } from '../auth/replay-store.js';
import { PROXY_VERSION } from '../../version.js';
import { createOpenApiRouter } from '../openapi.js';
import { createAmoHooksRouter, type HookLimits } from './amocrm-hooks.js';
import { createReferralRouter, REFERRAL_FORM_LIMIT_BYTES, REFERRAL_PATH_PREFIX, referralEarlyErrorHandler, type ReferralRouterOptions } from './referral.js';
import type { WidgetRoute } from './widget/route-definition.js';
import type { WidgetServices } from './widget/services.js';
import { createWidgetRouter, WIDGET_API_PREFIX, WIDGET_BODY_LIMIT_BYTES, widgetEarlyErrorHandler, widgetRoutes } from './widget/widget-router.js';

export type WidgetApiConfig = Pick<
  Config,
  'PUBLIC_URL' | 'AMOCRM_CLIENT_ID' | 'AMOCRM_CLIENT_SECRET' | 'AMOCRM_REDIRECT_URI' | 'AMOCRM_BASE_URL_TEMPLATE' | 'MOYSKLAD_API_URL' | 'ALLOWED_ORIGINS'
> &
  Partial<Pick<Config, 'AMOCRM_RATE_LIMIT_PER_SECOND' | 'PERSONAL_DATA_GRACE_HOURS'>>;

export type WidgetApiDeps = {
  config: WidgetApiConfig;
  database: Pick<DatabaseHandle, 'db' | 'dialect'>;
  secrets: SecretBox;
  logger: Logger;
  /** Sends the referral page's confirmation codes (an SMS provider); none by default, see phone-confirmation.ts. */
  phoneConfirmation?: PhoneConfirmationPort;
  /** The process's job queue (a new one over the same database when omitted). */
  queue?: JobQueue;
  /** The process-wide МойСклад limiters, shared with the sync (a private set when omitted). */
  moyskladLimiters?: MoySkladUserLimiters;
  /** For tests: swap a port or the clock; production passes none. */
  overrides?: {
    moysklad?: MoySkladPort;
    moyskladAdapter?: Partial<MoySkladAdapterOptions>;
    amoOAuth?: AmoOAuthPort;
    amoAuthorization?: AmoAuthorizationPort;
    hookLimits?: HookLimits;
    amoUserNames?: AmoUserNamesPort;
    replayStore?: ReplayStore;
    idempotencyTiming?: IdempotencyTiming;
    now?: () => Date;
    referralLimits?: ReferralRouterOptions['limits'];
    /** How often referrers awaiting a first-purchase reward are looked for (default 60 s). */
    referralSweepMs?: number;
  };
};

export type WidgetApi = {
  /** Pass to `createApp({ routes: [api.register] })`: widget API, amoCRM hooks, referral page and /openapi.json. */
  register: RouteRegistrar;
  routes: WidgetRoute[];
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

/** Wires the widget-facing HTTP layer to the database, the МойСклад and amoCRM clients and the queue. */
export function createWidgetApi(deps: WidgetApiDeps): WidgetApi {
  const { config, database, logger } = deps;
  const accountsRepository = new AccountsRepository(database.db, deps.secrets);
  const accounts = new AccountsAdapter(accountsRepository);
  const bonusOperations = new BonusOperationsRepository(database.db);
  const readModel = new KyselyReadModel(database.db);
  const operationLog = new OperationLogRepository(database.db);
  const idempotency = new IdempotencyKeysRepository(database.db);
  const dailyCounters = new DailyCountersAdapter(database.db);
  const jobs = new JobsAdapter(deps.queue ?? new JobQueue(database), database.db);
  const moysklad = deps.overrides?.moysklad ?? new MoySkladPortAdapter({ baseUrl: config.MOYSKLAD_API_URL, publicUrl: config.PUBLIC_URL, logger: logger.child({ component: 'moysklad' }), ...(deps.moyskladLimiters ? { limiters: deps.moyskladLimiters } : {}), ...deps.overrides?.moyskladAdapter });
  const amoOAuth =
    deps.overrides?.amoOAuth ??
    new AmoOAuthAdapter({ credentials: { clientId: config.AMOCRM_CLIENT_ID, clientSecret: config.AMOCRM_CLIENT_SECRET, redirectUri: config.AMOCRM_REDIRECT_URI }, publicUrl: config.PUBLIC_URL });

  // The names of amoCRM users behind widget operations, through the sync's per-account clients (one shared token
  // refresh, one 7 rps budget per account in the database).
  const amoClients = new AccountClients(
    {
      publicUrl: config.PUBLIC_URL,
      moyskladApiUrl: config.MOYSKLAD_API_URL,
      amoBaseUrlTemplate: config.AMOCRM_BASE_URL_TEMPLATE,
      amoClientId: config.AMOCRM_CLIENT_ID,
      amoClientSecret: config.AMOCRM_CLIENT_SECRET,
      amoRedirectUri: config.AMOCRM_REDIRECT_URI,
      amoRequestsPerSecond: config.AMOCRM_RATE_LIMIT_PER_SECOND ?? 7,
    },
    accountsRepository,
    new AmoTokenStore(accountsRepository),
    deps.moyskladLimiters ?? new MoySkladUserLimiters(),
    new AmoRateStore(database.db, database.dialect),
  );
  const userNames = deps.overrides?.amoUserNames ?? new AmoUserNames({ client: (accountId) => amoClients.amo(accountId), log: logger.child({ component: 'amocrm-users' }) });

  const services: WidgetServices = {
    connection: new ConnectionService({ accounts, moysklad, operationLog, readModel, jobs, publicUrl: config.PUBLIC_URL, log: logger }),
    card: new CardService({ readModel, bonusOperations, accounts, publicUrl: config.PUBLIC_URL }),
    bonus: new BonusService({ accounts, dailyCounters, readModel, moysklad, idempotency, operationLog, jobs, userNames, bonusOperations, ...(deps.overrides?.idempotencyTiming ? { timing: deps.overrides.idempotencyTiming } : {}) }),
    settings: new SettingsService({ accounts, moysklad, operationLog, jobs, log: logger }),
    sync: new SyncService({ jobs, operationLog }),
  };
  const referral = new ReferralService({
    accounts,
    readModel,
    moysklad,
    idempotency,
    operationLog,
    jobs,
    dailyCounters,
    notes: new ReferralNotesStore(database.db),
    phoneConfirmation: deps.phoneConfirmation ?? NO_PHONE_CONFIRMATION,
    log: logger,
  });
  const personalData = new PersonalDataService({
    store: new PersonalDataStore(database.db),
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
  const amoAuthorization =
    deps.overrides?.amoAuthorization ??
    new AmoAuthorizationAdapter({
      accounts: accountsRepository,
      database,
      baseUrlTemplate: config.AMOCRM_BASE_URL_TEMPLATE,
      credentials: { clientId: config.AMOCRM_CLIENT_ID, clientSecret: config.AMOCRM_CLIENT_SECRET, redirectUri: config.AMOCRM_REDIRECT_URI },
      ...(config.AMOCRM_RATE_LIMIT_PER_SECOND ? { requestsPerSecond: config.AMOCRM_RATE_LIMIT_PER_SECOND } : {}),
    });
  const installation = new InstallationService({
    accounts,
    amoOAuth,
    amoAuthorization,
    installCodes: new InstallCodesAdapter(new SeenEventsRepository(database.db)),
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
    replayStore: deps.overrides?.replayStore ?? new DatabaseReplayStore(database.db),
    accountSubdomain: async (accountId: number) => (await accounts.find(accountId))?.subdomain ?? null,
    ...(deps.overrides?.now ? { now: deps.overrides.now } : {}),
  };

  const settle = async () => {
    await Promise.all([installation.settle(), services.connection.settle(), sweeps.settle()]);
  };

  const register: RouteRegistrar = (app: Express) => {
    app.use(createOpenApiRouter(routes, { version: PROXY_VERSION, serverUrl: config.PUBLIC_URL }));
    app.use(createAmoHooksRouter({ installation, baseUrlTemplate: config.AMOCRM_BASE_URL_TEMPLATE, ...(deps.overrides?.hookLimits ? { limits: deps.overrides.hookLimits } : {}) }));
    app.use(
      createReferralRouter({
        referral,
        secureCookies: config.PUBLIC_URL.startsWith('https:'),
        ...(deps.overrides?.referralLimits ? { limits: deps.overrides.referralLimits } : {}),
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
    routes,
    services,
    installation,
    referral,
    personalData,
    register,
    settle,
    start() {
      sweepTimer ??= setInterval(sweep, deps.overrides?.referralSweepMs ?? 60_000).unref();
    },
    async stop() {
      clearInterval(sweepTimer);
      sweepTimer = undefined;
      await settle();
    },
  };
}
