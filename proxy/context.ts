import type { Logger } from 'pino';
import type { RouteRegistrar } from './app.js';
import type { Config } from './config.js';
import { type SecretBox, createSecretBox } from './crypto/secret-box.js';
import type { AmoRetryOptions } from './amocrm/transport.js';
import { type DatabaseHandle, openDatabase } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { AccountsRepository } from './db/repositories/accounts.js';
import { AmoRateStore } from './db/repositories/amo-rate-store.js';
import { AmoTokenStore } from './db/repositories/amo-token-store.js';
import { createLogger } from './logger.js';
import { MoySkladUserLimiters } from './moysklad/user-limiters.js';
import { JobQueue } from './queue/job-queue.js';
import type { JobHandler } from './queue/worker.js';
import { AccountClients } from './sync/account-clients.js';

/**
 * The module contract of a proxy process. A process (the server, `proxy/server.ts`; the sync CLI, `proxy/cli/sync.ts`)
 * builds one `ProxyContext` with `createContext(config)`; feature modules (the widget API, the sync) take it and hand
 * back `ProxyModules`; `proxy/compose.ts` says which modules a server runs. It lives apart from the entry so modules
 * and the CLI do not import a file that also starts a server.
 */

/** Everything a feature module needs, built once per process. */
export interface ProxyContext {
  config: Config;
  logger: Logger;
  database: DatabaseHandle;
  secrets: SecretBox;
  accounts: AccountsRepository;
  /** The process's one job queue: webhooks, widget operations and the sync enqueue into it. */
  queue: JobQueue;
  /** One МойСклад limiter per user for the whole process: the widget's routes and the sync share it. */
  moyskladLimiters: MoySkladUserLimiters;
  /**
   * The process's one set of per-account clients, above all its one amoCRM limiter: the widget (user names, the
   * authorization check) and the sync share its live-lane priority and its 429 slow-down, which live in memory; the
   * 7 rps budget, blocks and token refreshes are shared with other processes through the database.
   */
  amoClients: AccountClients;
}

/** What feature modules (routes, sync) contribute. `start`/`stop` are for their own timers (reconcile). */
export interface ProxyModules {
  routes?: RouteRegistrar[];
  jobHandlers?: Record<string, JobHandler<any>>;
  start?(): void | Promise<void>;
  stop?(): void | Promise<void>;
}

export type ComposeModules = (context: ProxyContext) => ProxyModules | Promise<ProxyModules>;

/** Sandbox, benchmarks and tests only: the proxy's amoCRM clients matched to a time-compressed emulator. */
export interface AmoClientTuning {
  /** amoCRM's one-second window scaled like the emulator's (production: 1). */
  timeScale?: number;
  /** Shorter retry backoffs, like the emulator's clock (production: the client's defaults). */
  retry?: Partial<AmoRetryOptions>;
}

export interface CreateContextOptions {
  /** The process's logger (default: one at `config.LOG_LEVEL` on stdout; the CLI logs to stderr). */
  logger?: Logger;
  amo?: AmoClientTuning;
}

/** What the amoCRM and МойСклад clients take of the configuration. */
export type AccountClientsSettings = Pick<Config, 'PUBLIC_URL' | 'MOYSKLAD_API_URL' | 'AMOCRM_BASE_URL_TEMPLATE' | 'AMOCRM_CLIENT_ID' | 'AMOCRM_CLIENT_SECRET' | 'AMOCRM_REDIRECT_URI'> &
  Partial<Pick<Config, 'AMOCRM_RATE_LIMIT_PER_SECOND'>>;

/**
 * The process's `AccountClients` on its database: tokens in the accounts table, the amoCRM budget in `amo_rate`
 * (so several proxy processes share it), МойСклад limiters from the process's registry.
 */
export function createAccountClients(
  config: AccountClientsSettings,
  database: Pick<DatabaseHandle, 'db' | 'dialect'>,
  accounts: AccountsRepository,
  moyskladLimiters: MoySkladUserLimiters,
  tuning: AmoClientTuning = {},
): AccountClients {
  return new AccountClients(
    {
      publicUrl: config.PUBLIC_URL,
      moyskladApiUrl: config.MOYSKLAD_API_URL,
      amoBaseUrlTemplate: config.AMOCRM_BASE_URL_TEMPLATE,
      amoClientId: config.AMOCRM_CLIENT_ID,
      amoClientSecret: config.AMOCRM_CLIENT_SECRET,
      amoRedirectUri: config.AMOCRM_REDIRECT_URI,
      amoRequestsPerSecond: config.AMOCRM_RATE_LIMIT_PER_SECOND ?? 7,
      ...(tuning.timeScale ? { amoTimeScale: tuning.timeScale } : {}),
      ...(tuning.retry ? { amoRetry: tuning.retry } : {}),
    },
    accounts,
    new AmoTokenStore(accounts),
    moyskladLimiters,
    new AmoRateStore(database.db, database.dialect),
  );
}

/**
 * Opens the database, migrates it to the latest schema and builds the process-wide parts on it. The caller owns the
 * result and closes `context.database` when the process stops. A failed migration closes the database before the
 * error is thrown, so a process that cannot start holds no connection.
 */
export async function createContext(config: Config, options: CreateContextOptions = {}): Promise<ProxyContext> {
  const logger = options.logger ?? createLogger({ level: config.LOG_LEVEL });
  const database = openDatabase(config.DATABASE_URL, {
    onIdleConnectionError: (error) => logger.warn({ err: error }, 'idle database connection failed; the pool replaces it'),
  });
  try {
    await migrateToLatest(database.db, database.dialect);
  } catch (error) {
    await database.close();
    throw error;
  }
  return contextOn(config, database, { ...options, logger });
}

/**
 * The process-wide parts on a database that is open and migrated already: what `createContext` builds after opening
 * it. Tests that bring their own database (proxy/test-support/databases.ts) and need no process around it (the
 * widget's route tests) build their context with this, so it is wired like a process's.
 */
export function contextOn(config: Config, database: DatabaseHandle, options: CreateContextOptions = {}): ProxyContext {
  const logger = options.logger ?? createLogger({ level: config.LOG_LEVEL });
  const secrets = createSecretBox(config.ENCRYPTION_KEY);
  const accounts = new AccountsRepository(database.db, secrets);
  const moyskladLimiters = new MoySkladUserLimiters();
  return {
    config,
    logger,
    database,
    secrets,
    accounts,
    queue: new JobQueue(database),
    moyskladLimiters,
    amoClients: createAccountClients(config, database, accounts, moyskladLimiters, options.amo),
  };
}
