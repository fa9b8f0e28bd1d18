// The product against both emulators, in-process, with time compression on both sides — what
// sandbox/orchestrator/start-sandbox.ts does, plus the knobs benchmarks and resilience tests need
// (amoCRM time scale, several proxies on one database, restart on the same database, no wait for import).
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AmoCrmEmulator } from '../../sandbox/amocrm/emulator.js';
import { MoySkladEmulator } from '../../sandbox/moysklad/emulator.js';
import { DEFAULT_USER } from '../../sandbox/moysklad/options.js';
import { reserveFreePort } from '../../sandbox/orchestrator/free-port.js';
import { WidgetApiClient } from '../../sandbox/orchestrator/widget-api-client.js';
import { generateSeed, type Seed, type SeedOptionsInput } from '../../sandbox/seed/index.js';
import { combineModules } from '../../proxy/compose.js';
import { loadConfig, type Config } from '../../proxy/config.js';
import { createWidgetApi } from '../../proxy/http/routes/widget-api.js';
import { createLogger } from '../../proxy/logger.js';
import { startProxy, type RunningProxy } from '../../proxy/server.js';
import { createSyncModule, type SyncModuleOptions } from '../../proxy/sync/module.js';

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
  /** Proxy processes (in-process instances) sharing the database. Default 1. */
  proxies?: number;
  sync?: SyncModuleOptions;
  amoRateLimit?: { perSecond: number; blockAfterViolations: number };
  logLevel?: 'silent' | 'error' | 'warn' | 'info';
  workerPollIntervalMs?: number;
  drainMs?: number;
}

export interface Stack {
  ms: MoySkladEmulator;
  amo: AmoCrmEmulator;
  seed: Seed;
  proxies: RunningProxy[];
  config: Config;
  compression: number;
  api(): WidgetApiClient;
  /** amoCRM install → code exchange → МойСклад connect, as the admin does in the widget. */
  installAndConnect(): Promise<void>;
  /** Another proxy instance on the same database (restart after a kill, or one more worker). */
  addProxy(): Promise<RunningProxy>;
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
      accounts: [
        {
          id: ACCOUNT_ID,
          subdomain: SUBDOMAIN,
          name: 'Bench',
          customersMode: 'segments',
          users: [{ id: ADMIN_USER_ID, name: 'Анна Админова', isAdmin: true }],
        },
      ],
      timeScale: 1 / compression,
      ...(options.amoRateLimit ? { rateLimit: options.amoRateLimit } : {}),
    });
    const { origin } = await amo.listen(0);
    closers.push(() => amo.close());

    const env = (port: number) => ({
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: proxyUrl,
      DATABASE_URL: options.databaseUrl ?? `file:${join(dir, 'proxy.sqlite')}`,
      ENCRYPTION_KEY: encryptionKey,
      AMOCRM_CLIENT_ID: integration.clientId,
      AMOCRM_CLIENT_SECRET: integration.clientSecret,
      AMOCRM_REDIRECT_URI: `${proxyUrl}/amocrm/install`,
      AMOCRM_BASE_URL_TEMPLATE: `${origin}/a/{subdomain}`,
      MOYSKLAD_API_URL: baseUrl,
      LOG_LEVEL: options.logLevel ?? 'silent',
    });
    const encryptionKey = randomBytes(32).toString('base64');
    const config = loadConfig(env(proxyPort));
    const logger = createLogger({ level: options.logLevel ?? 'silent' });
    const proxies: RunningProxy[] = [];
    const boot = async (port: number) => {
      const proxy = await startProxy(
        loadConfig(env(port)),
        (context) => {
          const widgetApi = createWidgetApi({ config: context.config, database: context.database, secrets: context.secrets, logger: context.logger, queue: context.queue });
          const sync = createSyncModule(context, { amoTimeScale: 1 / compression, ...options.sync });
          return combineModules([{ routes: [widgetApi.register], stop: () => widgetApi.installation.settle() }, sync]);
        },
        { logger, drainMs: options.drainMs ?? 2_000, ...(options.workerPollIntervalMs ? { workerPollIntervalMs: options.workerPollIntervalMs } : {}) },
      );
      proxies.push(proxy);
      closers.push(() => proxy.close());
      return proxy;
    };
    // The first proxy owns the public URL (amoCRM's hooks and webhooks point at it); extra ones take any port.
    await boot(proxyPort);
    for (let i = 1; i < (options.proxies ?? 1); i++) await boot(0);

    const api = () => new WidgetApiClient(proxies[0]!.url, () => amo.issueDisposableToken(SUBDOMAIN, ADMIN_USER_ID));
    return {
      ms,
      amo,
      seed,
      proxies,
      config,
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
        if (call.error !== null || call.status === null || call.status >= 400) throw new Error(`install call failed: ${call.error ?? call.status}`);
        const deadline = Date.now() + 20_000;
        while ((await api().status()).amocrm.state !== 'installed') {
          if (Date.now() > deadline) throw new Error('the proxy did not finish the amoCRM code exchange in 20 s');
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        await api().connect(DEFAULT_USER.login, DEFAULT_USER.password);
      },
      addProxy: () => boot(0),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
