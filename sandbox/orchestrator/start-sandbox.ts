// The one place in sandbox/ that imports the proxy: the orchestrator boots our product against the emulated
// third parties (the emulators themselves still import nothing from proxy/ or widget/).
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { AmoCrmEmulator } from '../amocrm/emulator.js';
import type { MoySkladEmulator } from '../moysklad/emulator.js';
import type { SeedOptionsInput } from '../seed/options.js';
import type { Seed } from '../seed/types.js';
import { createComposeModules } from '../../proxy/compose.js';
import { loadConfig } from '../../proxy/config.js';
import { startProxy, type RunningProxy } from '../../proxy/server.js';
import { installWidgetAsAdmin, SANDBOX_ADMIN_USER_ID, SANDBOX_AMO_ACCOUNT, SANDBOX_SUBDOMAIN, startAmoSide } from './amocrm-side.js';
import { loadOrCreateEncryptionKey } from './encryption-key.js';
import { reserveFreePort } from './free-port.js';
import { SANDBOX_MOYSKLAD_LOGIN, SANDBOX_MOYSKLAD_PASSWORD, startMoySkladSide } from './moysklad-side.js';
import { GiveUpWaiting, waitUntil } from './wait-until.js';
import { WidgetApiClient, type WidgetSyncStatus } from './widget-api-client.js';

export interface SandboxOptions {
  /** 0 = any free port (tests). `npm start` passes fixed ones. */
  ports?: { moysklad?: number; amocrm?: number; proxy?: number };
  /** Where the SQLite file and the generated ENCRYPTION_KEY live. Default `./data`. */
  dataDir?: string;
  /** Default `<dataDir>/sandbox.sqlite`. */
  databaseFile?: string;
  /**
   * The emulators keep their state in memory, so a database left by an earlier run would point at amoCRM
   * customers and tokens that no longer exist. The file is therefore recreated on every start unless
   * this is true (only useful when the caller restores the emulators' state too).
   */
  keepDatabase?: boolean;
  seed?: SeedOptionsInput;
  widgetZipPath?: string;
  /** pino level for the proxy (default `warn`: the sandbox prints its own summary). */
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  logger?: Logger;
  /** Speeds up the МойСклад rate-limit window (see the emulator's `timeScale`). Default 1 (real limits). */
  moyskladTimeScale?: number;
  amoRateLimit?: { perSecond: number; blockAfterViolations: number };
  /**
   * Scales the proxy's amoCRM request spacing (its 7 rps budget): 0.1 = 70 rps. Tests pair it with a raised
   * `amoRateLimit` so the import takes seconds; `npm start` keeps 1, the real budget. Default 1.
   */
  proxyAmoTimeScale?: number;
  /** Whether `startSandbox` resolves only after the first import (default true; `npm start` shows progress instead). */
  waitForImport?: boolean;
  /** How long to wait for the first import after connecting. Default 120 s. */
  importTimeoutMs?: number;
  /** How often the sync's scheduler looks for accounts to connect (default 500 ms: the sandbox is watched live). */
  schedulerTickMs?: number;
  workerPollIntervalMs?: number;
  /** Extra proxy environment (e.g. RECONCILE_INTERVAL_SECONDS); wins over the sandbox's values. */
  proxyEnv?: Record<string, string>;
}

/**
 * Pacing for tests: МойСклад's rate window and both sides of amoCRM's budget scaled 10× together (the proxy
 * spaces calls for 70 rps, the emulator allows 100), so an import takes seconds while the proxy's limiter
 * still governs the pace.
 */
export const TEST_PACING: Pick<SandboxOptions, 'moyskladTimeScale' | 'amoRateLimit' | 'proxyAmoTimeScale' | 'workerPollIntervalMs'> = {
  moyskladTimeScale: 10,
  amoRateLimit: { perSecond: 100, blockAfterViolations: 1000 },
  proxyAmoTimeScale: 0.1,
  workerPollIntervalMs: 50,
};

export interface RunningSandbox {
  urls: {
    proxy: string;
    moyskladApi: string;
    pos: string;
    amocrmOrigin: string;
    /** `{amocrmOrigin}/a/demo`: the account base URL, API v4 and the host pages live under it. */
    amocrmAccount: string;
    customersList: string;
    widgetSettings: string;
    advancedSettings: string;
    customerCard(amoCustomerId: number): string;
  };
  credentials: {
    moysklad: { login: string; password: string };
    amocrm: { subdomain: string; accountId: number; adminUserId: number; clientId: string };
  };
  moysklad: MoySkladEmulator;
  amocrm: AmoCrmEmulator;
  proxy: RunningProxy;
  seed: Seed;
  /** The widget API as the admin's widget would call it (fresh disposable token per call). */
  widgetApi(userId?: number): WidgetApiClient;
  /** Resolves when the first МойСклад → amoCRM import is done; rejects when it failed or took longer than `timeoutMs`. */
  waitForFirstImport(timeoutMs: number, onProgress?: (progress: WidgetSyncStatus['import']) => void): Promise<void>;
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const dataDir = resolve(options.dataDir ?? 'data');
  const databaseFile = resolve(options.databaseFile ?? join(dataDir, 'sandbox.sqlite'));
  mkdirSync(dirname(databaseFile), { recursive: true });
  if (!options.keepDatabase) for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${databaseFile}${suffix}`, { force: true });

  const closers: Array<() => Promise<void>> = [];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  };
  try {
    const ms = await startMoySkladSide({ port: options.ports?.moysklad ?? 0, ...(options.seed ? { seed: options.seed } : {}), ...(options.moyskladTimeScale ? { timeScale: options.moyskladTimeScale } : {}) });
    closers.push(() => ms.emulator.close());

    // A fresh integration secret per run: it signs the widget's disposable tokens and is known only to
    // the two in-process parties (amoCRM and the proxy); nothing needs it across restarts.
    const integration = { clientId: randomUUID(), clientSecret: randomBytes(32).toString('base64url') };
    const proxyPort = options.ports?.proxy || (await reserveFreePort());
    const proxyUrl = `http://127.0.0.1:${proxyPort}`;
    const amocrm = await startAmoSide({
      integration,
      proxyUrl,
      widgetZipPath: resolve(options.widgetZipPath ?? join('dist', 'widget.zip')),
      port: options.ports?.amocrm ?? 0,
      ...(options.amoRateLimit ? { rateLimit: options.amoRateLimit } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
    });
    closers.push(() => amocrm.close());

    const config = loadConfig({
      PORT: String(proxyPort),
      HOST: '127.0.0.1',
      PUBLIC_URL: proxyUrl,
      DATABASE_URL: `file:${databaseFile}`,
      ENCRYPTION_KEY: loadOrCreateEncryptionKey(dataDir),
      AMOCRM_CLIENT_ID: integration.clientId,
      AMOCRM_CLIENT_SECRET: integration.clientSecret,
      AMOCRM_REDIRECT_URI: `${proxyUrl}/amocrm/install`,
      AMOCRM_BASE_URL_TEMPLATE: `${amocrm.origin}/a/{subdomain}`,
      MOYSKLAD_API_URL: ms.apiUrl,
      ALLOWED_ORIGINS: amocrm.origin,
      LOG_LEVEL: options.logLevel ?? 'warn',
      ...options.proxyEnv,
    });
    const compose = createComposeModules({
      sync: { schedulerTickMs: options.schedulerTickMs ?? 500, ...(options.proxyAmoTimeScale ? { amoTimeScale: options.proxyAmoTimeScale } : {}) },
    });
    const proxy = await startProxy(config, compose, {
      ...(options.logger ? { logger: options.logger } : {}),
      drainMs: 2_000,
      ...(options.workerPollIntervalMs ? { workerPollIntervalMs: options.workerPollIntervalMs } : {}),
    });
    closers.push(() => proxy.close());

    const widgetApi = (userId: number = SANDBOX_ADMIN_USER_ID) => new WidgetApiClient(proxy.url, () => amocrm.issueDisposableToken(SANDBOX_SUBDOMAIN, userId));
    await installAndConnect(amocrm, widgetApi());
    const waitForImport = (timeoutMs: number, onProgress?: (progress: WidgetSyncStatus['import']) => void) => waitForFirstImport(widgetApi(), timeoutMs, onProgress);
    if (options.waitForImport ?? true) await waitForImport(options.importTimeoutMs ?? 120_000);

    const account = amocrm.accountBaseUrl(SANDBOX_SUBDOMAIN);
    return {
      urls: {
        proxy: proxy.url,
        moyskladApi: ms.apiUrl,
        pos: ms.posUrl,
        amocrmOrigin: amocrm.origin,
        amocrmAccount: account,
        customersList: `${account}/customers`,
        widgetSettings: `${account}/settings/widgets`,
        advancedSettings: `${account}/settings/widget/moysklad`,
        customerCard: (id) => `${account}/customers/detail/${id}`,
      },
      credentials: {
        moysklad: { login: SANDBOX_MOYSKLAD_LOGIN, password: SANDBOX_MOYSKLAD_PASSWORD },
        amocrm: { subdomain: SANDBOX_SUBDOMAIN, accountId: SANDBOX_AMO_ACCOUNT.id, adminUserId: SANDBOX_ADMIN_USER_ID, clientId: integration.clientId },
      },
      moysklad: ms.emulator,
      amocrm,
      proxy,
      seed: ms.seed,
      widgetApi,
      waitForFirstImport: waitForImport,
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** The admin installs the widget (amoCRM → our install hook → code exchange), then connects МойСклад in it. */
async function installAndConnect(amocrm: AmoCrmEmulator, api: WidgetApiClient): Promise<void> {
  await installWidgetAsAdmin(amocrm);
  // The proxy answers the hook at once and exchanges the code in the background (amoCRM waits 3 s only).
  await waitUntil('the proxy to finish the amoCRM code exchange', async () => (await api.status()).amocrm.state === 'installed', { timeoutMs: 15_000 });
  await api.connect(SANDBOX_MOYSKLAD_LOGIN, SANDBOX_MOYSKLAD_PASSWORD);
}

/**
 * Resolves when the first МойСклад → amoCRM import is done and the queue is empty; rejects at once when it failed,
 * or after `timeoutMs`. Runtime code (`npm start`, the bench) waits with it; tests poll with vi.waitFor.
 */
export async function waitForFirstImport(api: WidgetApiClient, timeoutMs: number, onProgress?: (progress: WidgetSyncStatus['import'], status: WidgetSyncStatus) => void): Promise<void> {
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
