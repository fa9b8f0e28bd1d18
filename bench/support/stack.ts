// The stack for benchmarks and the resilience suite: the one builder (sandbox/orchestrator/stack.ts) with time
// compressed on both sides, the database in a temp dir (or PostgreSQL), no host page, and the knobs these need
// (several proxies on one database, a proxy in a child process to SIGKILL, a separate database handle).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AmoCrmEmulator } from '../../sandbox/amocrm/emulator.js';
import type { MoySkladEmulator } from '../../sandbox/moysklad/emulator.js';
import { SANDBOX_ADMIN_USER_ID, SANDBOX_AMO_ACCOUNT, SANDBOX_SUBDOMAIN } from '../../sandbox/orchestrator/amocrm-side.js';
import { startStack as startOneStack, type ImportProgress } from '../../sandbox/orchestrator/stack.js';
import type { WidgetApiClient } from '../../sandbox/orchestrator/widget-api-client.js';
import type { Seed, SeedOptionsInput } from '../../sandbox/seed/index.js';
import { openDatabase, type DatabaseHandle } from '../../proxy/db/database.js';
import { createLogger } from '../../proxy/logger.js';
import type { RunningProxy } from '../../proxy/server.js';
import type { SyncModuleOptions } from '../../proxy/sync/module.js';
import { startChild, type Child } from './child.js';

export const SUBDOMAIN = SANDBOX_SUBDOMAIN;
export const ACCOUNT_ID = SANDBOX_AMO_ACCOUNT.id;
export const ADMIN_USER_ID = SANDBOX_ADMIN_USER_ID;

export interface StackOptions {
  seed?: SeedOptionsInput;
  /** >1 makes both services' rate windows that many times shorter (the clients scale with them). */
  compression?: number;
  /** Default: a fresh SQLite file in a temp dir. `postgres://…?schema=x` for PostgreSQL. */
  databaseUrl?: string;
  /** In-process proxy instances sharing the database (0: the caller starts a child with `startChildProxy`). */
  proxies?: number;
  sync?: SyncModuleOptions;
  amoRateLimit?: { perSecond: number; blockAfterViolations: number };
  logLevel?: 'silent' | 'error' | 'warn' | 'info';
  workerPollIntervalMs?: number;
}

export interface Stack {
  ms: MoySkladEmulator;
  amo: AmoCrmEmulator;
  seed: Seed;
  /** Public URL of the proxy (amoCRM's hooks and webhooks go here); the first proxy listens on it. */
  proxyUrl: string;
  proxyPort: number;
  proxies: RunningProxy[];
  compression: number;
  api(): WidgetApiClient;
  installAndConnect(): Promise<void>;
  waitForFirstImport(timeoutMs: number, onProgress?: ImportProgress): Promise<void>;
  /** One more in-process proxy on the same database (any port, or `port`). */
  addProxy(port?: number): Promise<RunningProxy>;
  /** A proxy in a child process on the same database, on the public port unless told otherwise. */
  startChildProxy(port?: number): Promise<Child>;
  /** A separate connection to the proxy's database (for reading links while proxies come and go). */
  openDatabase(): DatabaseHandle;
  close(): Promise<void>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const compression = options.compression ?? 1;
  const dir = mkdtempSync(join(tmpdir(), 'bench-stack-'));
  const databaseUrl = options.databaseUrl ?? `file:${join(dir, 'proxy.sqlite')}`;
  const logLevel = options.logLevel ?? 'silent';
  const stack = await startOneStack({
    databaseUrl,
    ...(options.seed ? { seed: options.seed } : {}),
    moyskladTimeScale: compression,
    amoTimeScale: 1 / compression,
    ...(options.amoRateLimit ? { amoRateLimit: options.amoRateLimit } : {}),
    // The proxy's amoCRM pacing is scaled with the emulator's clock: `compression` times faster on both sides.
    proxyAmo: { timeScale: 1 / compression },
    sync: options.sync ?? {},
    proxies: options.proxies ?? 1,
    logLevel,
    logger: createLogger({ level: logLevel }),
    ...(options.workerPollIntervalMs ? { workerPollIntervalMs: options.workerPollIntervalMs } : {}),
  }).catch((error: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  return {
    ms: stack.ms,
    amo: stack.amo,
    seed: stack.seed,
    proxyUrl: stack.proxyUrl,
    proxyPort: stack.proxyPort,
    proxies: stack.proxies,
    compression,
    api: () => stack.api(),
    installAndConnect: stack.installAndConnect,
    waitForFirstImport: stack.waitForFirstImport,
    addProxy: stack.addProxy,
    async startChildProxy(port = stack.proxyPort) {
      const { child } = await startChild<{ url: string }>('bench/support/proxy-child.ts', {
        env: { ...stack.proxyEnv(port), BENCH_COMPRESSION: String(compression), BENCH_SYNC_OPTIONS: JSON.stringify(options.sync ?? {}) },
        timeoutMs: 60_000,
      });
      stack.defer(() => child.stop('SIGKILL'));
      return child;
    },
    openDatabase() {
      const handle = openDatabase(databaseUrl, { poolSize: 2 });
      stack.defer(() => handle.close());
      return handle;
    },
    async close() {
      await stack.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
