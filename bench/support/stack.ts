// The product against both emulators, with time compression on both sides — what
// sandbox/orchestrator/start-sandbox.ts does, plus the knobs benchmarks and resilience tests need
// (amoCRM time scale, several proxies on one database, a proxy in a child process to SIGKILL, no import wait).
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AmoCrmEmulator } from '../../sandbox/amocrm/emulator.js';
import { MoySkladEmulator } from '../../sandbox/moysklad/emulator.js';
import { DEFAULT_USER } from '../../sandbox/moysklad/options.js';
import { reserveFreePort } from '../../sandbox/orchestrator/free-port.js';
import { waitUntil } from '../../sandbox/orchestrator/wait-until.js';
import { WidgetApiClient } from '../../sandbox/orchestrator/widget-api-client.js';
import { generateSeed, type Seed, type SeedOptionsInput } from '../../sandbox/seed/index.js';
import { loadConfig } from '../../proxy/config.js';
import { openDatabase, type DatabaseHandle } from '../../proxy/db/database.js';
import { createLogger } from '../../proxy/logger.js';
import { startProxy, type RunningProxy } from '../../proxy/server.js';
import type { SyncModuleOptions } from '../../proxy/sync/module.js';
import { benchCompose } from './bench-compose.js';
import { startChild, type Child } from './child.js';

export const SUBDOMAIN = 'demo';
export const ACCOUNT_ID = 31000001;
export const ADMIN_USER_ID = 5000001;
const WIDGET_CODE = 'moysklad';

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
  const closers: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) await closer().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const ms = new MoySkladEmulator({ timeScale: compression });
    const { baseUrl } = await ms.listen(0);
    closers.push(() => ms.close());
    const seed = generateSeed({ ...options.seed, baseUrl });
    ms.load(seed);

    const integration = { clientId: randomUUID(), clientSecret: randomBytes(32).toString('base64url') };
    const proxyPort = await reserveFreePort();
    const proxyUrl = `http://127.0.0.1:${proxyPort}`;
    const amo = new AmoCrmEmulator({
      integration: { ...integration, redirectUri: `${proxyUrl}/amocrm/install`, revokeHookUrl: `${proxyUrl}/amocrm/revoke`, widgetCode: WIDGET_CODE },
      accounts: [{ id: ACCOUNT_ID, subdomain: SUBDOMAIN, name: 'Bench', customersMode: 'segments', users: [{ id: ADMIN_USER_ID, name: 'Анна Админова', isAdmin: true }] }],
      timeScale: 1 / compression,
      ...(options.amoRateLimit ? { rateLimit: options.amoRateLimit } : {}),
    });
    const { origin } = await amo.listen(0);
    closers.push(() => amo.close());

    const databaseUrl = options.databaseUrl ?? `file:${join(dir, 'proxy.sqlite')}`;
    const encryptionKey = randomBytes(32).toString('base64');
    const env = (port: number): Record<string, string> => ({
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: proxyUrl,
      DATABASE_URL: databaseUrl,
      ENCRYPTION_KEY: encryptionKey,
      AMOCRM_CLIENT_ID: integration.clientId,
      AMOCRM_CLIENT_SECRET: integration.clientSecret,
      AMOCRM_REDIRECT_URI: `${proxyUrl}/amocrm/install`,
      AMOCRM_BASE_URL_TEMPLATE: `${origin}/a/{subdomain}`,
      MOYSKLAD_API_URL: baseUrl,
      LOG_LEVEL: options.logLevel ?? 'silent',
    });
    const logger = createLogger({ level: options.logLevel ?? 'silent' });
    const proxies: RunningProxy[] = [];
    const addProxy = async (port = 0) => {
      const proxy = await startProxy(loadConfig(env(port)), benchCompose(compression, options.sync), {
        logger,
        drainMs: 2_000,
        ...(options.workerPollIntervalMs ? { workerPollIntervalMs: options.workerPollIntervalMs } : {}),
      });
      proxies.push(proxy);
      closers.push(() => proxy.close());
      return proxy;
    };
    const wanted = options.proxies ?? 1;
    for (let i = 0; i < wanted; i++) await addProxy(i === 0 ? proxyPort : 0);

    const api = () => new WidgetApiClient(proxyUrl, () => amo.issueDisposableToken(SUBDOMAIN, ADMIN_USER_ID));
    return {
      ms,
      amo,
      seed,
      proxyUrl,
      proxyPort,
      proxies,
      compression,
      api,
      async installAndConnect() {
        const base = amo.accountBaseUrl(SUBDOMAIN);
        const saved = await fetch(`${base}/api/v4/widgets/${WIDGET_CODE}`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${await amo.issueUiToken(SUBDOMAIN, ADMIN_USER_ID)}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ config: '{"consent":1}' }),
        });
        if (!saved.ok) throw new Error(`saving the widget settings answered ${saved.status}`);
        const { call } = await amo.installWidget(SUBDOMAIN, { userId: ADMIN_USER_ID });
        // The emulator waits for the hook 3 s × its time scale (300 ms at ×10 compression), which the proxy's real
        // response time does not follow on a loaded machine; the proxy still gets the code and exchanges it. So a
        // hook timeout is not a failure here: the installed state awaited below is what counts.
        if ((call.error !== null && call.error !== 'timeout') || (call.status !== null && call.status >= 400)) throw new Error(`install call failed: ${call.error ?? call.status}`);
        await waitUntil('the proxy to finish the amoCRM code exchange', async () => (await api().status()).amocrm.state === 'installed', { timeoutMs: 20_000 });
        await api().connect(DEFAULT_USER.login, DEFAULT_USER.password);
      },
      addProxy,
      async startChildProxy(port = proxyPort) {
        const { child } = await startChild<{ url: string }>('bench/support/proxy-child.ts', {
          env: { ...env(port), BENCH_COMPRESSION: String(compression), BENCH_SYNC_OPTIONS: JSON.stringify(options.sync ?? {}) },
          timeoutMs: 60_000,
        });
        closers.push(() => child.stop('SIGKILL'));
        return child;
      },
      openDatabase() {
        const handle = openDatabase(databaseUrl, { poolSize: 2 });
        closers.push(() => handle.close());
        return handle;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
