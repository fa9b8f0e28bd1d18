// The sandbox: the stack (stack.ts, the one builder) on a database file in the data dir, with the host page,
// installed and connected as the admin would, by default after its first import. The orchestrator is the one
// place in sandbox/ that imports the proxy (the emulators themselves import nothing from proxy/ or widget/).
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { AmoCrmEmulator } from '../amocrm/emulator.js';
import type { MoySkladEmulator } from '../moysklad/emulator.js';
import type { SeedOptionsInput } from '../seed/options.js';
import type { Seed } from '../seed/types.js';
import type { RunningProxy } from '../../proxy/server.js';
import { SANDBOX_ADMIN_USER_ID, SANDBOX_AMO_ACCOUNT, SANDBOX_SUBDOMAIN } from './amocrm-side.js';
import { loadOrCreateEncryptionKey } from './encryption-key.js';
import { SANDBOX_MOYSKLAD_LOGIN, SANDBOX_MOYSKLAD_PASSWORD } from './moysklad-side.js';
import { startStack, type ImportProgress } from './stack.js';
import type { WidgetApiClient } from './widget-api-client.js';

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
  waitForFirstImport(timeoutMs: number, onProgress?: ImportProgress): Promise<void>;
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const dataDir = resolve(options.dataDir ?? 'data');
  const databaseFile = resolve(options.databaseFile ?? join(dataDir, 'sandbox.sqlite'));
  mkdirSync(dirname(databaseFile), { recursive: true });
  if (!options.keepDatabase) for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${databaseFile}${suffix}`, { force: true });

  const stack = await startStack({
    databaseUrl: `file:${databaseFile}`,
    encryptionKey: loadOrCreateEncryptionKey(dataDir),
    ...(options.ports ? { ports: options.ports } : {}),
    ...(options.seed ? { seed: options.seed } : {}),
    ...(options.moyskladTimeScale ? { moyskladTimeScale: options.moyskladTimeScale } : {}),
    ...(options.amoRateLimit ? { amoRateLimit: options.amoRateLimit } : {}),
    widgetZipPath: resolve(options.widgetZipPath ?? join('dist', 'widget.zip')),
    sync: { schedulerTickMs: options.schedulerTickMs ?? 500 },
    ...(options.proxyAmoTimeScale ? { proxyAmo: { timeScale: options.proxyAmoTimeScale } } : {}),
    logLevel: options.logLevel ?? 'warn',
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.workerPollIntervalMs ? { workerPollIntervalMs: options.workerPollIntervalMs } : {}),
    ...(options.proxyEnv ? { proxyEnv: options.proxyEnv } : {}),
  });
  try {
    await stack.installAndConnect();
    if (options.waitForImport ?? true) await stack.waitForFirstImport(options.importTimeoutMs ?? 120_000);
  } catch (error) {
    await stack.close();
    throw error;
  }

  const proxy = stack.proxies[0]!;
  const account = stack.amo.accountBaseUrl(SANDBOX_SUBDOMAIN);
  return {
    urls: {
      proxy: proxy.url,
      moyskladApi: stack.moyskladApiUrl,
      pos: stack.posUrl,
      amocrmOrigin: stack.amo.origin,
      amocrmAccount: account,
      customersList: `${account}/customers`,
      widgetSettings: `${account}/settings/widgets`,
      advancedSettings: `${account}/settings/widget/moysklad`,
      customerCard: (id) => `${account}/customers/detail/${id}`,
    },
    credentials: {
      moysklad: { login: SANDBOX_MOYSKLAD_LOGIN, password: SANDBOX_MOYSKLAD_PASSWORD },
      amocrm: { subdomain: SANDBOX_SUBDOMAIN, accountId: SANDBOX_AMO_ACCOUNT.id, adminUserId: SANDBOX_ADMIN_USER_ID, clientId: stack.integration.clientId },
    },
    moysklad: stack.ms,
    amocrm: stack.amo,
    proxy,
    seed: stack.seed,
    widgetApi: (userId = SANDBOX_ADMIN_USER_ID) => stack.api(userId),
    waitForFirstImport: stack.waitForFirstImport,
    close: stack.close,
  };
}
