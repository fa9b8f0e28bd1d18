import type { AddressInfo } from 'node:net';
import closeWithGrace from 'close-with-grace';
import type { Logger } from 'pino';
import { type RouteRegistrar, createApp } from './app.js';
import { composeModules } from './compose.js';
import { createExpressServer } from './express-server.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { type SecretBox, createSecretBox } from './crypto/secret-box.js';
import { type DatabaseHandle, openDatabase } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { AccountsRepository } from './db/repositories/accounts.js';
import { createLogger } from './logger.js';
import { JobQueue } from './queue/job-queue.js';
import { MoySkladUserLimiters } from './moysklad/user-limiters.js';
import { type JobHandler, Worker } from './queue/worker.js';
import { isEntryPoint } from './entry-point.js';

/** Everything a feature module needs, built once per process. */
export interface ProxyContext {
  config: Config;
  logger: Logger;
  database: DatabaseHandle;
  secrets: SecretBox;
  accounts: AccountsRepository;
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

export interface RunningProxy {
  url: string;
  context: ProxyContext;
  /** Stops HTTP, stops claiming jobs, drains running ones (up to `drainMs`), releases leases, closes the db. */
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  /** How long shutdown waits for running jobs before handing their leases back (default 10 s). */
  drainMs?: number;
  workerPollIntervalMs?: number;
}

export async function startProxy(config: Config, compose: ComposeModules = () => ({}), options: StartOptions = {}): Promise<RunningProxy> {
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
  const queue = new JobQueue(database);
  const context: ProxyContext = { config, logger, database, secrets, accounts: new AccountsRepository(database.db, secrets), queue, moyskladLimiters: new MoySkladUserLimiters() };
  const modules = await compose(context);

  const app = createApp({ logger, database, routes: modules.routes ?? [], trustProxy: config.TRUST_PROXY });
  const server = createExpressServer(app).listen(config.PORT, config.HOST);
  // Bounded timeouts so slow or idle clients cannot hold sockets forever.
  server.requestTimeout = 30_000;
  server.headersTimeout = 20_000;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;

  const worker = new Worker({
    queue,
    logger,
    handlers: modules.jobHandlers ?? {},
    concurrency: config.WORKER_CONCURRENCY,
    ...(options.workerPollIntervalMs ? { pollIntervalMs: options.workerPollIntervalMs } : {}),
  });
  worker.start();
  await modules.start?.();
  logger.info({ url, database: database.dialect, jobKinds: Object.keys(modules.jobHandlers ?? {}) }, 'proxy started');

  // Each step runs even if an earlier one failed, so a failing module cannot keep leases or the db open.
  const step = async (name: string, work: () => unknown) => {
    try {
      await work();
    } catch (error) {
      logger.error({ err: error, step: name }, 'shutdown step failed');
    }
  };
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      const httpClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await step('modules', () => modules.stop?.());
      await step('worker', () => worker.stop(options.drainMs ?? 10_000));
      server.closeAllConnections(); // in-flight requests had the drain period to finish
      await httpClosed;
      await step('database', () => database.close());
      logger.info('proxy stopped');
    })());
  return { url, context, close };
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  const logger = createLogger({ level: config.LOG_LEVEL });
  const proxy = await startProxy(config, composeModules, { logger });
  closeWithGrace({ delay: 15_000, logger }, async ({ signal, err }) => {
    if (err) logger.fatal({ err }, 'unexpected error, shutting down');
    else logger.info({ signal }, 'shutting down');
    await proxy.close();
  });
}

if (isEntryPoint(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error('proxy failed to start:', error);
    process.exit(1);
  });
}
