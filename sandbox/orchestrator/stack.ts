// The one builder of the whole stack: both emulators and the real proxy composition (proxy/compose.ts) on
// 127.0.0.1. `startSandbox` (npm start, the sandbox and e2e tests), the bench's `startStack` (benchmarks and the
// resilience suite), the sync's test harness (proxy/sync/test-support/sync-harness.ts) and the bench's card server
// are thin wrappers that choose the options; they differ in where the database lives, how fast time runs and which
// modules the proxy runs, not in how the stack is put together.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { AmoCrmEmulator } from '../amocrm/emulator.js';
import type { CustomersMode } from '../amocrm/options.js';
import type { MoySkladEmulator, MoySkladEmulatorOptions } from '../moysklad/emulator.js';
import type { SeedOptionsInput } from '../seed/options.js';
import type { Seed } from '../seed/types.js';
import { createComposeModules } from '../../proxy/compose.js';
import { loadConfig } from '../../proxy/config.js';
import type { AmoClientTuning, ComposeModules } from '../../proxy/context.js';
import { startProxy, type RunningProxy } from '../../proxy/server.js';
import type { SyncModuleOptions } from '../../proxy/sync/module.js';
import { installWidgetAsAdmin, SANDBOX_ADMIN_USER_ID, SANDBOX_SUBDOMAIN, startAmoSide } from './amocrm-side.js';
import { reserveFreePort } from './free-port.js';
import { SANDBOX_MOYSKLAD_LOGIN, SANDBOX_MOYSKLAD_PASSWORD, startMoySkladSide } from './moysklad-side.js';
import { GiveUpWaiting, waitUntil } from './wait-until.js';
import { WidgetApiClient, type WidgetSyncStatus } from './widget-api-client.js';

export interface StackOptions {
  /**
   * The proxy's database, e.g. `file:/tmp/x/proxy.sqlite` or `postgres://…?schema=x`: the caller's (a test database
   * of proxy/test-support/databases.ts, say), which it disposes after `close()`.
   */
  databaseUrl: string;
  /** base64 of 32 bytes; a fresh one per stack by default (nothing encrypted outlives it then). */
  encryptionKey?: string;
  /** 0 or absent = a free port. */
  ports?: { moysklad?: number; amocrm?: number; proxy?: number };
  seed?: SeedOptionsInput;
  /** Speeds up the МойСклад rate-limit window (the emulator's `timeScale`). Default 1. */
  moyskladTimeScale?: number;
  /** More МойСклад emulator options (a free tariff, a user without admin rights, other rate limits). */
  moysklad?: Omit<MoySkladEmulatorOptions, 'timeScale'>;
  /** The amoCRM emulator's time scale (its hook timeout, token lifetimes). Default 1. */
  amoTimeScale?: number;
  amoRateLimit?: { perSecond: number; blockAfterViolations: number };
  /** The amoCRM account's Customers mode (default `segments`, set up as an admin would). */
  amoCustomersMode?: CustomersMode;
  /** Whether amoCRM calls the proxy's revoke hook on uninstall (default true). */
  amoRevokeHook?: boolean;
  /**
   * Where the proxy reaches amoCRM, given the emulator's origin (default: the emulator itself). A test may put a
   * relay in between, e.g. to answer with a shape amoCRM's documentation does not print.
   */
  amoOrigin?: (emulatorOrigin: string) => Promise<string>;
  /** Mounts the amoCRM-like host page with this widget archive (the sandbox); without it, the API only (the bench). */
  widgetZipPath?: string;
  /** The proxy's amoCRM clients (its process context): `timeScale` scales their 7 rps pacing like the emulator's. */
  proxyAmo?: AmoClientTuning;
  /** The sync module's options, `schedulerTickMs` among them. */
  sync?: SyncModuleOptions;
  /** The modules every proxy runs (default: the production composition with `sync`); `addProxy` may choose others. */
  compose?: ComposeModules;
  /** How long a proxy's shutdown waits for running jobs (default 2 s). */
  drainMs?: number;
  /** In-process proxies sharing the database; the first listens on the public port. 0: the caller starts its own. Default 1. */
  proxies?: number;
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  logger?: Logger;
  workerPollIntervalMs?: number;
  /** Extra proxy environment (e.g. RECONCILE_INTERVAL_SECONDS); wins over the stack's values. */
  proxyEnv?: Record<string, string>;
}

export interface Stack {
  ms: MoySkladEmulator;
  amo: AmoCrmEmulator;
  seed: Seed;
  /** `…/api/remap/1.2` of the МойСклад emulator, and its till page. */
  moyskladApiUrl: string;
  posUrl: string;
  integration: { clientId: string; clientSecret: string };
  /** Public URL of the proxy (amoCRM's hooks and webhooks go here); the first proxy listens on it. */
  proxyUrl: string;
  proxyPort: number;
  proxies: RunningProxy[];
  /** The proxy's environment (proxy/config.ts) on `port`: what in-process proxies load, and what a child process gets. */
  proxyEnv(port: number): Record<string, string>;
  /** One more in-process proxy on the same database (any port, or `port`), with the stack's modules or `options.compose`. */
  addProxy(port?: number, options?: AddProxyOptions): Promise<RunningProxy>;
  /** The widget API as a user's widget calls it (a fresh disposable token per call; the admin by default). */
  api(userId?: number): WidgetApiClient;
  /** The admin installs the widget (amoCRM → our install hook → code exchange), then connects МойСклад in it. */
  installAndConnect(): Promise<void>;
  /** Resolves when the first import is done and the queue is empty; rejects when it failed or after `timeoutMs`. */
  waitForFirstImport(timeoutMs: number, onProgress?: ImportProgress): Promise<void>;
  /** Closes something of the caller's with the stack, before the parts started earlier. */
  defer(closer: () => Promise<unknown>): void;
  close(): Promise<void>;
}

export interface AddProxyOptions {
  compose?: ComposeModules;
  drainMs?: number;
}

export type ImportProgress = (progress: WidgetSyncStatus['import'], status: WidgetSyncStatus) => void;

export async function startStack(options: StackOptions): Promise<Stack> {
  const closers: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) await closer().catch(() => undefined);
  };
  try {
    const ms = await startMoySkladSide({
      port: options.ports?.moysklad ?? 0,
      ...(options.seed ? { seed: options.seed } : {}),
      ...(options.moyskladTimeScale ? { timeScale: options.moyskladTimeScale } : {}),
      ...(options.moysklad ? { emulator: options.moysklad } : {}),
    });
    closers.push(() => ms.emulator.close());

    // A fresh integration secret per stack: it signs the widget's disposable tokens and is known only to the
    // in-process parties (amoCRM and the proxy); nothing needs it across restarts.
    const integration = { clientId: randomUUID(), clientSecret: randomBytes(32).toString('base64url') };
    const proxyPort = options.ports?.proxy || (await reserveFreePort());
    const proxyUrl = `http://127.0.0.1:${proxyPort}`;
    const amo = await startAmoSide({
      integration,
      proxyUrl,
      port: options.ports?.amocrm ?? 0,
      ...(options.widgetZipPath ? { widgetZipPath: options.widgetZipPath } : {}),
      ...(options.amoTimeScale ? { timeScale: options.amoTimeScale } : {}),
      ...(options.amoRateLimit ? { rateLimit: options.amoRateLimit } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.amoCustomersMode ? { customersMode: options.amoCustomersMode } : {}),
      ...(options.amoRevokeHook === false ? { revokeHook: false } : {}),
    });
    closers.push(() => amo.close());
    const amoOrigin = options.amoOrigin ? await options.amoOrigin(amo.origin) : amo.origin;

    const encryptionKey = options.encryptionKey ?? randomBytes(32).toString('base64');
    const proxyEnv = (port: number): Record<string, string> => ({
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: proxyUrl,
      DATABASE_URL: options.databaseUrl,
      ENCRYPTION_KEY: encryptionKey,
      AMOCRM_CLIENT_ID: integration.clientId,
      AMOCRM_CLIENT_SECRET: integration.clientSecret,
      AMOCRM_REDIRECT_URI: `${proxyUrl}/amocrm/install`,
      AMOCRM_BASE_URL_TEMPLATE: `${amoOrigin}/a/{subdomain}`,
      MOYSKLAD_API_URL: ms.apiUrl,
      ALLOWED_ORIGINS: amo.origin,
      LOG_LEVEL: options.logLevel ?? 'warn',
      ...options.proxyEnv,
    });
    const proxies: RunningProxy[] = [];
    const compose = options.compose ?? createComposeModules({ sync: options.sync ?? {} });
    const addProxy = async (port = 0, more: AddProxyOptions = {}) => {
      const proxy = await startProxy(loadConfig(proxyEnv(port)), more.compose ?? compose, {
        ...(options.logger ? { logger: options.logger } : {}),
        drainMs: more.drainMs ?? options.drainMs ?? 2_000,
        ...(options.proxyAmo ? { amo: options.proxyAmo } : {}),
        ...(options.workerPollIntervalMs ? { workerPollIntervalMs: options.workerPollIntervalMs } : {}),
      });
      proxies.push(proxy);
      closers.push(() => proxy.close());
      return proxy;
    };
    const wanted = options.proxies ?? 1;
    for (let i = 0; i < wanted; i++) await addProxy(i === 0 ? proxyPort : 0);

    const api = (userId: number = SANDBOX_ADMIN_USER_ID) => new WidgetApiClient(proxyUrl, () => amo.issueDisposableToken(SANDBOX_SUBDOMAIN, userId));
    return {
      ms: ms.emulator,
      amo,
      seed: ms.seed,
      moyskladApiUrl: ms.apiUrl,
      posUrl: ms.posUrl,
      integration,
      proxyUrl,
      proxyPort,
      proxies,
      proxyEnv,
      addProxy,
      api,
      async installAndConnect() {
        await installWidgetAsAdmin(amo);
        // The proxy answers the hook at once and exchanges the code in the background (amoCRM waits 3 s only).
        await waitUntil('the proxy to finish the amoCRM code exchange', async () => (await api().status()).amocrm.state === 'installed', { timeoutMs: 20_000 });
        await api().connect(SANDBOX_MOYSKLAD_LOGIN, SANDBOX_MOYSKLAD_PASSWORD);
      },
      waitForFirstImport: (timeoutMs, onProgress) => waitForFirstImport(api(), timeoutMs, onProgress),
      defer: (closer) => void closers.push(closer),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

async function waitForFirstImport(api: WidgetApiClient, timeoutMs: number, onProgress?: ImportProgress): Promise<void> {
  await waitUntil(
    'the first МойСклад → amoCRM import',
    async () => {
      const status = await api.syncStatus();
      onProgress?.(status.import, status);
      if (status.import.state === 'failed') {
        const reasons = status.failedJobs.map((job) => `${job.kind}: ${job.error}`).join('; ');
        throw new GiveUpWaiting(`the first import failed${reasons ? `: ${reasons}` : ''}`);
      }
      return status.import.state === 'done' && status.queue.pending === 0 && status.queue.running === 0;
    },
    { timeoutMs, intervalMs: 250 },
  );
}
