import type { AddressInfo } from 'node:net';
import closeWithGrace from 'close-with-grace';
import type { Logger } from 'pino';
import { createApp } from './app.js';
import { composeModules } from './compose.js';
import { createExpressServer } from './express-server.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { type AmoClientTuning, type ComposeModules, type ProxyContext, createContext } from './context.js';
import { createLogger } from './logger.js';
import { Worker } from './queue/worker.js';
import { isEntryPoint } from './entry-point.js';

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
  /** Sandbox, benchmarks, tests: the process's amoCRM clients matched to a time-compressed emulator. */
  amo?: AmoClientTuning;
}

/**
 * Starts one server process: the shared context (./context.js), the modules `compose` picks, HTTP and the job worker.
 * `main()` below runs it with the production modules; the sandbox, the benchmarks and tests run it with theirs.
 */
export async function startProxy(config: Config, compose: ComposeModules = () => ({}), options: StartOptions = {}): Promise<RunningProxy> {
  const context = await createContext(config, { ...(options.logger ? { logger: options.logger } : {}), ...(options.amo ? { amo: options.amo } : {}) });
  const { logger, database, queue } = context;
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
