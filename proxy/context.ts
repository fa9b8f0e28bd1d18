import type { Logger } from 'pino';
import type { RouteRegistrar } from './app.js';
import type { Config } from './config.js';
import { type SecretBox, createSecretBox } from './crypto/secret-box.js';
import { type DatabaseHandle, openDatabase } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { AccountsRepository } from './db/repositories/accounts.js';
import { createLogger } from './logger.js';
import { MoySkladUserLimiters } from './moysklad/user-limiters.js';
import { JobQueue } from './queue/job-queue.js';
import type { JobHandler } from './queue/worker.js';

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
}

/** What feature modules (routes, sync) contribute. `start`/`stop` are for their own timers (reconcile). */
export interface ProxyModules {
  routes?: RouteRegistrar[];
  jobHandlers?: Record<string, JobHandler<any>>;
  start?(): void | Promise<void>;
  stop?(): void | Promise<void>;
}

export type ComposeModules = (context: ProxyContext) => ProxyModules | Promise<ProxyModules>;

export interface CreateContextOptions {
  /** The process's logger (default: one at `config.LOG_LEVEL` on stdout; the CLI logs to stderr). */
  logger?: Logger;
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
  const secrets = createSecretBox(config.ENCRYPTION_KEY);
  return {
    config,
    logger,
    database,
    secrets,
    accounts: new AccountsRepository(database.db, secrets),
    queue: new JobQueue(database),
    moyskladLimiters: new MoySkladUserLimiters(),
  };
}
