import type { Express } from 'express';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { SecretBox } from '../../crypto/secret-box.js';
import type { DatabaseHandle } from '../../db/database.js';
import { AccountsRepository } from '../../db/repositories/accounts.js';
import { IdempotencyKeysRepository } from '../../db/repositories/idempotency-keys.js';
import { OperationLogRepository } from '../../db/repositories/operation-log.js';
import { JobQueue } from '../../queue/job-queue.js';
import { AccountsAdapter } from '../../services/adapters/accounts-adapter.js';
import { AmoOAuthAdapter } from '../../services/adapters/amo-oauth-adapter.js';
import { JobsAdapter } from '../../services/adapters/jobs-adapter.js';
import type { MoySkladUserLimiters } from '../../moysklad/user-limiters.js';
import { MoySkladPortAdapter, type MoySkladAdapterOptions } from '../../services/adapters/moysklad-port-adapter.js';
import { KyselyReadModel } from '../../services/adapters/read-model-store.js';
import { DatabaseReplayStore } from '../../services/adapters/replay-store-db.js';
import { BackgroundTasks } from '../../services/background-tasks.js';
import { BonusService } from '../../services/bonus-service.js';
import { CardService } from '../../services/card-service.js';
import { ConnectionService } from '../../services/connection-service.js';
import type { IdempotencyTiming } from '../../services/idempotent-execution.js';
import { InstallationService } from '../../services/installation-service.js';
import type { AmoOAuthPort, MoySkladPort } from '../../services/ports.js';
import { ReferralService } from '../../services/referral-service.js';
import { SettingsService } from '../../services/settings-service.js';
import { SyncService } from '../../services/sync-service.js';
import type { ReplayStore } from '../auth/replay-store.js';
import { PROXY_VERSION } from '../../version.js';
import { createOpenApiRouter } from '../openapi.js';
import { createAmoHooksRouter } from './amocrm-hooks.js';
import { createReferralRouter, type ReferralRouterOptions } from './referral.js';
import type { WidgetRoute } from './widget/route-definition.js';
import type { WidgetServices } from './widget/services.js';
import { createWidgetRouter, WIDGET_API_PREFIX, widgetEarlyErrorHandler, widgetRoutes } from './widget/widget-router.js';

export type WidgetApiConfig = Pick<
  Config,
  'PUBLIC_URL' | 'AMOCRM_CLIENT_ID' | 'AMOCRM_CLIENT_SECRET' | 'AMOCRM_REDIRECT_URI' | 'AMOCRM_BASE_URL_TEMPLATE' | 'MOYSKLAD_API_URL' | 'ALLOWED_ORIGINS'
>;

export type WidgetApiDeps = {
  config: WidgetApiConfig;
  database: Pick<DatabaseHandle, 'db' | 'dialect'>;
  secrets: SecretBox;
  logger: Logger;
  /** The process's job queue (a new one over the same database when omitted). */
  queue?: JobQueue;
  /** The process-wide МойСклад limiters, shared with the sync (a private set when omitted). */
  moyskladLimiters?: MoySkladUserLimiters;
  /** For tests: swap a port or the clock; production passes none. */
  overrides?: {
    moysklad?: MoySkladPort;
    moyskladAdapter?: Partial<MoySkladAdapterOptions>;
    amoOAuth?: AmoOAuthPort;
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
  register: (app: Express) => void;
  routes: WidgetRoute[];
  services: WidgetServices;
  installation: InstallationService;
  referral: ReferralService;
  /** Waits for detached work (install code exchanges, webhook removals, a running referral sweep). */
  settle(): Promise<void>;
  /** Starts the periodic sweep that pays referrers after their referral's first purchase. */
  start(): void;
  /** Stops the sweep and waits for all detached work: call it on shutdown. */
  stop(): Promise<void>;
};

/** Wires the widget-facing HTTP layer to the database, the МойСклад and amoCRM clients and the queue. */
export function createWidgetApi(deps: WidgetApiDeps): WidgetApi {
  const { config, database, logger } = deps;
  const accounts = new AccountsAdapter(new AccountsRepository(database.db, deps.secrets));
  const readModel = new KyselyReadModel(database.db);
  const operationLog = new OperationLogRepository(database.db);
  const idempotency = new IdempotencyKeysRepository(database.db);
  const jobs = new JobsAdapter(deps.queue ?? new JobQueue(database), database.db);
  const moysklad = deps.overrides?.moysklad ?? new MoySkladPortAdapter({ baseUrl: config.MOYSKLAD_API_URL, publicUrl: config.PUBLIC_URL, logger: logger.child({ component: 'moysklad' }), ...(deps.moyskladLimiters ? { limiters: deps.moyskladLimiters } : {}), ...deps.overrides?.moyskladAdapter });
  const amoOAuth =
    deps.overrides?.amoOAuth ??
    new AmoOAuthAdapter({ credentials: { clientId: config.AMOCRM_CLIENT_ID, clientSecret: config.AMOCRM_CLIENT_SECRET, redirectUri: config.AMOCRM_REDIRECT_URI }, publicUrl: config.PUBLIC_URL });

  const services: WidgetServices = {
    connection: new ConnectionService({ accounts, moysklad, operationLog, readModel, jobs, publicUrl: config.PUBLIC_URL, log: logger }),
    card: new CardService({ readModel, publicUrl: config.PUBLIC_URL }),
    bonus: new BonusService({ accounts, readModel, moysklad, idempotency, operationLog, jobs, ...(deps.overrides?.idempotencyTiming ? { timing: deps.overrides.idempotencyTiming } : {}) }),
    settings: new SettingsService({ accounts, moysklad, operationLog, log: logger }),
    sync: new SyncService({ jobs, operationLog }),
  };
  const referral = new ReferralService({ accounts, readModel, moysklad, idempotency, operationLog, jobs });
  const sweeps = new BackgroundTasks();
  let sweepTimer: NodeJS.Timeout | undefined;
  const sweepReferrals = () => {
    if (sweeps.size > 0) return; // the previous sweep is still paying
    sweeps.track(
      referral
        .rewardReferrersAfterFirstPurchase()
        .then(() => undefined)
        .catch((error: unknown) => logger.error({ err: error instanceof Error ? error.message : String(error) }, 'referral reward sweep failed')),
    );
  };
  const installation = new InstallationService({
    accounts,
    amoOAuth,
    moysklad,
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
    ...(deps.overrides?.now ? { now: deps.overrides.now } : {}),
  };

  const settle = async () => {
    await Promise.all([installation.settle(), services.connection.settle(), sweeps.settle()]);
  };

  return {
    routes,
    services,
    installation,
    referral,
    settle,
    start() {
      sweepTimer ??= setInterval(sweepReferrals, deps.overrides?.referralSweepMs ?? 60_000).unref();
    },
    async stop() {
      clearInterval(sweepTimer);
      sweepTimer = undefined;
      await settle();
    },
    register(app) {
      app.use(createOpenApiRouter(routes, { version: PROXY_VERSION, serverUrl: config.PUBLIC_URL }));
      app.use(createAmoHooksRouter({ installation, baseUrlTemplate: config.AMOCRM_BASE_URL_TEMPLATE }));
      app.use(
        createReferralRouter({
          referral,
          secureCookies: config.PUBLIC_URL.startsWith('https:'),
          ...(deps.overrides?.referralLimits ? { limits: deps.overrides.referralLimits } : {}),
        }),
      );
      app.use(createWidgetRouter(services, { token, extraOrigins: config.ALLOWED_ORIGINS }));
      app.use(WIDGET_API_PREFIX, widgetEarlyErrorHandler({ extraOrigins: config.ALLOWED_ORIGINS }));
    },
  };
}
